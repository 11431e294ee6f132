/**
 * A workspace for the check-in benchmarks: `alliances` team alliances of `members` members each,
 * their agreement in effect, their weekly pulse opened by the app's own tick and its invitations
 * sent by the app's outbox, so every member has an invitation DM with the "Check in" button.
 *
 * The alliances are written through the store's repositories, as the design and consent services
 * leave them (as the fanout benchmark does); their first `pulse.open` job is the one the pulse
 * service's `ensureScheduled` writes (the same domain functions, the same repository call).
 */

import { pulseSchedule } from '../../src/domain/alliance.js';
import { JOB_KINDS } from '../../src/domain/job.js';
import { nextOccurrence } from '../../src/domain/schedule.js';
import type { FakeSlack, StoredMessage } from '../../src/simulator/fake-slack.js';
import { ACTIONS } from '../../src/slack/ids.js';
import type { Harness } from '../support/boot.js';
import { hasAction } from '../support/flows.js';
import { seedAgreedAlliance, weeklySettings } from './seed.js';

/** Monday 2026-01-05 08:00Z the alliances are set up; their pulse opens Thursday 10:00 Berlin. */
export const SETUP_AT = new Date('2026-01-05T08:00:00Z');
export const PULSE_AT = new Date('2026-01-08T09:00:00Z');

export interface Invitee {
  userId: string;
  allianceIndex: number;
  /** The invitation DM carrying the "Check in" button. */
  invitation: StoredMessage;
}

export const memberId = (alliance: number, member: number) =>
  `UC${String(alliance).padStart(4, '0')}M${String(member).padStart(3, '0')}`;
export const channelId = (alliance: number) => `CC${String(alliance).padStart(6, '0')}`;

/** Adds the people and channels to the fake Slack; call from `bootAlliance`'s `arrange`. */
export function arrangePeople(fake: FakeSlack, alliances: number, members: number): void {
  for (let a = 0; a < alliances; a += 1) {
    const ids = Array.from({ length: members }, (_, m) => memberId(a, m));
    for (const id of ids) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
    fake.addChannel({ id: channelId(a), name: `crew-${a}`, members: ids, botIsMember: true });
  }
}

/** Writes the alliances, opens their pulses with the app's tick, and returns every invitee. */
export async function openPulses(h: Harness, alliances: number, members: number): Promise<Invitee[]> {
  const { store } = h.app;
  const { fake } = h;
  const allianceSettings = weeklySettings(SETUP_AT);
  store.transaction(() => {
    for (let a = 0; a < alliances; a += 1) {
      const id = `al_ackbench_${String(a).padStart(4, '0')}`;
      const ids = Array.from({ length: members }, (_, m) => memberId(a, m));
      seedAgreedAlliance(store, {
        id,
        teamId: fake.teamId,
        channelId: channelId(a),
        name: `Crew ${a}`,
        members: ids,
        settings: allianceSettings,
        at: SETUP_AT,
      });
      store.jobs.scheduleIfNone({
        teamId: fake.teamId,
        kind: JOB_KINDS.pulseOpen,
        subjectId: id,
        runAt: nextOccurrence(pulseSchedule({ settings: allianceSettings }), SETUP_AT),
        now: SETUP_AT,
      });
    }
  });
  await h.tickAt(PULSE_AT);
  const invitees: Invitee[] = [];
  for (let a = 0; a < alliances; a += 1) {
    for (let m = 0; m < members; m += 1) {
      const userId = memberId(a, m);
      const invitation = fake.messages(userId).find((msg) => hasAction(msg, ACTIONS.checkIn));
      if (!invitation) throw new Error(`${userId} got no pulse invitation`);
      invitees.push({ userId, allianceIndex: a, invitation });
    }
  }
  return invitees;
}
