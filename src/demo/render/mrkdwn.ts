/**
 * Slack's mrkdwn → HTML, as a Slack client shows it to one person.
 *
 * Hand-written rather than taken from a package: `slack-blocks-to-jsx` needs React and a bundler,
 * which the demo page does without; `slack-markdown` and `slack-message-parser` parse the syntax
 * but leave out what matters most here (names for `<@U…>`, `<!date^…>` in the reader's own time
 * zone, links to messages of this workspace), and each would still need this module around it.
 * The whole of mrkdwn the app sends fits in these few pure functions, which the tests check.
 *
 * Everything that reaches the HTML is escaped here; callers never escape twice nor forget to.
 */

export interface MrkdwnContext {
  /** The reader's IANA time zone: `<!date…>` is shown in it, as Slack does. */
  timeZone: string;
  /** The reader's now, for "today", "yesterday" and "… ago". */
  now: Date;
  userName(userId: string): string | undefined;
  channelName(channelId: string): string | undefined;
  /** A link inside the page for a Slack URL (a message permalink), or undefined to link out. */
  internalLink?(url: string): string | undefined;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Slack escapes exactly `&`, `<` and `>` in message text; this turns them back into characters. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The emoji codes the app uses (and a few common ones); others stay as typed, as in Slack without them. */
const EMOJI: Record<string, string> = {
  wave: '👋',
  hourglass_flowing_sand: '⏳',
  white_check_mark: '✅',
  tada: '🎉',
  handshake: '🤝',
  thinking_face: '🤔',
  information_source: 'ℹ️',
  warning: '⚠️',
  memo: '📝',
  speech_balloon: '💬',
  heavy_check_mark: '✔️',
  x: '❌',
  eyes: '👀',
  rocket: '🚀',
  sparkles: '✨',
  calendar: '📆',
  bar_chart: '📊',
  chart_with_downwards_trend: '📉',
  chart_with_upwards_trend: '📈',
  smile: '😄',
  slightly_smiling_face: '🙂',
  neutral_face: '😐',
  slightly_frowning_face: '🙁',
  raised_hands: '🙌',
  '+1': '👍',
  thumbsup: '👍',
};

export function emojify(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

/** Plain text objects: escaped, with emoji codes shown as emoji when `emoji` is not false. */
export function renderPlainText(text: string, emoji = true): string {
  const html = escapeHtml(text);
  return emoji ? emojify(html) : html;
}

// ---------------------------------------------------------------------------------------------
// Dates: <!date^seconds^format^optional_link|fallback>
// ---------------------------------------------------------------------------------------------

function ordinal(day: number): string {
  const teen = day % 100 >= 11 && day % 100 <= 13;
  const suffix = teen || day % 10 > 3 ? 'th' : (['th', 'st', 'nd', 'rd'][day % 10] ?? 'th');
  return `${day}${suffix}`;
}

function zonedParts(at: Date, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'long',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    hour12: true,
  });
  for (const p of format.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = p.value;
  const numeric = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  parts.iso = numeric.format(at);
  return parts;
}

function dayNumber(at: Date, timeZone: string): number {
  const [y, m, d] = (zonedParts(at, timeZone).iso ?? '1970-01-01').split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / 86_400_000;
}

function relativeDay(at: Date, ctx: MrkdwnContext): string | undefined {
  const diff = dayNumber(at, ctx.timeZone) - dayNumber(ctx.now, ctx.timeZone);
  return diff === 0 ? 'today' : diff === -1 ? 'yesterday' : diff === 1 ? 'tomorrow' : undefined;
}

function ago(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86_400) return rtf.format(Math.round(seconds / 86_400), 'day');
  if (abs < 365 * 86_400) return rtf.format(Math.round(seconds / (30 * 86_400)), 'month');
  return rtf.format(Math.round(seconds / (365 * 86_400)), 'year');
}

/** Formats Slack's date tokens ({date_short_pretty}, {time}, …) for the reader. */
export function formatSlackDate(at: Date, format: string, ctx: MrkdwnContext): string {
  const p = zonedParts(at, ctx.timeZone);
  const month = p.month ?? '';
  const day = Number(p.day ?? '1');
  const year = p.year ?? '';
  const date = `${month} ${ordinal(day)}, ${year}`;
  const short = `${month.slice(0, 3)} ${day}, ${year}`;
  const long = `${p.weekday ?? ''}, ${date}`;
  const time = `${p.hour ?? ''}:${p.minute ?? ''} ${p.dayPeriod ?? ''}`.trim();
  const pretty = relativeDay(at, ctx);
  const tokens: Record<string, string> = {
    date_num: p.iso ?? '',
    date,
    date_short: short,
    date_long: long,
    date_pretty: pretty ?? date,
    date_short_pretty: pretty ?? short,
    date_long_pretty: pretty ?? long,
    time,
    time_secs: `${p.hour ?? ''}:${p.minute ?? ''}:${p.second ?? ''} ${p.dayPeriod ?? ''}`.trim(),
    ago: ago(at, ctx.now),
  };
  return format.replace(/\{([a-z_]+)\}/g, (whole, name: string) => tokens[name] ?? whole);
}

// ---------------------------------------------------------------------------------------------
// Control sequences: <@U…>, <#C…>, <!here>, <!date…>, <url|label>
// ---------------------------------------------------------------------------------------------

function safeHref(url: string): string | undefined {
  return /^(https?:\/\/|mailto:)/i.test(url) ? url : undefined;
}

function link(url: string, labelHtml: string, ctx: MrkdwnContext): string {
  const internal = ctx.internalLink?.(url);
  if (internal !== undefined) return `<a class="mk-link" href="${escapeHtml(internal)}">${labelHtml}</a>`;
  const href = safeHref(url);
  if (href === undefined) return labelHtml;
  return `<a class="mk-link" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${labelHtml}</a>`;
}

function renderControl(inner: string, ctx: MrkdwnContext): string {
  const bar = inner.indexOf('|');
  const target = decodeSlackEntities(bar === -1 ? inner : inner.slice(0, bar));
  const label = bar === -1 ? undefined : decodeSlackEntities(inner.slice(bar + 1));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = ctx.userName(id) ?? label?.replace(/^@/, '') ?? id;
    return `<span class="mk-mention" data-user="${escapeHtml(id)}">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = ctx.channelName(id) ?? label?.replace(/^#/, '') ?? id;
    return `<span class="mk-mention mk-channel" data-channel="${escapeHtml(id)}">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!')) {
    const [command = '', ...args] = target.slice(1).split('^');
    if (command === 'date') {
      const seconds = Number(args[0]);
      const format = args[1] ?? '{date}';
      if (!Number.isFinite(seconds)) return escapeHtml(label ?? inner);
      const text = escapeHtml(formatSlackDate(new Date(seconds * 1000), format, ctx));
      const formatted = `<time class="mk-date" datetime="${new Date(seconds * 1000).toISOString()}">${text}</time>`;
      return args[2] ? link(args[2], formatted, ctx) : formatted;
    }
    if (command === 'here' || command === 'channel' || command === 'everyone') {
      return `<span class="mk-mention mk-broadcast">@${command}</span>`;
    }
    return escapeHtml(label ?? `@${command}`);
  }
  return link(target, escapeHtml(label ?? target), ctx);
}

// ---------------------------------------------------------------------------------------------
// Inline formatting
// ---------------------------------------------------------------------------------------------

// A marker opens after the start, a space or punctuation, and closes before the end, a space or
// punctuation: `snake_case_name` and `2*3*4` stay as they are, as in Slack.
const BEFORE = String.raw`(^|[\s(\[{"'“‘>;:,.!?\-—–])`;
const AFTER = String.raw`(?=$|[\s)\]}"'”’<&,.:;!?\-—–])`;
const STYLES: [string, string][] = [
  ['\\*', 'b'],
  ['_', 'i'],
  ['~', 's'],
];

function applyStyles(html: string): string {
  let out = html;
  for (const [marker, tag] of STYLES) {
    const pattern = new RegExp(`${BEFORE}${marker}(?=\\S)([^\\n]*?\\S)${marker}${AFTER}`, 'g');
    // Repeated so that adjacent spans (*a* *b*) both match despite sharing the space between them.
    for (let i = 0; i < 3; i++) out = out.replace(pattern, `$1<${tag}>$2</${tag}>`);
  }
  return out;
}

const PLACEHOLDER = /\uE000(\d+)\uE001/g;

function renderInline(line: string, ctx: MrkdwnContext): string {
  const saved: string[] = [];
  const hold = (html: string) => `\uE000${saved.push(html) - 1}\uE001`;
  const tokenised = line
    .replace(/`([^`\n]+)`/g, (_w, code: string) => hold(`<code>${escapeHtml(decodeSlackEntities(code))}</code>`))
    .replace(/<([^<>\n]+)>/g, (_w, inner: string) => hold(renderControl(inner, ctx)));
  const parts = tokenised.split(PLACEHOLDER);
  // split() with a capture group alternates text and placeholder indexes.
  let html = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    html += i % 2 === 0 ? emojify(escapeHtml(decodeSlackEntities(part))) : `\uE000${part}\uE001`;
  }
  return applyStyles(html).replace(PLACEHOLDER, (_w, index: string) => saved[Number(index)] ?? '');
}

function renderLines(text: string, ctx: MrkdwnContext): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let plain: string[] = [];
  let quote: string[] = [];
  const flushPlain = () => {
    if (plain.length > 0) out.push(plain.map((l) => renderInline(l, ctx)).join('<br>'));
    plain = [];
  };
  const flushQuote = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.map((l) => renderInline(l, ctx)).join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    // Only a typed `>` starts a quote; an escaped `&gt;` is the character itself.
    const quoted = /^>\s?(.*)$/.exec(line);
    if (quoted) {
      flushPlain();
      quote.push(quoted[1] ?? '');
    } else {
      flushQuote();
      plain.push(line);
    }
  }
  flushPlain();
  flushQuote();
  return out.join('');
}

/** Renders a mrkdwn string to HTML for one reader. */
export function renderMrkdwn(text: string, ctx: MrkdwnContext): string {
  const segments = text.split(/```([\s\S]*?)```/);
  let html = '';
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    if (i % 2 === 1) html += `<pre class="mk-pre">${escapeHtml(decodeSlackEntities(segment.replace(/^\n/, '')))}</pre>`;
    else if (segment !== '') html += renderLines(segment, ctx);
  }
  return html;
}
