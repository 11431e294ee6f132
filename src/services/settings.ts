import type { Logger } from '@slack/bolt';
import { type Alliance, type AllianceSettings, pulseSchedule, pulseSettingsSchema } from '../domain/alliance.js';
import { describeSchedule } from '../domain/schedule.js';
import { type SetupErrors, type SetupForm, validateSetup } from '../domain/setup.js';
import { type SignalsField, type SignalsForm, validateSignalsForm } from '../domain/signal-settings.js';
import { escapeText, type ModalView } from '../slack/blocks/kit.js';
import { buildSettingsModal } from '../slack/blocks/settings-modal.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';
import type { Directory } from './directory.js';
import type { Notice } from './notice.js';

export interface SettingsForm {
  setup: SetupForm;
  signals: SignalsForm;
  openHours: string | null;
  reminderHours: string | null;
}

export interface MembershipChange {
  joined: string[];
  left: string[];
  /** Why: 'settings' (someone edited the members), 'channel' (joined/left the channel), 'deactivated', or a newcomer's 'proposal'. */
  cause: 'settings' | 'channel' | 'deactivated' | 'proposal';
  byUserId: string | null;
  /** Identifies what triggered the change (an event id, a modal), so its signal is raised once. */
  occurrence: string;
  proposal?: string;
}

export interface SettingsDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
  directory: Directory;
  botUserId: (teamId: string) => string | null;
  /** The pulse and digest schedules changed (or might have). */
  onScheduleChanged: (alliance: Alliance, now: Date) => void;
  onMembershipChanged: (alliance: Alliance, change: MembershipChange, now: Date) => Promise<void>;
}

const NOT_A_MEMBER = (alliance: Alliance) =>
  `Only the members of *${escapeText(alliance.name)}* can change its settings. Ask <@${alliance.starterId}> if you should be one.`;

/** `/alliance settings` and the membership changes it (and the channel) can make. */
export function createSettingsService(deps: SettingsDeps) {
  const { store } = deps;

  const mayChange = (alliance: Alliance, userId: string) =>
    store.alliances.isMember(alliance.id, userId) || alliance.starterId === userId;

  function open(input: {
    teamId: string;
    userId: string;
    channelId: string;
  }): Notice | { kind: 'view'; view: ModalView } {
    const alliance = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (!alliance)
      return { kind: 'notice', text: 'This channel has no alliance yet. Start one with `/alliance start`.' };
    if (!mayChange(alliance, input.userId)) return { kind: 'notice', text: NOT_A_MEMBER(alliance) };
    return {
      kind: 'view',
      view: buildSettingsModal({
        allianceId: alliance.id,
        allianceName: alliance.name,
        members: store.alliances.members(alliance.id),
        settings: alliance.settings,
      }),
    };
  }

  /** Records a membership change: removed members leave the open pulse and get nothing more. */
  function applyMembership(alliance: Alliance, change: MembershipChange, now: Date): void {
    if (change.joined.length === 0 && change.left.length === 0) return;
    store.transaction(() => {
      for (const userId of change.joined) store.alliances.addMember(alliance.id, alliance.teamId, userId, now);
      const open = store.pulses.openPulse(alliance.id);
      for (const userId of change.left) {
        store.alliances.removeMember(alliance.id, userId, change.cause, now);
        store.deliveries.cancelForUser(alliance.id, userId);
        if (open) store.pulses.removeInvitee(open.id, userId);
      }
    });
  }

  /** Records a membership change and raises it as a signal. */
  async function changeMembers(alliance: Alliance, change: MembershipChange, now: Date): Promise<void> {
    if (change.joined.length === 0 && change.left.length === 0) return;
    applyMembership(alliance, change, now);
    await deps.onMembershipChanged(alliance, change, now);
  }

  type SubmitResult =
    | {
        kind: 'errors';
        setup: SetupErrors;
        signals: Partial<Record<SignalsField, string>>;
        pulse: Partial<Record<'openHours' | 'reminderHours', string>>;
      }
    | Notice
    | { kind: 'saved'; announce: () => Promise<void> };

  async function submit(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    form: SettingsForm;
    now: Date;
  }): Promise<SubmitResult> {
    const alliance = store.alliances.get(input.allianceId);
    if (!alliance || alliance.teamId !== input.teamId || alliance.status === 'archived') {
      return {
        kind: 'notice',
        text: 'These settings are out of date, so nothing was changed. Run `/alliance settings` again.',
      };
    }
    if (!mayChange(alliance, input.userId)) return { kind: 'notice', text: NOT_A_MEMBER(alliance) };

    // The same rules as at start, applied to this alliance's name, channel and template.
    const checked = validateSetup(
      { ...input.form.setup, name: alliance.name, channelId: alliance.channelId, templateId: alliance.templateId },
      input.now,
    );
    const signals = validateSignalsForm(input.form.signals);
    const pulse = pulseSettingsSchema.safeParse({
      cadence: input.form.setup.cadence,
      weekday: Number(input.form.setup.pulseWeekday),
      localTime: input.form.setup.pulseTime,
      openHours: Number(input.form.openHours),
      reminderHoursBefore: Number(input.form.reminderHours),
    });
    const pulseErrors: Partial<Record<'openHours' | 'reminderHours', string>> = {};
    if (!pulse.success) {
      for (const issue of pulse.error.issues) {
        if (issue.path[0] === 'reminderHoursBefore')
          pulseErrors.reminderHours = 'The reminder has to come before the pulse closes.';
        if (issue.path[0] === 'openHours') pulseErrors.openHours = 'Pick how long pulses stay open.';
      }
    }
    let memberErrors: SetupErrors = {};
    if (checked.ok) {
      const bot = deps.botUserId(alliance.teamId);
      const current = new Set(store.alliances.members(alliance.id));
      const newcomers = checked.setup.members.filter((m) => !current.has(m));
      const humans = new Set(await deps.directory.humans(alliance.teamId, newcomers));
      if (newcomers.some((m) => !humans.has(m) || m === bot))
        memberErrors = { members: 'Bots and deactivated accounts cannot take part; please remove them from the list.' };
    }
    if (!checked.ok || !signals.ok || !pulse.success || Object.keys(memberErrors).length > 0) {
      return {
        kind: 'errors',
        setup: { ...(checked.ok ? {} : checked.errors), ...memberErrors },
        signals: signals.ok ? {} : signals.errors,
        pulse: pulseErrors,
      };
    }

    const before = alliance.settings;
    const scheduleSame =
      before.pulse.cadence === pulse.data.cadence &&
      before.pulse.weekday === pulse.data.weekday &&
      before.pulse.localTime === pulse.data.localTime &&
      before.timeZone === checked.setup.settings.timeZone;
    const settings: AllianceSettings = {
      ...checked.setup.settings,
      pulse: pulse.data,
      // Keeping the anchor keeps an every-other-week rhythm where it was.
      scheduleAnchor: scheduleSame ? before.scheduleAnchor : input.now.toISOString(),
      signals: signals.signals,
      celebration: signals.celebration,
    };
    const current = store.alliances.members(alliance.id);
    const joined = checked.setup.members.filter((m) => !current.includes(m));
    const left = current.filter((m) => !checked.setup.members.includes(m));
    store.alliances.updateSettings(alliance.id, settings);
    const updated = store.alliances.get(alliance.id) ?? alliance;
    deps.onScheduleChanged(updated, input.now);
    const membership: MembershipChange = {
      joined,
      left,
      cause: 'settings',
      byUserId: input.userId,
      occurrence: `settings:${input.now.getTime()}:${input.userId}`,
    };
    applyMembership(updated, membership, input.now);

    const changes: string[] = [];
    if (
      !scheduleSame ||
      before.pulse.openHours !== settings.pulse.openHours ||
      before.pulse.reminderHoursBefore !== settings.pulse.reminderHoursBefore
    ) {
      changes.push(`pulses ${describeSchedule(pulseSchedule(updated))}, open ${settings.pulse.openHours} hours`);
    }
    if (before.digest.weekday !== settings.digest.weekday || before.digest.localTime !== settings.digest.localTime)
      changes.push('a new digest time');
    if (before.anonymous !== settings.anonymous || before.anonymityThreshold !== settings.anonymityThreshold) {
      changes.push(
        settings.anonymous
          ? `anonymous pulses (results from at least ${settings.anonymityThreshold} answers)`
          : 'named pulses',
      );
    }
    if (JSON.stringify(before.signals) !== JSON.stringify(settings.signals)) changes.push('the renegotiation signals');
    if (JSON.stringify(before.celebration) !== JSON.stringify(settings.celebration))
      changes.push('the celebration target');
    if (before.visibility !== settings.visibility)
      changes.push(
        settings.visibility === 'members'
          ? 'the agreement shared with members only'
          : 'the agreement posted in the channel',
      );
    if (joined.length > 0) changes.push(`welcomed ${joined.map((u) => `<@${u}>`).join(', ')}`);
    if (left.length > 0) changes.push(`removed ${left.map((u) => `<@${u}>`).join(', ')}`);

    // Runs after the modal is answered: posting and signalling talk to Slack.
    const announce = async () => {
      if (joined.length > 0 || left.length > 0) await deps.onMembershipChanged(updated, membership, input.now);
      if (changes.length === 0) return;
      try {
        await deps.clients.forTeam(alliance.teamId).chat.postMessage({
          channel: alliance.channelId,
          text: `<@${input.userId}> updated the settings of *${escapeText(alliance.name)}*: ${changes.join('; ')}. See them all with \`/alliance settings\`.`,
        });
      } catch (error) {
        deps.logger.warn(
          `alliance ${alliance.id}: could not announce a settings change:`,
          slackErrorCode(error) ?? error,
        );
      }
    };
    return { kind: 'saved', announce };
  }

  return { open, submit, changeMembers };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
