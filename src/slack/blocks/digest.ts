import type { types } from '@slack/bolt';
import type { DigestFigures } from '../../domain/digest.js';
import { describeCelebration, SIGNAL_NAMES, type SignalKind } from '../../domain/signal-settings.js';
import {
  type Block,
  context,
  escapeText,
  header,
  LIMITS,
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
  anonymous: boolean;
}

const MAX_FLAGS_LISTED = 10;

function formatDelta(delta: number | null): string {
  if (delta === null) return '';
  if (delta > 0) return ` ▲ ${delta.toFixed(1)}`;
  if (delta < 0) return ` ▼ ${Math.abs(delta).toFixed(1)}`;
  return ' = 0.0';
}

const quote = (text: string) => `> “${escapeText(text).replace(/\n+/g, ' ')}”`;

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
        `:tada: *Time to celebrate!* ${escapeText(describeCelebration(figures.celebration.target))}: the target you agreed on is met. Take a moment to notice what made it work.`,
      ),
    );
  }

  const latest = figures.latest;
  if (!latest) {
    const first = model.nextPulseAt
      ? `Your first pulse opens ${slackDate(model.nextPulseAt, '{date_long} at {time}')}.`
      : 'Your first pulse has not been scheduled yet.';
    blocks.push(section(`${first} This digest fills in once it has closed.`));
  } else {
    blocks.push(
      section(
        `*Participation:* ${latest.answered} of ${latest.invited} answered the pulse of ${slackDate(latest.scheduledAt, '{date_short_pretty}')}.`,
      ),
    );
    if (figures.shown) {
      const fields: types.MrkdwnElement[] = figures.aspects.slice(0, 10).map((a) => ({
        type: 'mrkdwn',
        text: truncate(
          `*${escapeText(a.label)}*\n${a.mean === null ? '–' : a.mean.toFixed(1)}${formatDelta(a.delta)}   \`${a.sparkline}\``,
          LIMITS.sectionField,
        ),
      }));
      blocks.push({ type: 'section', fields });
    } else {
      blocks.push(
        section(
          `Too few members answered to show the figures without risking anyone's anonymity (at least ${figures.threshold} answers are needed).`,
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
      : `How we're doing: ${name}. The first pulse has not closed yet.`,
    blocks,
  };
  if (!latest) return { main, thread: null };

  // ---- The thread: everything that would make the main post long ----
  const details: Block[] = [];
  const trends = figures.aspects.map((a) =>
    `*${escapeText(a.label)}*: \`${a.sparkline}\` ${a.mean === null ? '' : `now ${a.mean.toFixed(1)}`}`.trim(),
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
  details.push(
    section(
      `*Reservations still a concern:* ${figures.stillConcerns}\n*Commitments at risk or needing help:* ${figures.commitmentsAtRisk}`,
    ),
  );
  if (figures.shown) {
    for (const [title, texts] of [
      ["What's working", figures.comments.working],
      ["What's at risk", figures.comments.atRisk],
    ] as const) {
      if (texts.length === 0) continue;
      for (const chunk of splitForSections(
        `*${title}*${model.anonymous ? ' _(anonymous, in no particular order)_' : ''}\n${texts.map(quote).join('\n')}`,
      )) {
        details.push(section(chunk));
      }
    }
  } else {
    details.push(
      context([
        `Comments from fewer than ${figures.threshold} answers are not shown, so no one can be recognised by what they wrote.`,
      ]),
    );
  }
  return {
    main,
    thread: { text: `Details for ${name}`, blocks: details.slice(0, LIMITS.messageBlocks) },
  };
}
