import { SIGNAL_NAMES, type SignalKind } from '../../domain/signal-settings.js';
import type { Evidence } from '../../domain/signals.js';
import type { ShownFigure } from '../../domain/visibility.js';
import { ACTIONS, INPUT_ACTION, PROPOSE_BLOCKS, SNOOZE_BLOCKS, VIEWS } from '../ids.js';
import { flagRef, versionRef } from '../payloads.js';
import {
  actions,
  type Block,
  button,
  context,
  escapeText,
  figureText,
  header,
  type ModalView,
  option,
  plain,
  quoted,
  section,
  slackDate,
  truncate,
  userMention,
} from './kit.js';

const fmt = (n: number) => n.toFixed(1);
const QUOTE_MAX = 300;
const quote = (text: string) => quoted(text, QUOTE_MAX);

function listNumbers(values: readonly ShownFigure[]): string {
  const shown = values.map(figureText);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

const lastPulses = (n: number) =>
  n === 1 ? 'the last pulse' : n === 2 ? 'the last two pulses' : `the last ${n} pulses`;

/** The evidence of a flag, in plain words. Figures the anonymity threshold hides stay hidden. */
export function describeEvidence(evidence: Evidence): string {
  switch (evidence.kind) {
    case 'lowScores': {
      const label = `*${escapeText(evidence.aspect.label)}*`;
      const n = evidence.means.length;
      if (evidence.means.some((m) => m === null)) {
        return `${label} scored below your threshold of ${fmt(evidence.threshold)} in ${lastPulses(n)}. Too few members answered to show the figures without risking anyone's anonymity.`;
      }
      return `${label} averaged ${listNumbers(evidence.means)} in ${lastPulses(n)}; your threshold is ${fmt(evidence.threshold)}.`;
    }
    case 'sharpDrop': {
      const label = `*${escapeText(evidence.aspect.label)}*`;
      if (evidence.from?.kind !== 'exact' || evidence.to?.kind !== 'exact') {
        const figures =
          evidence.from && evidence.to ? ` (from ${figureText(evidence.from)} to ${figureText(evidence.to)})` : '';
        return `${label} dropped sharply since the previous pulse, by ${fmt(evidence.drop)} or more${figures}. With this few anonymous answers the figures are shown no more precisely than that.`;
      }
      return `${label} fell from ${fmt(evidence.from.value)} to ${fmt(evidence.to.value)} since the previous pulse, a drop of ${fmt(evidence.from.value - evidence.to.value)}; your threshold is ${fmt(evidence.drop)}.`;
    }
    case 'disagreement': {
      const label = `*${escapeText(evidence.aspect.label)}*`;
      if (evidence.stdev === null || evidence.mean === null) {
        return `Ratings of ${label} were far apart in the last pulse, even if the average looks fine. Too few members answered to show the figures anonymously.`;
      }
      return `Ratings of ${label} were far apart in the last pulse: a spread (standard deviation) of ${figureText(evidence.stdev)} around an average of ${figureText(evidence.mean)}; your threshold is ${fmt(evidence.threshold)}.`;
    }
    case 'lowParticipation': {
      const rates = evidence.rates.map((r) => `${r.answered} of ${r.invited}`);
      const joined = rates.length > 1 ? `${rates.slice(0, -1).join(', ')} and ${rates.at(-1)}` : (rates[0] ?? '');
      return `Only ${joined} members answered in ${lastPulses(evidence.rates.length)}; you wanted at least ${evidence.percent}%.`;
    }
    case 'someoneAsks': {
      if (evidence.count === null)
        return 'Members asked to renegotiate the agreement in the last pulse. Too few answered to say more without risking anyone’s anonymity.';
      const who = evidence.count === 1 ? 'One member asked' : `${evidence.count} members asked`;
      const reasons =
        evidence.reasons.length > 0
          ? ` Reasons given:\n${evidence.reasons
              .slice(0, 5)
              .map((r) => `> ${quote(r)}`)
              .join('\n')}`
          : '';
      return `${who} to renegotiate the agreement in the last pulse.${reasons}`;
    }
    case 'membershipChange': {
      const parts: string[] = [];
      if (evidence.cause === 'proposal' && evidence.joined[0]) {
        parts.push(
          `${userMention(evidence.joined[0])} joined the team and proposes changes to the agreement${evidence.proposal ? `:\n> ${quote(evidence.proposal)}` : '.'}`,
        );
      } else {
        if (evidence.joined.length > 0) {
          parts.push(
            `${evidence.joined.map(userMention).join(', ')} ${evidence.cause === 'channel' ? 'joined the channel' : evidence.cause === 'mixed' ? 'joined' : 'joined the alliance'}.`,
          );
        }
        if (evidence.left.length > 0) {
          const one = evidence.left.length === 1;
          const how =
            evidence.cause === 'channel'
              ? `left the channel and no longer ${one ? 'takes' : 'take'} part`
              : evidence.cause === 'deactivated'
                ? `${one ? 'has' : 'have'} been deactivated and no longer ${one ? 'takes' : 'take'} part`
                : evidence.cause === 'mixed' || evidence.cause === 'forgotten'
                  ? `no longer ${one ? 'takes' : 'take'} part`
                  : evidence.cause === 'left'
                    ? `left the alliance`
                    : `${one ? 'was' : 'were'} removed from the alliance`;
          parts.push(`${evidence.left.map(userMention).join(', ')} ${how}.`);
        }
      }
      parts.push('The agreement was made by a different group of people; check whether it still holds for everyone.');
      return parts.join(' ');
    }
    case 'reviewDate':
      return `Version ${evidence.versionNumber} has been in effect since ${slackDate(evidence.activatedAt, '{date_long}')}, ${evidence.days} days ago: the review date you agreed on.`;
    case 'lingering':
      if (evidence.subject === 'reservation') {
        return `${userMention(evidence.userId)}'s reservation ${quote(evidence.concern)} has still been a concern in ${lastPulses(evidence.pulses.length)}.`;
      }
      if (evidence.userId === null || evidence.text === null) {
        return `One of the team's commitments has been marked at risk or needing help in ${lastPulses(evidence.pulses.length)}.`;
      }
      return `${userMention(evidence.userId)}'s commitment ${quote(evidence.text)} has been marked at risk or needing help in ${lastPulses(evidence.pulses.length)}.`;
  }
}

export interface FlagMessageModel {
  flagId: number;
  kind: SignalKind;
  evidence: Evidence;
  allianceName: string;
  state: 'open' | 'snoozed' | 'renegotiating' | 'resolved';
  /** A members-only alliance: the channel sees the signal's name, members see its evidence privately. */
  membersOnly?: boolean;
  snoozedUntil?: Date | null;
  snoozedBy?: string | null;
  snoozeReason?: string | null;
  startedBy?: string | null;
}

const titleOf = (kind: SignalKind, evidence: Evidence) =>
  evidence.kind === 'membershipChange' && evidence.cause === 'proposal'
    ? 'A newcomer proposes changes'
    : SIGNAL_NAMES[kind];

/** The channel message for a flag: the signal, its evidence, and what the team can do. */
export function buildFlagMessage(model: FlagMessageModel): { text: string; blocks: Block[] } {
  const title = titleOf(model.kind, model.evidence);
  const value = flagRef.encode({ flagId: model.flagId });
  const details = button({ text: 'See the details', actionId: ACTIONS.flagDetails, value });
  const blocks: Block[] = [
    header(`Renegotiation signal: ${title}`),
    section(
      model.membersOnly
        ? `A signal the members of *${escapeText(model.allianceName)}* chose came up. Its details are shared with the members only: *See the details* shows them to you privately if you are one.`
        : describeEvidence(model.evidence),
    ),
  ];
  if (model.state === 'open') {
    blocks.push(
      context([
        `You agreed that this signal means *${escapeText(model.allianceName)}* may need renegotiating. Talk it over, then decide.`,
      ]),
    );
    blocks.push(
      actions([
        button({ text: 'Start renegotiation', actionId: ACTIONS.startRenegotiation, value, style: 'primary' }),
        button({ text: 'Not now', actionId: ACTIONS.notNow, value }),
        ...(model.membersOnly ? [details] : []),
      ]),
    );
  } else if (model.state === 'snoozed') {
    const reason = model.snoozeReason ? `: ${quote(model.snoozeReason)}` : '.';
    blocks.push(
      context([
        `${model.snoozedBy ? userMention(model.snoozedBy) : 'Someone'} chose not now, until ${model.snoozedUntil ? slackDate(model.snoozedUntil, '{date_short_pretty}') : 'later'}${reason} This signal stays quiet until then.`,
      ]),
    );
    blocks.push(
      actions([
        button({ text: 'Start renegotiation', actionId: ACTIONS.startRenegotiation, value, style: 'primary' }),
        ...(model.membersOnly ? [details] : []),
      ]),
    );
  } else if (model.state === 'renegotiating') {
    blocks.push(
      context([
        `${model.startedBy ? userMention(model.startedBy) : 'The team'} started a renegotiation from this signal.`,
      ]),
    );
  } else {
    blocks.push(context(['Resolved: the team agreed a new version of the agreement.']));
  }
  return { text: `Renegotiation signal for ${escapeText(model.allianceName)}: ${title}`, blocks };
}

/** A signal's evidence, shown privately to a member (members-only alliances). */
export function buildFlagDetailsView(model: { kind: SignalKind; evidence: Evidence; allianceName: string }): ModalView {
  return {
    type: 'modal',
    title: plain('Signal details', 24),
    close: plain('Close', 24),
    blocks: [
      header(`${titleOf(model.kind, model.evidence)}: ${truncate(model.allianceName, 100)}`),
      section(describeEvidence(model.evidence)),
      context(['Shown to you privately because the alliance is shared with its members only.']),
    ],
  };
}

export function buildSnoozeModal(input: { flagId: number; weeks: number; kind: SignalKind }): ModalView {
  const weekOptions = [1, 2, 3, 4, 6, 8, 12].map((w) => option(w === 1 ? '1 week' : `${w} weeks`, String(w)));
  return {
    type: 'modal',
    callback_id: VIEWS.snooze,
    private_metadata: flagRef.encode({ flagId: input.flagId }),
    title: plain('Not now', 24),
    submit: plain('Quiet this signal', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `*${SIGNAL_NAMES[input.kind]}* will stay quiet for the time you choose; the channel sees who decided and why.`,
      ),
      {
        type: 'input',
        block_id: SNOOZE_BLOCKS.weeks,
        label: plain('For', 2000),
        element: {
          type: 'static_select',
          action_id: INPUT_ACTION,
          options: weekOptions,
          initial_option: weekOptions.find((o) => o.value === String(input.weeks)) ?? weekOptions[1]!,
        },
      },
      {
        type: 'input',
        block_id: SNOOZE_BLOCKS.reason,
        optional: true,
        label: plain('Why not now?', 2000),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 300 },
      },
    ],
  };
}

/** The DM a newcomer to the channel gets: the agreement in effect, and two choices. */
export function buildNewcomerWelcome(input: {
  allianceId: string;
  versionId: number;
  allianceName: string;
  channelId: string;
  versionNumber: number;
  agreementBlocks: Block[];
}): { text: string; blocks: Block[] } {
  const value = versionRef.encode({ allianceId: input.allianceId, versionId: input.versionId });
  const intro: Block[] = [
    header(`Welcome to ${truncate(input.allianceName, 130)}`),
    section(
      `The team in <#${input.channelId}> works by an agreement it designed together: version ${input.versionNumber} of *${escapeText(input.allianceName)}* is below. Read it, then choose: commit to it as it is, or propose changes, which asks the team to renegotiate with you.`,
    ),
    actions([
      button({ text: 'I commit', actionId: ACTIONS.commit, value, style: 'primary' }),
      button({ text: 'Propose changes', actionId: ACTIONS.proposeChanges, value }),
    ]),
  ];
  const room = 50 - intro.length - 1;
  const body = input.agreementBlocks.slice(0, room);
  const rest = input.agreementBlocks.length - body.length;
  const footer = context([
    rest > 0
      ? 'The agreement continues: use `/alliance show` in the channel to read all of it.'
      : 'Use `/alliance show` in the channel any time to see the agreement and who has agreed.',
  ]);
  return {
    text: `Welcome: ${escapeText(input.allianceName)} is the team's agreement`,
    blocks: [...intro, ...body, footer],
  };
}

export function buildProposeModal(input: { allianceId: string; versionId: number; allianceName: string }): ModalView {
  return {
    type: 'modal',
    callback_id: VIEWS.propose,
    private_metadata: versionRef.encode({ allianceId: input.allianceId, versionId: input.versionId }),
    title: plain('Propose changes', 24),
    submit: plain('Send to the team', 24),
    close: plain('Cancel', 24),
    blocks: [
      section(
        `Your proposal is posted in the channel with your name, and the team can start a renegotiation of *${escapeText(input.allianceName)}* with you. You become a member either way.`,
      ),
      {
        type: 'input',
        block_id: PROPOSE_BLOCKS.text,
        label: plain('What would you like to change?', 2000),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 1000 },
      },
    ],
  };
}
