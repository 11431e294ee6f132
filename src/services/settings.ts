import {
  type Alliance,
  type AllianceSettings,
  type PulseSettings,
  pulseSchedule,
  pulseSettingsSchema,
} from '../domain/alliance.js';
import type { DomainEvent, MembershipChange } from '../domain/events.js';
import { type PrivacySettings, weakenedPrivacy } from '../domain/permissions.js';
import { describeSchedule } from '../domain/schedule.js';
import { type SetupErrors, type SetupForm, type ValidSetup, validateSetup } from '../domain/setup.js';
import {
  type CelebrationTarget,
  type SignalSettings,
  type SignalsField,
  type SignalsForm,
  validateSignalsForm,
} from '../domain/signal-settings.js';
import { escapeText, type ModalView, userMention } from '../slack/blocks/kit.js';
import { buildSettingsModal } from '../slack/blocks/settings-modal.js';
import type { Directory } from '../slack/directory.js';
import type { SlackGateway } from '../slack/gateway.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import { liveAllianceIn, refusal } from './access.js';
import type { Events } from './events.js';
import { applyMembershipChange } from './membership.js';

export interface SettingsForm {
  setup: SetupForm;
  signals: SignalsForm;
  openHours: string | null;
  reminderHours: string | null;
}

export interface SettingsDeps {
  store: Store;
  directory: Directory;
  gateway: SlackGateway;
  events: Events;
}

type PulseField = 'openHours' | 'reminderHours';

export type SettingsErrors = {
  kind: 'errors';
  setup: SetupErrors;
  signals: Partial<Record<SignalsField, string>>;
  pulse: Partial<Record<PulseField, string>>;
};

export type SettingsResult = SettingsErrors | Notice | { kind: 'saved'; announce: () => Promise<void> };

/** A settings form that passed every check. */
interface ValidSettings {
  kind: 'valid';
  setup: ValidSetup;
  pulse: PulseSettings;
  signals: SignalSettings;
  celebration: CelebrationTarget;
}

/** The settings a valid form asks for, and what differs from before. */
interface SettingsChange {
  /** What applies now: the form, except the privacy it would weaken. */
  settings: AllianceSettings;
  /** The weakened privacy settings, waiting for every member's agreement. */
  weakened: Partial<PrivacySettings>;
  joined: string[];
  left: string[];
  /** Plain-words summary of each change, for the channel. */
  changes: string[];
}

/** `/alliance settings`: schedule, members, anonymity, signals and celebration, changed together. */
export function createSettingsService(deps: SettingsDeps) {
  const { store } = deps;
  const botUserId = (teamId: string) => store.workspaces.get(teamId)?.botUserId ?? null;

  function open(input: {
    teamId: string;
    userId: string;
    channelId: string;
  }): Notice | { kind: 'view'; view: ModalView } {
    const alliance = liveAllianceIn(store, input.teamId, input.channelId);
    if ('kind' in alliance) return alliance;
    const refused = refusal(store, alliance, input.userId, 'change-settings');
    if (refused) return refused;
    const view = buildSettingsModal({
      allianceId: alliance.id,
      allianceName: alliance.name,
      members: store.alliances.members(alliance.id),
      settings: alliance.settings,
    });
    return { kind: 'view', view };
  }

  function checkPulse(
    form: SettingsForm,
  ): { ok: true; pulse: PulseSettings } | { ok: false; errors: Partial<Record<PulseField, string>> } {
    const pulse = pulseSettingsSchema.safeParse({
      cadence: form.setup.cadence,
      weekday: Number(form.setup.pulseWeekday),
      localTime: form.setup.pulseTime,
      openHours: Number(form.openHours),
      reminderHoursBefore: Number(form.reminderHours),
    });
    if (pulse.success) return { ok: true, pulse: pulse.data };
    const errors: Partial<Record<PulseField, string>> = {};
    for (const issue of pulse.error.issues) {
      if (issue.path[0] === 'reminderHoursBefore')
        errors.reminderHours = 'The reminder has to come before the pulse closes.';
      if (issue.path[0] === 'openHours') errors.openHours = 'Pick how long pulses stay open.';
    }
    return { ok: false, errors };
  }

  /** New members must be people: no bots, no deactivated accounts (asked of Slack). */
  async function checkNewMembers(alliance: Alliance, setup: ValidSetup): Promise<SetupErrors> {
    const current = new Set(store.alliances.members(alliance.id));
    const newcomers = setup.members.filter((m) => !current.has(m));
    const humans = new Set(await deps.directory.humans(alliance.teamId, newcomers));
    const bot = botUserId(alliance.teamId);
    if (newcomers.some((m) => !humans.has(m) || m === bot)) {
      return { members: 'Bots and deactivated accounts cannot take part; please remove them from the list.' };
    }
    return {};
  }

  /** Validates the whole form, with the same rules as at start, for this alliance's name, channel and template. */
  async function check(alliance: Alliance, form: SettingsForm, now: Date): Promise<SettingsErrors | ValidSettings> {
    const checked = validateSetup(
      { ...form.setup, name: alliance.name, channelId: alliance.channelId, templateId: alliance.templateId },
      now,
    );
    const signals = validateSignalsForm(form.signals);
    const pulse = checkPulse(form);
    const memberErrors = checked.ok ? await checkNewMembers(alliance, checked.setup) : {};
    if (checked.ok && signals.ok && pulse.ok && Object.keys(memberErrors).length === 0) {
      return {
        kind: 'valid',
        setup: checked.setup,
        pulse: pulse.pulse,
        signals: signals.signals,
        celebration: signals.celebration,
      };
    }
    return {
      kind: 'errors',
      setup: { ...(checked.ok ? {} : checked.errors), ...memberErrors },
      signals: signals.ok ? {} : signals.errors,
      pulse: pulse.ok ? {} : pulse.errors,
    };
  }

  /** What the valid form changes, in settings, in members, and in words for the channel. */
  function plan(alliance: Alliance, valid: ValidSettings, now: Date): SettingsChange {
    const before = alliance.settings;
    const scheduleSame =
      before.pulse.cadence === valid.pulse.cadence &&
      before.pulse.weekday === valid.pulse.weekday &&
      before.pulse.localTime === valid.pulse.localTime &&
      before.timeZone === valid.setup.settings.timeZone;
    const asked: AllianceSettings = {
      ...valid.setup.settings,
      pulse: valid.pulse,
      // Keeping the anchor keeps an every-other-week rhythm where it was.
      scheduleAnchor: scheduleSame ? before.scheduleAnchor : now.toISOString(),
      signals: valid.signals,
      celebration: valid.celebration,
    };
    // What would weaken privacy waits for everyone; the rest applies now.
    const weakened: Partial<PrivacySettings> = {};
    for (const field of weakenedPrivacy(before, asked)) Object.assign(weakened, { [field]: asked[field] });
    const settings: AllianceSettings = {
      ...asked,
      ...('anonymous' in weakened ? { anonymous: before.anonymous } : {}),
      ...('anonymityThreshold' in weakened || 'anonymous' in weakened
        ? { anonymityThreshold: before.anonymityThreshold }
        : {}),
      ...('visibility' in weakened ? { visibility: before.visibility } : {}),
    };
    if ('anonymous' in weakened && asked.anonymityThreshold !== before.anonymityThreshold) {
      weakened.anonymityThreshold = asked.anonymityThreshold;
    }
    const current = store.alliances.members(alliance.id);
    const joined = valid.setup.members.filter((m) => !current.includes(m));
    const left = current.filter((m) => !valid.setup.members.includes(m));
    const after = { ...alliance, settings };
    const changes: string[] = [];
    const pulseChanged =
      !scheduleSame ||
      before.pulse.openHours !== settings.pulse.openHours ||
      before.pulse.reminderHoursBefore !== settings.pulse.reminderHoursBefore;
    if (pulseChanged)
      changes.push(`pulses ${describeSchedule(pulseSchedule(after))}, open ${settings.pulse.openHours} hours`);
    if (before.digest.weekday !== settings.digest.weekday || before.digest.localTime !== settings.digest.localTime) {
      changes.push('a new digest time');
    }
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
    if (before.visibility !== settings.visibility) {
      changes.push(
        settings.visibility === 'members'
          ? 'the agreement shared with members only'
          : 'the agreement posted in the channel',
      );
    }
    if (joined.length > 0) changes.push(`welcomed ${joined.map(userMention).join(', ')}`);
    if (left.length > 0) changes.push(`removed ${left.map(userMention).join(', ')}`);
    return { settings, weakened, joined, left, changes };
  }

  /**
   * Writes a settings change in one transaction: the settings, the schedules they imply (an atomic
   * reaction) and the members who joined or left. A crash leaves all of it or none of it.
   */
  function apply(alliance: Alliance, userId: string, change: SettingsChange, now: Date): DomainEvent[] {
    return deps.events.transaction(now, (record) => {
      store.alliances.updateSettings(alliance.id, change.settings);
      record({ type: 'scheduleChanged', allianceId: alliance.id });
      const membership: MembershipChange = {
        joined: change.joined,
        left: change.left,
        cause: 'settings',
        byUserId: userId,
        occurrence: `settings:${now.getTime()}:${userId}`,
      };
      applyMembershipChange(store, { ...alliance, settings: change.settings }, membership, now, record);
      if (Object.keys(change.weakened).length > 0) {
        record({ type: 'privacyChangeRequested', allianceId: alliance.id, byUserId: userId, changes: change.weakened });
      }
    }).events;
  }

  async function submit(input: {
    teamId: string;
    userId: string;
    allianceId: string;
    form: SettingsForm;
    now: Date;
  }): Promise<SettingsResult> {
    const alliance = store.alliances.get(input.allianceId);
    if (!alliance || alliance.teamId !== input.teamId || alliance.status === 'archived') {
      return notice(NOTICES.settingsStale);
    }
    const refused = refusal(store, alliance, input.userId, 'change-settings');
    if (refused) return refused;
    const checked = await check(alliance, input.form, input.now);
    if (checked.kind === 'errors') return checked;
    const change = plan(alliance, checked, input.now);
    const events = apply(alliance, input.userId, change, input.now);

    // Runs after the modal is answered: signalling and posting talk to Slack.
    const announce = async () => {
      await deps.events.publish(events, input.now);
      if (change.changes.length > 0) await postChanges();
    };
    const postChanges = async () => {
      await deps.gateway.post(
        alliance.teamId,
        {
          channel: alliance.channelId,
          text:
            `${userMention(input.userId)} updated the settings of ` +
            `*${escapeText(alliance.name)}*: ${change.changes.join('; ')}. See them all with ` +
            `\`/alliance settings\`.`,
        },
        `alliance ${alliance.id}: announcing a settings change`,
      );
    };
    return { kind: 'saved', announce };
  }

  return { open, submit };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
