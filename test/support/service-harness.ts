import { fixedClock } from '../../src/clock.js';
import type { Alliance } from '../../src/domain/alliance.js';
import type { SetupForm } from '../../src/domain/setup.js';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS, signalsFormOf } from '../../src/domain/signal-settings.js';
import { getTemplate, type TemplateId } from '../../src/domain/templates/index.js';
import { createLogger } from '../../src/logger.js';
import { createAnswerSealer } from '../../src/services/answer-sealer.js';
import { buildServices, type Services } from '../../src/services/index.js';
import type { SettingsForm } from '../../src/services/settings.js';
import type { HomeView } from '../../src/slack/blocks/kit.js';
import type { SlackClients } from '../../src/slack/clients.js';
import type { ChannelAccess, Directory, SlackUser } from '../../src/slack/directory.js';
import type { DmResult, DmSender } from '../../src/slack/dm-sender.js';
import type { FileUpload, OutgoingMessage, Posted, SlackGateway } from '../../src/slack/gateway.js';
import type { Db } from '../../src/store/db.js';
import type { Store } from '../../src/store/index.js';
import { setupForm } from './forms.js';
import { migratedStore, tempDir } from './temp-db.js';

export interface GatewayCall {
  method: 'post' | 'update' | 'pin' | 'permalink' | 'upload' | 'publishHome';
  teamId: string;
  channel: string;
  ts?: string;
  text?: string;
  message?: OutgoingMessage;
  view?: HomeView;
}

/**
 * A Slack gateway that records what services send, answers like Slack would (a ts per message,
 * DMs addressed by user id land in a `D…` channel), and can be told to refuse a channel.
 */
export class FakeGateway implements SlackGateway {
  readonly calls: GatewayCall[] = [];
  private seq = 0;
  private readonly refused = new Map<string, string>();

  /** Every later post to `channel` fails with `error`. */
  refuse(channel: string, error: string): void {
    this.refused.set(channel, error);
  }

  posts(channel?: string): GatewayCall[] {
    return this.calls.filter((c) => c.method === 'post' && (channel === undefined || c.channel === channel));
  }

  /** Every word the gateway was asked to show anywhere (messages, updates, Home views). */
  everythingShown(): string {
    return JSON.stringify(this.calls);
  }

  async post(teamId: string, message: OutgoingMessage): Promise<Posted> {
    const channel = /^[UW]/.test(message.channel) ? `D${message.channel.slice(1)}` : message.channel;
    this.calls.push({ method: 'post', teamId, channel, text: message.text, message });
    const error = this.refused.get(message.channel);
    if (error) return { ok: false, error };
    this.seq += 1;
    return { ok: true, channel, ts: `1700000000.${String(this.seq).padStart(6, '0')}` };
  }

  async update(teamId: string, at: { channel: string; ts: string }, message: { text: string }): Promise<boolean> {
    this.calls.push({ method: 'update', teamId, channel: at.channel, ts: at.ts, text: message.text });
    return true;
  }

  async pin(teamId: string, at: { channel: string; ts: string }): Promise<boolean> {
    this.calls.push({ method: 'pin', teamId, channel: at.channel, ts: at.ts });
    return true;
  }

  async permalink(teamId: string, at: { channel: string; ts: string }): Promise<string | null> {
    this.calls.push({ method: 'permalink', teamId, channel: at.channel, ts: at.ts });
    return `https://example.slack.com/archives/${at.channel}/p${at.ts.replace('.', '')}`;
  }

  async upload(teamId: string, upload: FileUpload): Promise<boolean> {
    this.calls.push({ method: 'upload', teamId, channel: upload.channel, ts: upload.threadTs, text: upload.title });
    return true;
  }

  async publishHome(teamId: string, userId: string, view: HomeView): Promise<boolean> {
    this.calls.push({ method: 'publishHome', teamId, channel: userId, view });
    return true;
  }
}

export interface SentDm {
  teamId: string;
  userId: string;
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  deliveryId: number;
}

/** Direct messages kept in memory: every person is reachable unless told otherwise. */
export class FakeDms implements DmSender {
  readonly sent: SentDm[] = [];
  /** Every call made, in order: the method and whom or which channel it was for. */
  readonly calls: { method: 'open' | 'post' | 'findDelivered'; to: string }[] = [];
  private readonly unreachable = new Map<string, string>();
  /** People whose next message Slack posts, but whose answer never arrives (a crash, a dropped connection). */
  private readonly answerLost = new Set<string>();
  /** People whose next message fails before Slack posts it. */
  private readonly failing = new Set<string>();
  private seq = 0;

  /** The next message to this person is posted, but the sender hears only a passing failure. */
  loseNextAnswer(userId: string): void {
    this.answerLost.add(userId);
  }

  /** The next message to this person fails for a passing reason, before anything is posted. */
  failNext(userId: string): void {
    this.failing.add(userId);
  }

  /** Slack will refuse DMs to this person with `error` (e.g. 'account_inactive'). */
  refuse(userId: string, error: string): void {
    this.unreachable.set(userId, error);
  }

  to(userId: string): SentDm[] {
    return this.sent.filter((m) => m.userId === userId);
  }

  async open(_teamId: string, userId: string): Promise<DmResult<{ channel: string }>> {
    this.calls.push({ method: 'open', to: userId });
    const error = this.unreachable.get(userId);
    if (error) return { ok: false, error, meaning: 'unreachable' };
    return { ok: true, channel: `D${userId.slice(1)}` };
  }

  /** To a DM channel, or to a person's id (the first message), answered with the DM's channel id, as Slack does. */
  async post(teamId: string, to: string, message: { text: string; blocks: unknown[] }, deliveryId: number) {
    this.calls.push({ method: 'post', to });
    const userId = `U${to.slice(1)}`;
    const channel = `D${to.slice(1)}`;
    const error = this.unreachable.get(userId);
    if (error) return { ok: false as const, error, meaning: 'unreachable' as const };
    if (this.failing.delete(userId))
      return { ok: false as const, error: 'fetch failed', meaning: 'transient' as const };
    this.seq += 1;
    const ts = `1700000100.${String(this.seq).padStart(6, '0')}`;
    this.sent.push({ teamId, userId, channel, ts, text: message.text, blocks: message.blocks, deliveryId });
    if (this.answerLost.delete(userId))
      return { ok: false as const, error: 'socket hang up', meaning: 'transient' as const };
    return { ok: true as const, channel, ts };
  }

  async findDelivered(_teamId: string, channel: string, deliveryId: number): Promise<DmResult<{ ts: string | null }>> {
    this.calls.push({ method: 'findDelivered', to: channel });
    return { ok: true, ts: this.sent.find((m) => m.channel === channel && m.deliveryId === deliveryId)?.ts ?? null };
  }
}

/** A directory of people and channels, answered from memory. */
export function fakeDirectory(
  people: Record<string, Partial<SlackUser>>,
  channels: Record<string, string[]> = {},
): Directory {
  const user = async (_teamId: string, userId: string): Promise<SlackUser | null> => {
    const person = people[userId];
    return person
      ? { id: userId, isBot: false, deleted: false, timeZone: 'Europe/Paris', isAdmin: false, name: userId, ...person }
      : null;
  };
  return {
    user,
    humans: async (teamId, userIds) => {
      const found = await Promise.all(userIds.map((id) => user(teamId, id)));
      return userIds.filter((id, i) => found[i] && !found[i]?.isBot && !found[i]?.deleted && userIds.indexOf(id) === i);
    },
    channelMembers: async (_teamId, channelId) => channels[channelId] ?? null,
    channelAccess: async (_teamId, channelId): Promise<ChannelAccess> =>
      channelId.startsWith('C') ? 'ok' : 'invite-needed',
  };
}

const unusedClients: SlackClients = {
  forTeam() {
    throw new Error('service tests talk to Slack through the fake gateway only');
  },
};

export interface ServiceHarness {
  db: Db;
  store: Store;
  services: Services;
  gateway: FakeGateway;
  dms: FakeDms;
  clock: ReturnType<typeof fixedClock>;
  cleanup(): void;
}

export const TEAM = 'T0001';
/** The secret anonymous answers are sealed with in service tests (the app uses its signing secret). */
export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[yz]/g, '0');
export const PEOPLE = ['UALICE', 'UBOB', 'UCAROL', 'UDAVE', 'UERIN'] as const;

/**
 * The real services over a real, migrated SQLite file (a fresh one, or `file` when given, which
 * stays after cleanup), with Slack replaced by the fake gateway and DM sender.
 */
export function serviceHarness(at = new Date('2026-03-02T09:00:00Z'), file?: string): ServiceHarness {
  const dir = file ? null : tempDir('alliance-service-');
  const { db, store } = migratedStore(file ?? dir?.file('alliance.db') ?? '', at);
  store.workspaces.register({ teamId: TEAM, teamName: 'Team', botUserId: 'UBOT', now: at });
  const clock = fixedClock(at);
  const gateway = new FakeGateway();
  const dms = new FakeDms();
  const people = Object.fromEntries(PEOPLE.map((id) => [id, {}]));
  const services = buildServices({
    store,
    clock,
    logger: createLogger('error', 'service-test', () => {}),
    clients: unusedClients,
    owner: 'service-test',
    gateway,
    dms,
    sealer: createAnswerSealer(SIGNING_SECRET),
    directory: fakeDirectory({ ...people, UBOT: { isBot: true } }, { CTEAM: [...PEOPLE.slice(0, 3), 'UBOT'] }),
  });
  return {
    db,
    store,
    services,
    gateway,
    dms,
    clock,
    cleanup: () => {
      db.close();
      dir?.cleanup();
    },
  };
}

export { setupForm } from './forms.js';

/** Every prompt of a step answered with text that says who wrote it. */
export function answersFor(templateId: TemplateId, step: number, who: string): Record<string, string> {
  const section = getTemplate(templateId).sections[step];
  if (!section) throw new Error(`no step ${step}`);
  return Object.fromEntries(section.prompts.map((p) => [p.id, `${who} on ${p.id}`]));
}

/**
 * Drives the use cases, as the listeners would, to an alliance in effect: setup, every member's
 * answers (the agreement compiles itself), everyone's consent.
 */
export async function activeAlliance(h: ServiceHarness, form: Partial<SetupForm> = {}): Promise<Alliance> {
  const { services, clock } = h;
  const full = setupForm(form);
  const created = services.setup.createAlliance({
    teamId: TEAM,
    userId: 'UALICE',
    viewId: `V-${full.channelId}`,
    form: full,
    signals: DEFAULT_SIGNALS,
    celebration: DEFAULT_CELEBRATION,
    now: clock.now(),
  });
  if (!created.ok) throw new Error(created.problem);
  await services.events.publish(created.events, clock.now());
  const round = h.store.design.currentOpenRound(created.allianceId);
  if (!round) throw new Error('no design round');
  const templateId = (full.templateId ?? 'team') as TemplateId;
  for (const userId of full.members) {
    const steps = getTemplate(templateId).sections.length;
    for (let step = 0; step < steps; step++) {
      const result = services.designRound.submitStep({
        teamId: TEAM,
        userId,
        meta: { allianceId: created.allianceId, roundId: round.id, step },
        values: answersFor(templateId, step, userId),
        now: clock.now(),
      });
      if (result.kind !== 'update') throw new Error(JSON.stringify(result));
      await services.events.publish(result.events, clock.now());
    }
  }
  const version = h.store.agreements.proposedVersion(created.allianceId);
  if (!version) throw new Error('no version compiled');
  for (const userId of full.members) {
    await services.consent.agree({
      teamId: TEAM,
      userId,
      allianceId: created.allianceId,
      versionId: version.id,
      now: clock.now(),
    });
  }
  const alliance = h.store.alliances.get(created.allianceId);
  if (alliance?.status !== 'active') throw new Error('the alliance did not take effect');
  return alliance;
}

/** The settings modal as it opens for an alliance (nothing changed yet), with `changes` applied. */
export function settingsFormOf(
  alliance: Alliance,
  changes: { setup?: Partial<SetupForm>; openHours?: string; reminderHours?: string } = {},
): SettingsForm {
  const s = alliance.settings;
  return {
    setup: {
      name: alliance.name,
      channelId: alliance.channelId,
      members: [],
      templateId: alliance.templateId,
      cadence: s.pulse.cadence,
      pulseWeekday: String(s.pulse.weekday),
      pulseTime: s.pulse.localTime,
      timeZone: s.timeZone,
      digestWeekday: String(s.digest.weekday),
      digestTime: s.digest.localTime,
      anonymous: s.anonymous,
      anonymityThreshold: String(s.anonymityThreshold),
      visibility: s.visibility,
      ...changes.setup,
    },
    signals: signalsFormOf(s.signals, s.celebration),
    openHours: changes.openHours ?? String(s.pulse.openHours),
    reminderHours: changes.reminderHours ?? String(s.pulse.reminderHoursBefore),
  };
}
