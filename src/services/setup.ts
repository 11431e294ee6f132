import type { DomainEvent } from '../domain/events.js';
import {
  MAX_PREFILLED_MEMBERS,
  type SetupErrors,
  type SetupForm,
  setupDefaults,
  type ValidSetup,
  validateSetup,
} from '../domain/setup.js';
import type { CelebrationTarget, SignalSettings } from '../domain/signal-settings.js';
import type { ModalView } from '../slack/blocks/kit.js';
import { buildSetupModal } from '../slack/blocks/setup-modal.js';
import type { ChannelAccess, Directory } from '../slack/directory.js';
import { NOTICES, type Notice, notice } from '../slack/notices.js';
import type { Store } from '../store/index.js';
import type { Events } from './events.js';

export interface SetupDeps {
  store: Store;
  directory: Directory;
  events: Events;
  newAllianceId: () => string;
}

const CHANNEL_PROBLEMS: Record<Exclude<ChannelAccess, 'ok'>, string> = {
  'invite-needed':
    "I'm not in this private channel, so I can't post there. Type `/invite @Alliance` in the " +
    'channel, then submit again.',
  archived: 'This channel is archived. Pick an active channel.',
  'direct-message': "An alliance belongs to a team's channel, not a direct message.",
};

export type CreateResult =
  | { ok: false; problem: string }
  | { ok: true; allianceId: string; fresh: boolean; events: DomainEvent[] };

/**
 * `/alliance start`: the setup modal (two steps), then the alliance, stored in the state
 * "designing" with its first design round open.
 */
export function createSetupService(deps: SetupDeps) {
  const { store, directory } = deps;
  const botUserId = (teamId: string) => store.workspaces.get(teamId)?.botUserId ?? null;

  /** The setup modal, prefilled with the channel's people when there are not too many. */
  async function prepareStart(input: {
    teamId: string;
    userId: string;
    channelId: string;
    name: string;
  }): Promise<Notice | { kind: 'modal'; view: ModalView }> {
    if (input.channelId.startsWith('D')) return notice(NOTICES.channelOnly);
    const existing = store.alliances.liveInChannel(input.teamId, input.channelId);
    if (existing) return notice(NOTICES.channelTaken(existing));
    const [channelMembers, starter] = await Promise.all([
      directory.channelMembers(input.teamId, input.channelId),
      directory.user(input.teamId, input.userId),
    ]);
    const notes: string[] = [];
    let members: string[] = [];
    if (channelMembers === null) {
      notes.push(
        ":information_source: I'm not in this channel yet. If it is private, add me first by typing " +
          '`/invite @Alliance` in it.',
      );
    } else if (channelMembers.length > MAX_PREFILLED_MEMBERS) {
      notes.push(
        `:information_source: This channel has ${channelMembers.length} people, so pick the ` +
          `alliance's members yourself.`,
      );
    } else {
      const bot = botUserId(input.teamId);
      members = (await directory.humans(input.teamId, channelMembers)).filter((id) => id !== bot);
    }
    const defaults = setupDefaults({
      name: input.name,
      channelId: input.channelId,
      members,
      timeZone: starter?.timeZone ?? null,
    });
    return { kind: 'modal', view: buildSetupModal(defaults, notes) };
  }

  /** Checks step 1 of setup, including what only Slack knows (members, the channel); writes nothing. */
  async function checkSetup(input: {
    teamId: string;
    userId: string;
    form: SetupForm;
    now: Date;
  }): Promise<{ ok: false; errors: SetupErrors } | { ok: true; setup: ValidSetup }> {
    const checked = validateSetup(input.form, input.now);
    if (!checked.ok) return checked;
    const { setup } = checked;
    const existing = store.alliances.liveInChannel(input.teamId, setup.channelId);
    if (existing) {
      return {
        ok: false,
        errors: {
          channelId: `This channel already has an alliance, “${existing.name}”. Use /alliance show there to see it.`,
        },
      };
    }
    const bot = botUserId(input.teamId);
    const humans = (await directory.humans(input.teamId, setup.members)).filter((id) => id !== bot);
    const dropped = setup.members.filter((id) => !humans.includes(id));
    if (dropped.length > 0) {
      const who = dropped.length === 1 ? 'one person' : `${dropped.length} people`;
      return {
        ok: false,
        errors: { members: `Bots and deactivated accounts cannot take part; please remove ${who} from the list.` },
      };
    }
    // Checked before the bot joins a public channel: no one starts an alliance in a channel they are not in.
    const people = await directory.channelMembers(input.teamId, setup.channelId);
    if (people !== null && !people.includes(input.userId)) {
      return {
        ok: false,
        errors: {
          channelId: 'You can start an alliance only in a channel you are in. Join it first, or pick one of yours.',
        },
      };
    }
    const access = await directory.channelAccess(input.teamId, setup.channelId);
    if (access !== 'ok') return { ok: false, errors: { channelId: CHANNEL_PROBLEMS[access] } };
    return { ok: true, setup };
  }

  /**
   * Step 2 of setup: stores the alliance and opens its first design round. Step 1 arrives again
   * through private_metadata, so it is validated again. The modal's view id makes a double
   * submission create one alliance. The returned events announce the round once published.
   */
  function createAlliance(input: {
    teamId: string;
    userId: string;
    viewId: string;
    form: SetupForm;
    signals: SignalSettings;
    celebration: CelebrationTarget;
    now: Date;
  }): CreateResult {
    const previous = store.alliances.bySetupView(input.viewId);
    if (previous) return { ok: true, allianceId: previous.id, fresh: false, events: [] };
    const checked = validateSetup(input.form, input.now);
    if (!checked.ok) {
      return { ok: false, problem: Object.values(checked.errors)[0] ?? 'Please start again with `/alliance start`.' };
    }
    const { setup } = checked;
    const allianceId = deps.newAllianceId();
    const { value: created, events } = deps.events.transaction(input.now, (record) => {
      const outcome = store.alliances.create({
        id: allianceId,
        teamId: input.teamId,
        channelId: setup.channelId,
        name: setup.name,
        templateId: setup.templateId,
        starterId: input.userId,
        settings: { ...setup.settings, signals: input.signals, celebration: input.celebration },
        setupViewId: input.viewId,
        members: setup.members,
        now: input.now,
      });
      if (outcome === 'duplicate') return false;
      const roundId = store.design.openRound({
        teamId: input.teamId,
        allianceId,
        baseVersionId: null,
        reason: null,
        startedBy: input.userId,
        now: input.now,
      });
      record({ type: 'roundOpened', allianceId, roundId });
      return true;
    });
    if (created) return { ok: true, allianceId, fresh: true, events };
    // The same modal submitted twice, or two people starting one in this channel at once.
    const again = store.alliances.bySetupView(input.viewId);
    if (again) return { ok: true, allianceId: again.id, fresh: false, events: [] };
    return { ok: false, problem: NOTICES.justStartedElsewhere };
  }

  /**
   * Step 2 as the modal submits it. Step 1 comes back in private_metadata, which a crafted client
   * can rewrite, so what Slack knows (the channel, who may take part) is checked again, in the
   * workspace the submission came from, before anything is stored.
   */
  async function createCheckedAlliance(input: Parameters<typeof createAlliance>[0]): Promise<CreateResult> {
    const previous = store.alliances.bySetupView(input.viewId);
    if (previous) return { ok: true, allianceId: previous.id, fresh: false, events: [] };
    const again = await checkSetup({ teamId: input.teamId, userId: input.userId, form: input.form, now: input.now });
    if (!again.ok) {
      return { ok: false, problem: Object.values(again.errors)[0] ?? 'Please start again with `/alliance start`.' };
    }
    return createAlliance(input);
  }

  return { prepareStart, checkSetup, createAlliance, createCheckedAlliance };
}

export type SetupService = ReturnType<typeof createSetupService>;
