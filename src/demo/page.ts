/**
 * What one person's Slack shows right now, built from the simulated workspace and rendered to HTML
 * fragments for the page: the sidebar, the open conversation or App Home, a thread, the modal on
 * top, the clock and the people.
 */
import type { FakeView, StoredMessage } from '../simulator/fake-slack.js';
import type { RenderContext } from './render/blocks.js';
import { escapeHtml } from './render/mrkdwn.js';
import {
  type Author,
  type FileView,
  type MessageView,
  renderHome,
  renderMessage,
  renderMessages,
  renderModal,
} from './render/surfaces.js';
import { CHANNEL, type DemoPerson } from './team.js';
import type { DemoWorkspace } from './workspace.js';

export type ConversationId = string; // a channel id, 'app-messages' or 'app-home'

export interface PageRequest {
  viewer: string;
  conversation: ConversationId;
  thread?: string;
}

const APP_AUTHOR: Author = { name: 'Alliance', initials: 'A', color: '#4a154b', isApp: true };

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

export function authorOf(demo: DemoWorkspace, userId: string): Author {
  if (userId === demo.fake.botUserId) return APP_AUTHOR;
  const person = demo.person(userId);
  if (!person) return { name: userId, initials: '?', color: '#616061', isApp: false };
  return { name: person.realName, initials: initials(person.realName), color: person.color, isApp: false };
}

/** Who is looking, for the renderers: names, their time zone, their now. */
export function renderContext(demo: DemoWorkspace, viewer: DemoPerson): RenderContext {
  const channels = demo.fake.channels();
  const domain = demo.fake.teamDomain;
  return {
    timeZone: viewer.tz,
    now: demo.clock.now(),
    userName: (id) => (id === demo.fake.botUserId ? 'Alliance' : demo.person(id)?.realName),
    channelName: (id) => channels.find((c) => c.id === id)?.name,
    internalLink: (url) => {
      // Permalinks of this workspace open the message here instead of slack.com.
      const match = new RegExp(
        `^https://${domain}\\.slack\\.com/archives/([A-Z0-9]+)/p(\\d{10})(\\d{6})(?:\\?thread_ts=([0-9.]+))?`,
      ).exec(url);
      if (!match) return undefined;
      const [, channel = '', sec = '', micros = '', thread] = match;
      return `#go=${channel}:${sec}.${micros}${thread ? `:${thread}` : ''}`;
    },
    people: demo.people.map((p) => ({ id: p.id, name: p.realName })),
    channels: channels.filter((c) => !c.isArchived).map((c) => ({ id: c.id, name: c.name })),
    fileUrl: (id) => `/files/${encodeURIComponent(id)}`,
  };
}

function filesOf(demo: DemoWorkspace, message: StoredMessage): FileView[] {
  if (!message.files) return [];
  const all = demo.fake.files();
  return message.files.flatMap((id) => {
    const file = all.find((f) => f.id === id);
    if (!file) return [];
    return [
      {
        id,
        title: file.title,
        url: `/files/${encodeURIComponent(id)}`,
        isImage: /\.(png|jpe?g|gif)$/i.test(file.filename),
        ...(file.altText ? { altText: file.altText } : {}),
      },
    ];
  });
}

function messageView(demo: DemoWorkspace, message: StoredMessage, all: readonly StoredMessage[]): MessageView {
  const replies = all.filter((r) => r.thread_ts === message.ts && r.ts !== message.ts);
  const isParent = message.thread_ts === undefined || message.thread_ts === message.ts;
  const replyAuthors = [...new Set(replies.map((r) => r.user))].map((id) => authorOf(demo, id));
  return {
    ts: message.ts,
    channel: message.channel,
    author: authorOf(demo, message.user),
    text: message.text,
    blocks: message.blocks,
    files: filesOf(demo, message),
    edited: message.edited !== undefined,
    ephemeral: false,
    pinned: message.pinned,
    replyCount: isParent ? replies.length : 0,
    replyAuthors,
  };
}

function ephemeralViews(demo: DemoWorkspace, viewer: string, channel: string, thread?: string): MessageView[] {
  return demo.fake
    .ephemerals(viewer)
    .filter((e) => e.channel === channel && !e.deleted && e.thread_ts === thread)
    .map((e) => ({
      ts: e.ts,
      channel,
      author: APP_AUTHOR,
      text: e.text,
      blocks: e.blocks,
      files: [],
      edited: e.replaced,
      ephemeral: true,
      pinned: false,
      replyCount: 0,
      replyAuthors: [],
    }));
}

const byTs = (a: { ts: string }, b: { ts: string }) => Number(a.ts) - Number(b.ts);

function conversationChannel(demo: DemoWorkspace, viewer: string, conversation: ConversationId): string {
  return conversation === 'app-messages' || conversation === 'app-home' ? demo.fake.dmChannelId(viewer) : conversation;
}

/** Top-level messages a person sees in a conversation (their ephemeral ones included). */
function timeline(demo: DemoWorkspace, viewer: string, channel: string): MessageView[] {
  const all = demo.fake.messages(channel);
  const top = all.filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.reply_broadcast);
  return [...top.map((m) => messageView(demo, m, all)), ...ephemeralViews(demo, viewer, channel)].sort(byTs);
}

/** How many messages in each conversation a person has seen, for the unread counts of the sidebar. */
const seen = new WeakMap<DemoWorkspace, Map<string, number>>();

function countFor(demo: DemoWorkspace, viewer: string, channel: string): number {
  return demo.fake.messages(channel).filter((m) => m.user !== viewer).length;
}

function unread(demo: DemoWorkspace, viewer: string, channel: string): number {
  const map = seen.get(demo);
  return Math.max(0, countFor(demo, viewer, channel) - (map?.get(`${viewer}:${channel}`) ?? 0));
}

function markSeen(demo: DemoWorkspace, viewer: string, channel: string): void {
  let map = seen.get(demo);
  if (!map) {
    map = new Map();
    seen.set(demo, map);
  }
  map.set(`${viewer}:${channel}`, countFor(demo, viewer, channel));
}

function localTime(at: Date, tz: string, withDay = false): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    ...(withDay ? { weekday: 'short', month: 'short', day: 'numeric' } : {}),
    hour: 'numeric',
    minute: '2-digit',
  }).format(at);
}

export interface PageState {
  revision: number;
  viewer: { id: string; name: string; first: string; city: string; initials: string; color: string };
  people: {
    id: string;
    name: string;
    first: string;
    city: string;
    initials: string;
    color: string;
    localTime: string;
    hasModal: boolean;
    unread: number;
  }[];
  clock: { day: string; time: string; zone: string; next: Record<'pulse' | 'close' | 'digest', string | null> };
  sidebar: { channels: { id: string; name: string; unread: number }[]; appUnread: number };
  conversation: {
    id: ConversationId;
    title: string;
    subtitle: string;
    html: string;
    composer: string | null;
    channel: string;
  };
  thread: { ts: string; html: string } | null;
  modal: { id: string; hash: string; html: string } | null;
  alliance: { name: string; status: string } | null;
  log: string[];
}

function modalFor(demo: DemoWorkspace, viewer: string, ctx: RenderContext): PageState['modal'] {
  const stack = demo.fake.openViews(viewer);
  const top: FakeView | undefined = stack.at(-1);
  if (!top) return null;
  const errors = demo.viewErrors.get(top.id);
  const html = renderModal(
    {
      id: top.id,
      hash: top.hash,
      title: top.title?.text ?? '',
      submit: top.submit?.text ?? null,
      close: top.close?.text ?? null,
      blocks: top.blocks,
      state: top.state.values,
      depth: stack.length - 1,
    },
    ctx,
    errors,
  );
  // The hash changes with every update; errors change the page without changing the view.
  return { id: top.id, hash: `${top.hash}:${errors ? JSON.stringify(errors) : ''}`, html };
}

export function buildPage(demo: DemoWorkspace, request: PageRequest): PageState {
  const viewer = demo.person(request.viewer) ?? demo.people[0]!;
  const ctx = renderContext(demo, viewer);
  const now = demo.clock.now();
  const channelId = conversationChannel(demo, viewer.id, request.conversation);
  const channel = demo.fake.channel(request.conversation);

  let conversation: PageState['conversation'];
  if (request.conversation === 'app-home') {
    conversation = {
      id: 'app-home',
      title: 'Alliance',
      subtitle: 'Home',
      html: renderHome(demo.fake.homeView(viewer.id), ctx),
      composer: null,
      channel: channelId,
    };
  } else if (request.conversation === 'app-messages') {
    markSeen(demo, viewer.id, channelId);
    conversation = {
      id: 'app-messages',
      title: 'Alliance',
      subtitle: 'Messages',
      html: renderMessages(
        timeline(demo, viewer.id, channelId),
        ctx,
        'Messages from Alliance to you appear here: invitations, pulses and reminders.',
      ),
      composer: 'Message Alliance',
      channel: channelId,
    };
  } else {
    markSeen(demo, viewer.id, channelId);
    conversation = {
      id: channelId,
      title: `# ${channel?.name ?? channelId}`,
      subtitle: `${channel?.members.length ?? 0} members · the team's channel`,
      html: renderMessages(
        timeline(demo, viewer.id, channelId),
        ctx,
        `This is the very beginning of <b>#${escapeHtml(channel?.name ?? '')}</b>. Type ` +
          `<code>/alliance start</code> below to design your team's alliance.`,
      ),
      composer: `Message #${channel?.name ?? ''}`,
      channel: channelId,
    };
  }

  let thread: PageState['thread'] = null;
  if (request.thread && request.conversation !== 'app-home') {
    const all = demo.fake.messages(channelId);
    const parent = all.find((m) => m.ts === request.thread);
    if (parent) {
      const replies = all.filter((m) => m.thread_ts === parent.ts && m.ts !== parent.ts);
      const views = [
        ...replies.map((m) => messageView(demo, m, all)),
        ...ephemeralViews(demo, viewer.id, channelId, parent.ts),
      ].sort(byTs);
      thread = {
        ts: parent.ts,
        html:
          `${renderMessage({ ...messageView(demo, parent, all), replyCount: 0 }, ctx)}<div ` +
          `class="thread-count">${replies.length} ` +
          `${replies.length === 1 ? 'reply' : 'replies'}</div>${views.map((v) => renderMessage(v, ctx)).join('')}`,
      };
    }
  }

  const nextLabel = (at: Date | undefined) => (at ? localTime(at, viewer.tz, true) : null);
  const alliance = demo.alliance();
  return {
    revision: demo.revision,
    viewer: {
      id: viewer.id,
      name: viewer.realName,
      first: viewer.realName.split(' ')[0] ?? viewer.realName,
      city: viewer.city,
      initials: initials(viewer.realName),
      color: viewer.color,
    },
    people: demo.people.map((p) => ({
      id: p.id,
      name: p.realName,
      first: p.realName.split(' ')[0] ?? p.realName,
      city: p.city,
      initials: initials(p.realName),
      color: p.color,
      localTime: localTime(now, p.tz),
      hasModal: demo.fake.openViews(p.id).length > 0,
      unread: unread(demo, p.id, demo.fake.dmChannelId(p.id)),
    })),
    clock: {
      day: new Intl.DateTimeFormat('en-US', {
        timeZone: viewer.tz,
        weekday: 'long',
        month: 'long',
        day: 'numeric',
      }).format(now),
      time: localTime(now, viewer.tz),
      zone: `${viewer.city} time`,
      next: {
        pulse: nextLabel(demo.nextAt('pulse')),
        close: nextLabel(demo.nextAt('close')),
        digest: nextLabel(demo.nextAt('digest')),
      },
    },
    sidebar: {
      channels: demo.fake
        .channels()
        .filter((c) => c.members.includes(viewer.id))
        .map((c) => ({ id: c.id, name: c.name, unread: c.id === channelId ? 0 : unread(demo, viewer.id, c.id) })),
      appUnread:
        request.conversation === 'app-messages' ? 0 : unread(demo, viewer.id, demo.fake.dmChannelId(viewer.id)),
    },
    conversation,
    thread,
    modal: modalFor(demo, viewer.id, ctx),
    alliance: alliance ? { name: alliance.name, status: alliance.status } : null,
    log: demo.log.lines.slice(-120),
  };
}

export const DEFAULT_CONVERSATION = CHANNEL.id;
