import type { Logger } from '@slack/bolt';
import { consentProgress, diffAgreements } from '../domain/agreement.js';
import { type AgreementMessageModel, buildAgreementMessages, type SlackMessage } from '../slack/blocks/agreement.js';
import { type SlackClients, slackErrorCode } from '../slack/clients.js';
import type { Store } from '../store/index.js';

export interface PublisherDeps {
  store: Store;
  clients: SlackClients;
  logger: Logger;
}

/**
 * Posts agreement versions to Slack and keeps those posts current (consent progress, status).
 * In the channel for `channel` visibility, to each member's DM for `members`.
 */
export function createAgreementPublisher(deps: PublisherDeps) {
  const { store } = deps;

  function messageModel(versionId: number): AgreementMessageModel {
    const version = store.agreements.version(versionId);
    if (!version) throw new Error(`version ${versionId} not found`);
    const alliance = store.alliances.get(version.allianceId);
    if (!alliance) throw new Error(`alliance ${version.allianceId} not found`);
    // Consent is asked of the alliance's current members (people may have joined or left since).
    const members = version.status === 'proposed' ? store.alliances.members(alliance.id) : version.content.members;
    const round = store.design.round(version.roundId);
    const base = round?.baseVersionId ? store.agreements.version(round.baseVersionId) : undefined;
    return {
      allianceId: alliance.id,
      allianceName: alliance.name,
      starterId: alliance.starterId,
      versionId: version.id,
      versionNumber: version.number,
      compiledAt: version.compiledAt,
      contentHash: version.contentHash,
      content: version.content,
      status: version.status,
      consent: consentProgress(members, store.agreements.consents(version.id)),
      ...(version.activatedAt ? { activatedAt: version.activatedAt } : {}),
      ...(base ? { diff: { fromNumber: base.number, changes: diffAgreements(base.content, version.content) } } : {}),
    };
  }

  async function postTo(
    teamId: string,
    versionId: number,
    channel: string,
    recipientId: string | null,
    messages: { main: SlackMessage; thread: SlackMessage[] },
  ): Promise<string> {
    const client = deps.clients.forTeam(teamId);
    const main = await client.chat.postMessage({
      channel,
      text: messages.main.text,
      blocks: messages.main.blocks,
      unfurl_links: false,
    });
    if (!main.ts || !main.channel) throw new Error('chat.postMessage returned no ts');
    store.agreements.recordPost({ versionId, teamId, channelId: main.channel, part: 0, ts: main.ts, recipientId });
    for (const [i, part] of messages.thread.entries()) {
      const reply = await client.chat.postMessage({
        channel: main.channel,
        thread_ts: main.ts,
        text: part.text,
        blocks: part.blocks,
        unfurl_links: false,
      });
      if (reply.ts)
        store.agreements.recordPost({
          versionId,
          teamId,
          channelId: main.channel,
          part: i + 1,
          ts: reply.ts,
          recipientId,
        });
    }
    return main.ts;
  }

  /** Posts a freshly compiled version. Returns the people or places it could not reach. */
  async function publish(versionId: number): Promise<string[]> {
    const version = store.agreements.version(versionId);
    if (!version) throw new Error(`version ${versionId} not found`);
    const alliance = store.alliances.get(version.allianceId);
    if (!alliance) throw new Error(`alliance ${version.allianceId} not found`);
    const model = messageModel(versionId);
    const messages = buildAgreementMessages(model);
    const failures: string[] = [];
    if (alliance.settings.visibility === 'channel') {
      try {
        const ts = await postTo(alliance.teamId, versionId, alliance.channelId, null, messages);
        try {
          await deps.clients.forTeam(alliance.teamId).pins.add({ channel: alliance.channelId, timestamp: ts });
        } catch (error) {
          if (slackErrorCode(error) !== 'already_pinned')
            deps.logger.warn(`agreement ${versionId}: could not pin it:`, slackErrorCode(error) ?? error);
        }
      } catch (error) {
        deps.logger.error(
          `agreement ${versionId}: could not post it in ${alliance.channelId}:`,
          slackErrorCode(error) ?? error,
        );
        failures.push(`the channel (${slackErrorCode(error) ?? 'Slack error'})`);
      }
      return failures;
    }
    const existing = new Set(
      store.agreements
        .posts(versionId)
        .filter((p) => p.part === 0)
        .map((p) => p.recipientId),
    );
    for (const memberId of [...model.consent.agreed, ...model.consent.waiting]) {
      if (existing.has(memberId)) continue;
      try {
        await postTo(alliance.teamId, versionId, memberId, memberId, messages);
      } catch (error) {
        deps.logger.warn(`agreement ${versionId}: could not send it to a member:`, slackErrorCode(error) ?? error);
        failures.push(`<@${memberId}> (${slackErrorCode(error) ?? 'Slack error'})`);
      }
    }
    return failures;
  }

  /** Re-renders the first message of every post of a version (consent progress, status). */
  async function refresh(versionId: number): Promise<void> {
    const version = store.agreements.version(versionId);
    if (!version) return;
    const { main } = buildAgreementMessages(messageModel(versionId));
    const client = deps.clients.forTeam(version.teamId);
    for (const post of store.agreements.posts(versionId).filter((p) => p.part === 0)) {
      try {
        await client.chat.update({ channel: post.channelId, ts: post.ts, text: main.text, blocks: main.blocks });
      } catch (error) {
        deps.logger.warn(`agreement ${versionId}: could not update a post:`, slackErrorCode(error) ?? error);
      }
    }
  }

  /** Replies in the thread of each post of a version (the channel's, or each member's DM). */
  async function replyInThreads(versionId: number, message: SlackMessage): Promise<number> {
    const version = store.agreements.version(versionId);
    if (!version) return 0;
    const client = deps.clients.forTeam(version.teamId);
    let posted = 0;
    for (const post of store.agreements.posts(versionId).filter((p) => p.part === 0)) {
      try {
        await client.chat.postMessage({
          channel: post.channelId,
          thread_ts: post.ts,
          text: message.text,
          blocks: message.blocks,
        });
        posted++;
      } catch (error) {
        deps.logger.warn(`agreement ${versionId}: could not reply in a thread:`, slackErrorCode(error) ?? error);
      }
    }
    return posted;
  }

  /** A link to where this person can read the version: the channel post, or their own DM copy. */
  async function permalinkFor(versionId: number, userId: string): Promise<string | null> {
    const version = store.agreements.version(versionId);
    if (!version) return null;
    const posts = store.agreements.posts(versionId).filter((p) => p.part === 0);
    const post = posts.find((p) => p.recipientId === null) ?? posts.find((p) => p.recipientId === userId);
    if (!post) return null;
    try {
      const result = await deps.clients
        .forTeam(version.teamId)
        .chat.getPermalink({ channel: post.channelId, message_ts: post.ts });
      return result.permalink ?? null;
    } catch (error) {
      deps.logger.warn(`agreement ${versionId}: no permalink:`, slackErrorCode(error) ?? error);
      return null;
    }
  }

  return { messageModel, publish, refresh, replyInThreads, permalinkFor };
}

export type AgreementPublisher = ReturnType<typeof createAgreementPublisher>;
