import type { types } from '@slack/bolt';
import type { DigestFigures } from '../../domain/digest.js';
import { describeCelebration, SIGNAL_NAMES, type SignalKind } from '../../domain/signal-settings.js';
import { PRECISE_FROM } from '../../domain/visibility.js';
import { ACTIONS } from '../ids.js';
import { allianceRef } from '../payloads.js';
import {
  actions,
  type Block,
  button,
  context,
  divider,
  escapeText,
  figureText,
  header,
  LIMITS,
  type ModalView,
  plain,
  quoted,
  section,
  slackDate,
  splitForSections,
  truncate,
} from './kit.js';

export interface DigestMessageModel {
  allianceName: string;
  figures: DigestFigures;
  /** Say "celebrate!" prominently: the target is met and this streak was not celebrated yet. */
  celebrate: boolean;
  nextPulseAt: Date | null;
  agreementLink: string | null;
  openFlags: readonly {
    kind: SignalKind;
    state: 'open' | 'snoozed' | 'renegotiating';
    createdAt: Date;
    snoozedUntil: Date | null;
  }[];
}

const MAX_FLAGS_LISTED = 10;

function formatDelta(delta: number | null): string {
  if (delta === null) return '';
  if (delta > 0) return ` ▲ ${delta.toFixed(1)}`;
  if (delta < 0) return ` ▼ ${Math.abs(delta).toFixed(1)}`;
  return ' = 0.0';
}

const quote = (text: string) => `> ${quoted(text, COMMENT_QUOTE_MAX)}`;
const COMMENT_QUOTE_MAX = 300;

/**
 * The weekly digest: a short main post (a header and a few lines) and the details for its thread.
 * Stays within Slack's limits at any size: at most 10 fields, 50 blocks, 3,000 characters a section.
 */
export function buildDigestMessages(model: DigestMessageModel): {
  main: { text: string; blocks: Block[] };
  thread: { text: string; blocks: Block[] } | null;
} {
  const { figures } = model;
  const name = escapeText(model.allianceName);
  const blocks: Block[] = [header(`How we're doing: ${truncate(model.allianceName, 120)}`)];

  if (model.celebrate) {
    blocks.push(
      section(
        `:tada: *Time to celebrate!* ${escapeText(describeCelebration(figures.celebration.target))}: ` +
          `the target you agreed on is met. Take a moment to notice what made it work.`,
      ),
    );
  }

  const latest = figures.latest;
  if (!latest && figures.heldForMembers) {
    blocks.push(
      section(
        'The last pulse was answered while the alliance was for its members only, so its figures stay ' +
          'with them. Pulses answered from now on show here.',
      ),
    );
  } else if (!latest) {
    const first = model.nextPulseAt
      ? `Your first pulse opens ${slackDate(model.nextPulseAt, '{date_long} at {time}')}.`
      : 'Your first pulse has not been scheduled yet.';
    blocks.push(section(`${first} This digest fills in once it has closed.`));
  } else {
    blocks.push(
      section(
        `*Participation:* ${latest.answered} of ${latest.invited} answered the pulse of ` +
          `${slackDate(latest.scheduledAt, '{date_short_pretty}')}.`,
      ),
    );
    if (figures.shown) {
      const fields: types.MrkdwnElement[] = figures.aspects.slice(0, 10).map((a) => ({
        type: 'mrkdwn',
        text: truncate(
          `*${escapeText(a.label)}*\n${figureText(a.mean)}${formatDelta(a.delta)}   \`${a.sparkline}\``,
          LIMITS.sectionField,
        ),
      }));
      blocks.push({ type: 'section', fields });
    } else {
      blocks.push(
        section(
          `Too few members answered to show the figures without risking anyone's anonymity (at least ` +
            `${figures.threshold} answers are needed).`,
        ),
      );
    }
  }

  const open = model.openFlags.filter((f) => f.state === 'open').length;
  const snoozed = model.openFlags.filter((f) => f.state === 'snoozed').length;
  const renegotiating = model.openFlags.some((f) => f.state === 'renegotiating');
  if (model.openFlags.length > 0) {
    const parts = [
      open > 0 ? `${open} open` : '',
      snoozed > 0 ? `${snoozed} quieted for now` : '',
      renegotiating ? 'a renegotiation under way' : '',
    ].filter(Boolean);
    blocks.push(section(`*Renegotiation signals:* ${parts.join(', ')}.`));
  }

  const footer = [
    model.nextPulseAt ? `Next pulse ${slackDate(model.nextPulseAt, '{date_short_pretty} at {time}')}` : '',
    model.agreementLink ? `<${model.agreementLink}|Read the agreement>` : 'See the agreement with `/alliance show`',
    latest ? 'Details and the trend chart are in the thread' : '',
  ].filter(Boolean);
  blocks.push(context([footer.join(' · ')]));

  const main = {
    text: latest
      ? `How we're doing: ${name}. ${latest.answered} of ${latest.invited} answered the last pulse.`
      : figures.heldForMembers
        ? `How we're doing: ${name}. The last pulse's figures are for the members only.`
        : `How we're doing: ${name}. The first pulse has not closed yet.`,
    blocks,
  };
  if (!latest) return { main, thread: null };

  // ---- The thread: everything that would make the main post long ----
  const details: Block[] = [];
  const trends = figures.aspects.map((a) =>
    `*${escapeText(a.label)}*: \`${a.sparkline}\` ${a.mean === null ? '' : `now ${figureText(a.mean)}`}`.trim(),
  );
  details.push(
    section(`*Trend of the last pulses* (oldest to newest; · means too few answers to show)\n${trends.join('\n')}`),
  );
  if (model.openFlags.length > 0) {
    const lines = model.openFlags.slice(0, MAX_FLAGS_LISTED).map((f) => {
      const state =
        f.state === 'snoozed' && f.snoozedUntil
          ? `quiet until ${slackDate(f.snoozedUntil, '{date_short}')}`
          : f.state === 'renegotiating'
            ? 'renegotiation under way'
            : 'open';
      return `• ${SIGNAL_NAMES[f.kind]}: ${state} (raised ${slackDate(f.createdAt, '{date_short}')})`;
    });
    const more =
      model.openFlags.length > MAX_FLAGS_LISTED ? `\n…and ${model.openFlags.length - MAX_FLAGS_LISTED} more` : '';
    details.push(section(`*Renegotiation signals*\n${lines.join('\n')}${more}`));
  }
  const few = `not shown: fewer than ${figures.threshold} answers would be behind it`;
  details.push(
    section(
      `*Reservations still a concern:* ${figures.stillConcerns ?? few}\n*Commitments at risk or ` +
        `needing help:* ${figures.commitmentsAtRisk ?? few}`,
    ),
  );
  let withheld = false;
  for (const [title, texts] of [
    ["What's working", figures.comments.working],
    ["What's at risk", figures.comments.atRisk],
  ] as const) {
    if (texts === null) withheld = true;
    if (!texts || texts.length === 0) continue;
    for (const chunk of splitForSections(
      `*${title}*${figures.anonymous ? ' _(anonymous, in no particular order)_' : ''}\n${texts.map(quote).join('\n')}`,
    )) {
      details.push(section(chunk));
    }
  }
  if (withheld || !figures.shown) {
    details.push(
      context([
        `Comments written by fewer than ${figures.threshold} people are not shown, so no one can be ` +
          `recognised by what they wrote.`,
      ]),
    );
  }
  if (figures.anonymous && figures.shown && figures.latest && figures.latest.answered < PRECISE_FROM) {
    details.push(
      context([
        `With fewer than ${PRECISE_FROM} anonymous answers, averages are shown as half-point ranges, ` +
          `so colleagues comparing notes cannot work out anyone's rating.`,
      ]),
    );
  }
  return {
    main,
    thread: { text: `Details for ${name}`, blocks: details.slice(0, LIMITS.messageBlocks) },
  };
}

/** A digest's thread once none of its details may be shown there any more. */
export function buildDigestThreadEmptied(): { text: string; blocks: Block[] } {
  return {
    text: 'The details of this digest are no longer shown',
    blocks: [
      section(
        'The details of this digest are no longer shown here. `/alliance digest` shows how the alliance is doing now.',
      ),
    ],
  };
}

/** The channel's digest post in a members-only alliance: that it is ready, and a private way in. */
export function buildDigestReadyMessage(model: { allianceId: string; allianceName: string }): {
  text: string;
  blocks: Block[];
} {
  const name = escapeText(model.allianceName);
  return {
    text: `The weekly digest of ${name} is ready for its members`,
    blocks: [
      section(
        `:bar_chart: The weekly digest of *${name}* is ready. It is shared with the alliance's ` +
          `members only: *See the digest* shows it to you privately if you are one.`,
      ),
      actions([
        button({
          text: 'See the digest',
          actionId: ACTIONS.viewDigest,
          value: allianceRef.encode({ allianceId: model.allianceId }),
        }),
      ]),
    ],
  };
}

/** The digest, main post and details together, in a modal for one member. */
export function buildDigestView(model: DigestMessageModel): ModalView {
  const { main, thread } = buildDigestMessages(model);
  return {
    type: 'modal',
    title: plain('Weekly digest', 24),
    close: plain('Close', 24),
    blocks: [...main.blocks, ...(thread ? [divider(), ...thread.blocks] : [])].slice(0, LIMITS.viewBlocks),
  };
}
