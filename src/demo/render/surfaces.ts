/**
 * The surfaces of a Slack client around the blocks: messages (with threads, files and the
 * "only visible to you" ones), modals and the App Home. Pure functions to HTML, escaped throughout.
 */
import { type BlocksOptions, type RenderContext, renderBlocks } from './blocks.js';
import { escapeHtml, renderMrkdwn, renderPlainText } from './mrkdwn.js';

export interface Author {
  name: string;
  /** Initials or a letter for the avatar. */
  initials: string;
  color: string;
  isApp: boolean;
}

export interface FileView {
  id: string;
  title: string;
  url: string;
  isImage: boolean;
  altText?: string;
}

export interface MessageView {
  ts: string;
  channel: string;
  author: Author;
  text: string;
  blocks: readonly unknown[];
  files: readonly FileView[];
  edited: boolean;
  ephemeral: boolean;
  pinned: boolean;
  /** Replies in the thread this message starts (0 for replies and lone messages). */
  replyCount: number;
  replyAuthors: readonly Author[];
  /** Whether this is the thread's first message, shown above the replies. */
  threadParent?: boolean;
}

export function tsToDate(ts: string): Date {
  return new Date(Math.floor(Number(ts) * 1000));
}

function clockTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(at);
}

/** "Today", "Yesterday" or "Monday, January 5th": the day dividers between messages. */
export function dayLabel(at: Date, now: Date, timeZone: string): string {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(d);
  if (day(at) === day(now)) return 'Today';
  if (day(at) === day(new Date(now.getTime() - 86_400_000))) return 'Yesterday';
  return new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'long', month: 'long', day: 'numeric' }).format(at);
}

export function avatar(author: Author, size: 'big' | 'small' = 'big'): string {
  return (
    `<span class="avatar avatar-${size}${author.isApp ? ' avatar-app' : ''}" ` +
    `style="background:${escapeHtml(author.color)}" ` +
    `aria-hidden="true">${escapeHtml(author.initials)}</span>`
  );
}

export function renderMessage(message: MessageView, ctx: RenderContext): string {
  const at = tsToDate(message.ts);
  const body =
    message.blocks.length > 0
      ? renderBlocks(message.blocks, ctx)
      : `<div class="bk-text">${renderMrkdwn(message.text, ctx)}</div>`;
  const files = message.files
    .map((f) =>
      f.isImage
        ? `<figure class="msg-file"><figcaption>${escapeHtml(f.title)}</figcaption><a ` +
          `href="${escapeHtml(f.url)}" target="_blank" rel="noopener"><img ` +
          `src="${escapeHtml(f.url)}" alt="${escapeHtml(f.altText ?? f.title)}"></a></figure>`
        : `<a class="msg-file-link" href="${escapeHtml(f.url)}" target="_blank" rel="noopener">📎 ` +
          `${escapeHtml(f.title)}</a>`,
    )
    .join('');
  const replies =
    message.replyCount > 0
      ? `<button type="button" class="msg-replies" data-open-thread="${escapeHtml(message.ts)}">${message.replyAuthors
          .slice(0, 4)
          .map((a) => avatar(a, 'small'))
          .join(
            '',
          )}<span>${message.replyCount} ${message.replyCount === 1 ? 'reply' : 'replies'}</span><span class="msg-replies-view">View thread</span></button>`
      : '';
  const classes = ['msg', message.ephemeral ? 'msg-ephemeral' : '', message.pinned ? 'msg-pinned' : '']
    .filter(Boolean)
    .join(' ');
  const ephemeralNote = message.ephemeral ? '<div class="msg-only-you">👁 Only visible to you</div>' : '';
  const pinnedNote = message.pinned ? '<div class="msg-pin-note">📌 Pinned</div>' : '';
  return (
    `<article class="${classes}" id="msg-${escapeHtml(message.ts.replace('.', '-'))}" ` +
    `data-ts="${escapeHtml(message.ts)}" ` +
    `data-channel="${escapeHtml(message.channel)}"${message.ephemeral ? ' data-ephemeral="true"' : ''}>${pinnedNote}${ephemeralNote}<div class="msg-row">${avatar(message.author)}<div class="msg-main"><div class="msg-meta"><span class="msg-author">${escapeHtml(message.author.name)}</span>${message.author.isApp ? '<span class="app-badge">APP</span>' : ''}<time class="msg-time" datetime="${at.toISOString()}">${escapeHtml(clockTime(at, ctx.timeZone))}</time>${message.edited ? '<span class="msg-edited">(edited)</span>' : ''}</div><div class="msg-body">${body}</div>${files}${replies}</div></div></article>`
  );
}

/** Messages oldest first, with a divider for each new day (in the reader's zone). */
export function renderMessages(messages: readonly MessageView[], ctx: RenderContext, empty: string): string {
  if (messages.length === 0) return `<div class="conversation-empty">${empty}</div>`;
  let html = '';
  let lastDay = '';
  for (const m of messages) {
    const label = dayLabel(tsToDate(m.ts), ctx.now, ctx.timeZone);
    if (label !== lastDay) {
      html += `<div class="day-divider"><span>${escapeHtml(label)}</span></div>`;
      lastDay = label;
    }
    html += renderMessage(m, ctx);
  }
  return html;
}

export interface ModalModel {
  id: string;
  hash: string;
  title: string;
  submit: string | null;
  close: string | null;
  blocks: readonly unknown[];
  state: BlocksOptions['state'];
  /** How many views are under this one (Slack shows a back arrow when there are any). */
  depth: number;
}

export function renderModal(view: ModalModel, ctx: RenderContext, errors?: Record<string, string>): string {
  const body = renderBlocks(view.blocks, ctx, {
    ...(view.state ? { state: view.state } : {}),
    ...(errors ? { errors } : {}),
  });
  const close = view.close ?? 'Cancel';
  const back =
    view.depth > 0 ? '<button type="button" class="modal-back" data-close-view aria-label="Back">‹</button>' : '';
  const submit =
    view.submit !== null
      ? `<button type="submit" class="bk-button bk-primary modal-submit">${renderPlainText(view.submit)}</button>`
      : '';
  return (
    `<form class="modal" role="dialog" aria-modal="true" aria-label="${escapeHtml(view.title)}" ` +
    `data-view-id="${escapeHtml(view.id)}" data-hash="${escapeHtml(view.hash)}" novalidate><header ` +
    `class="modal-header">${back}<span class="modal-app-icon" aria-hidden="true">A</span><h2 ` +
    `class="modal-title">${renderPlainText(view.title)}</h2><button type="button" class="modal-x" ` +
    `data-close-view aria-label="Close">×</button></header><div ` +
    `class="modal-body">${body}</div><footer class="modal-footer"><button type="button" ` +
    `class="bk-button modal-close" ` +
    `data-close-view>${renderPlainText(close)}</button>${submit}</footer></form>`
  );
}

export function renderHome(view: { id: string; blocks: readonly unknown[] } | undefined, ctx: RenderContext): string {
  if (!view) return '<div class="conversation-empty">Opening the Home tab…</div>';
  return `<div class="home-view" data-view-id="${escapeHtml(view.id)}">${renderBlocks(view.blocks, ctx)}</div>`;
}
