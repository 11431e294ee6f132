import type { SlackClients } from './clients.js';
import { slackErrorCode } from './clients.js';

export interface SlackUser {
  id: string;
  isBot: boolean;
  deleted: boolean;
  timeZone: string | null;
  /** A workspace admin or owner (may change workspace-wide settings such as comment retention). */
  isAdmin: boolean;
  /** The name people know them by, for files where a mention would not render. */
  name: string | null;
}

export type ChannelAccess = 'ok' | 'invite-needed' | 'archived' | 'direct-message';

const TTL_MS = 10 * 60_000;
const LOOKUP_CONCURRENCY = 8;

/**
 * Answers "who is this person?" from users.info, with a short in-memory cache: the setup modal
 * has three seconds of trigger_id to spend, and members are looked up again on submit.
 */
export function createDirectory(clients: SlackClients, now: () => number) {
  const cache = new Map<string, { user: SlackUser | null; at: number }>();

  async function user(teamId: string, userId: string): Promise<SlackUser | null> {
    const key = `${teamId}:${userId}`;
    const hit = cache.get(key);
    if (hit && now() - hit.at < TTL_MS) return hit.user;
    let found: SlackUser | null;
    try {
      const result = await clients.forTeam(teamId).users.info({ user: userId });
      const u = result.user;
      found = u?.id
        ? {
            id: u.id,
            isBot: Boolean(u.is_bot) || u.id === 'USLACKBOT',
            deleted: Boolean(u.deleted),
            timeZone: u.tz ?? null,
            isAdmin: Boolean(u.is_admin) || Boolean(u.is_owner),
            name: u.profile?.display_name || u.real_name || u.name || null,
          }
        : null;
    } catch (error) {
      if (slackErrorCode(error) !== 'user_not_found') throw error;
      found = null;
    }
    cache.set(key, { user: found, at: now() });
    return found;
  }

  /** Keeps the ids that belong to active people (no bots, no deactivated accounts), in order. */
  async function humans(teamId: string, userIds: readonly string[]): Promise<string[]> {
    const results = new Map<string, SlackUser | null>();
    const queue = [...new Set(userIds)];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) results.set(id, await user(teamId, id));
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, queue.length) }, worker));
    return userIds.filter((id, i) => {
      const u = results.get(id);
      return u && !u.isBot && !u.deleted && userIds.indexOf(id) === i;
    });
  }

  /** Everyone in a channel (all pages), or null when the bot cannot see the channel. */
  async function channelMembers(teamId: string, channelId: string, limit = 500): Promise<string[] | null> {
    const client = clients.forTeam(teamId);
    const members: string[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await client.conversations.members({
          channel: channelId,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        members.push(...(page.members ?? []));
        cursor = page.response_metadata?.next_cursor || undefined;
      } while (cursor && members.length < limit);
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'channel_not_found' || code === 'not_in_channel' || code === 'method_not_supported_for_channel_type')
        return null;
      throw error;
    }
    return members;
  }

  /**
   * Whether the bot can post in a channel, joining it when it is public. Private channels need an
   * invitation from someone in them.
   */
  async function channelAccess(teamId: string, channelId: string): Promise<ChannelAccess> {
    const client = clients.forTeam(teamId);
    try {
      const info = await client.conversations.info({ channel: channelId });
      const channel = info.channel;
      if (!channel) return 'invite-needed';
      if (channel.is_archived) return 'archived';
      if (channel.is_im || channel.is_mpim) return 'direct-message';
      if (channel.is_member) return 'ok';
      if (channel.is_private) return 'invite-needed';
      await client.conversations.join({ channel: channelId });
      return 'ok';
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === 'channel_not_found' || code === 'method_not_supported_for_channel_type') return 'invite-needed';
      throw error;
    }
  }

  return { user, humans, channelMembers, channelAccess };
}

export type Directory = ReturnType<typeof createDirectory>;
