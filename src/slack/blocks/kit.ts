import type { types } from '@slack/bolt';
import type { ShownFigure } from '../../domain/visibility.js';

/** Block Kit limits Slack enforces; builders stay inside them by construction. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  messageText: 40_000,
} as const;

export type Block = types.KnownBlock;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type Option = types.PlainTextOption;

/**
 * Escapes text a person typed before it is posted as mrkdwn, so `<!channel>` or `<@U123>` shows
 * as text instead of pinging anyone. Slack asks for exactly these three characters.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Shortens text to `max` characters, ending with an ellipsis when it had to cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

export const plain = (text: string, max: number = LIMITS.sectionText): types.PlainTextElement => ({
  type: 'plain_text',
  text: truncate(text, max),
  emoji: true,
});

export const mrkdwn = (text: string, max: number = LIMITS.sectionText): types.MrkdwnElement => ({
  type: 'mrkdwn',
  text: truncate(text, max),
});

export const header = (text: string, blockId?: string): types.HeaderBlock => ({
  type: 'header',
  text: plain(text, LIMITS.headerText),
  ...(blockId ? { block_id: blockId } : {}),
});

export const section = (text: string, blockId?: string): types.SectionBlock => ({
  type: 'section',
  text: mrkdwn(text),
  ...(blockId ? { block_id: blockId } : {}),
});

export const context = (texts: readonly string[], blockId?: string): types.ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)),
  ...(blockId ? { block_id: blockId } : {}),
});

export const divider = (): types.DividerBlock => ({ type: 'divider' });

export const button = (input: {
  text: string;
  actionId: string;
  value?: string;
  style?: 'primary' | 'danger';
  url?: string;
}): types.Button => ({
  type: 'button',
  text: plain(input.text, LIMITS.buttonText),
  action_id: input.actionId,
  ...(input.value !== undefined ? { value: input.value } : {}),
  ...(input.style ? { style: input.style } : {}),
  ...(input.url ? { url: input.url } : {}),
});

export const actions = (elements: types.ActionsBlockElement[], blockId?: string): types.ActionsBlock => ({
  type: 'actions',
  elements,
  ...(blockId ? { block_id: blockId } : {}),
});

export const option = (text: string, value: string, description?: string): Option => ({
  text: plain(text, LIMITS.optionText),
  value,
  ...(description ? { description: plain(description, LIMITS.optionText) } : {}),
});

/**
 * Splits long mrkdwn into chunks that each fit one section block, cutting at paragraph, then line,
 * then word boundaries so a chunk never ends mid-word when it can be helped.
 */
export function splitForSections(text: string, max: number = LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n\n');
    if (cut < max / 2) cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = max;
    // Never cut inside an escape such as &amp; — Slack would show a broken entity.
    const amp = window.lastIndexOf('&', cut);
    if (amp !== -1 && amp > cut - 5 && !window.slice(amp, cut).includes(';')) cut = amp;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** Slack renders `<!date^…>` in the reader's own time zone, with a fallback for old clients. */
export function slackDate(at: Date, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^${format}|${at.toISOString().replace('T', ' ').slice(0, 16)} UTC>`;
}

// Ids come from Slack payloads or our own rows; anything that does not look like an id is shown as
// escaped text rather than trusted inside `<…>`.
export const userMention = (userId: string): string =>
  /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeText(userId);
export const channelMention = (channelId: string): string =>
  /^[CGD][A-Z0-9]{2,}$/.test(channelId) ? `<#${channelId}>` : escapeText(channelId);

/** A modal that only says something, e.g. in place of a form that turned out to be stale. */
export function noticeView(text: string): ModalView {
  return { type: 'modal', title: plain('Alliance', 24), close: plain('Close', 24), blocks: [section(text)] };
}

/**
 * Text a person wrote, quoted in mrkdwn: escaped, on one line (a newline would end the quote and
 * let the rest pass for Alliance's own words), shortened, in curly quotes.
 */
export function quoted(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `“${escapeText(truncate(oneLine, max))}”`;
}

/** A figure as it may be shown: `3.4`, a half-point band `3.0–3.5`, or `–` when hidden. */
export function figureText(figure: ShownFigure): string {
  if (figure === null) return '–';
  if (figure.kind === 'exact') return figure.value.toFixed(1);
  return `${figure.low.toFixed(1)}–${figure.high.toFixed(1)}`;
}
