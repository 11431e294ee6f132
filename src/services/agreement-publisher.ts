import { consentProgress, diffAgreements } from '../domain/agreement.js';
import { decide, wordsWrittenFor } from '../domain/visibility.js';
import { type AgreementMessageModel, buildAgreementMessages, type SlackMessage } from '../slack/blocks/agreement.js';
import { userMention } from '../slack/blocks/kit.js';
import type { SlackGateway } from '../slack/gateway.js';
import type { Store } from '../store/index.js';

export interface PublisherDeps {
  store: Store;
  gateway: SlackGateway;
}

/**
 * Posts agreement versions to Slack and keeps those posts current (consent progress, status).
 * In the channel for `channel` visibility, to each member's DM for `members`.
 */
export function createAgreementPublisher(deps: PublisherDeps) {
  const { store, gateway } = deps;

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

  /** Posts a version's main message and its thread parts; returns the main post, or Slack's error. */
  async function postTo(
    teamId: string,
    versionId: number,
    channel: string,
    recipientId: string | null,
    messages: { main: SlackMessage; thread: SlackMessage[] },
  ): Promise<{ ok: true; channel: string; ts: string } | { ok: false; error: string }> {
    const context = `agreement ${versionId}`;
    const main = await gateway.post(teamId, { channel, ...messages.main }, `${context}: posting it`);
    if (!main.ok) return main;
    store.agreements.recordPost({ versionId, teamId, channelId: main.channel, part: 0, ts: main.ts, recipientId });
    for (const [i, part] of messages.thread.entries()) {
      const reply = await gateway.post(
        teamId,
        { channel: main.channel, threadTs: main.ts, ...part },
        `${context}: posting part ${i + 1}`,
      );
      if (reply.ok) {
        store.agreements.recordPost({
          versionId,
          teamId,
          channelId: main.channel,
          part: i + 1,
          ts: reply.ts,
          recipientId,
        });
      }
    }
    return main;
  }

  /** Posts a freshly compiled version. Returns the people or places it could not reach. */
  async function publish(versionId: number): Promise<string[]> {
    const version = store.agreements.version(versionId);
    if (!version) throw new Error(`version ${versionId} not found`);
    const alliance = store.alliances.get(version.allianceId);
    if (!alliance) throw new Error(`alliance ${version.allianceId} not found`);
    const model = messageModel(versionId);
    const messages = buildAgreementMessages(model);
    if (version.visibility === 'channel') {
      const posted = await postTo(alliance.teamId, versionId, alliance.channelId, null, messages);
      if (!posted.ok) return [`the channel (${posted.error})`];
      await gateway.pin(alliance.teamId, posted, `agreement ${versionId}: pinning it`);
      return [];
    }
    const failures: string[] = [];
    const existing = new Set(
      store.agreements
        .posts(versionId)
        .filter((p) => p.part === 0)
        .map((p) => p.recipientId),
    );
    for (const memberId of [...model.consent.agreed, ...model.consent.waiting]) {
      if (existing.has(memberId)) continue;
      const posted = await postTo(alliance.teamId, versionId, memberId, memberId, messages);
      if (!posted.ok) failures.push(`${userMention(memberId)} (${posted.error})`);
    }
    return failures;
  }

  /** Re-renders the first message of every post of a version (consent progress, status). */
  async function refresh(versionId: number): Promise<void> {
    const version = store.agreements.version(versionId);
    if (!version) return;
    const { main } = buildAgreementMessages(messageModel(versionId));
    for (const post of store.agreements.posts(versionId).filter((p) => p.part === 0)) {
      await gateway.update(
        version.teamId,
        { channel: post.channelId, ts: post.ts },
        main,
        `agreement ${versionId}: updating a post`,
      );
    }
  }

  /**
   * Re-renders every part of every post of a version (after its content changed: a member was
   * forgotten). A part the new rendering no longer has is emptied rather than left as it was.
   */
  async function rerender(versionId: number): Promise<void> {
    const version = store.agreements.version(versionId);
    if (!version) return;
    const { main, thread } = buildAgreementMessages(messageModel(versionId));
    for (const post of store.agreements.posts(versionId)) {
      const message = post.part === 0 ? main : (thread[post.part - 1] ?? { text: '…' });
      await gateway.update(
        version.teamId,
        { channel: post.channelId, ts: post.ts },
        message,
        `agreement ${versionId}: re-rendering a post`,
      );
    }
  }

  /** Replies in the thread of each post of a version (the channel's, or each member's DM). */
  async function replyInThreads(versionId: number, message: SlackMessage): Promise<number> {
    const version = store.agreements.version(versionId);
    if (!version) return 0;
    let posted = 0;
    for (const post of store.agreements.posts(versionId).filter((p) => p.part === 0)) {
      const reply = await gateway.post(
        version.teamId,
        { channel: post.channelId, threadTs: post.ts, ...message },
        `agreement ${versionId}: replying in a thread`,
      );
      if (reply.ok) posted++;
    }
    return posted;
  }

  /**
   * Shares what a member wrote about a version (a reservation) with those who may read it, asking
   * the visibility rule for each place: in the thread of each post of the version; where that is
   * the channel of an alliance or version that is for the members only, the thread gets `pointer`
   * (nothing of the words) and every current member without a DM copy of the version gets them by
   * DM. A DM copy of someone who is no longer a member gets nothing. Returns where `message` was
   * posted.
   */
  async function shareWithReaders(
    versionId: number,
    message: SlackMessage,
    pointer: SlackMessage,
  ): Promise<{ channel: string; ts: string }[]> {
    const version = store.agreements.version(versionId);
    const alliance = version ? store.alliances.get(version.allianceId) : undefined;
    if (!version || !alliance) return [];
    const shared: { channel: string; ts: string }[] = [];
    const members = new Set(store.alliances.members(alliance.id));
    const shownTo = (audience: 'channel' | 'member' | 'non-member') =>
      decide({
        rules: wordsWrittenFor(version.visibility),
        visibility: alliance.settings.visibility,
        audience,
        item: { kind: 'agreement-text' },
      }) === 'show';
    const posts = store.agreements.posts(versionId).filter((p) => p.part === 0);
    let channelHidden = false;
    for (const post of posts) {
      const audience = post.recipientId === null ? 'channel' : members.has(post.recipientId) ? 'member' : 'non-member';
      const shown = shownTo(audience);
      if (audience === 'channel' && !shown) channelHidden = true;
      if (!shown && audience !== 'channel') continue;
      const reply = await gateway.post(
        version.teamId,
        { channel: post.channelId, threadTs: post.ts, ...(shown ? message : pointer) },
        `agreement ${versionId}: replying in a thread`,
      );
      if (reply.ok && shown) shared.push({ channel: reply.channel, ts: reply.ts });
    }
    if (!channelHidden) return shared;
    const withCopy = new Set(posts.map((p) => p.recipientId));
    for (const memberId of members) {
      if (withCopy.has(memberId)) continue;
      const dm = await gateway.post(
        version.teamId,
        { channel: memberId, ...message },
        `agreement ${versionId}: sharing by DM`,
      );
      if (dm.ok) shared.push({ channel: dm.channel, ts: dm.ts });
    }
    return shared;
  }

  /** A link to where this person can read the version: the channel post, or their own DM copy. */
  async function permalinkFor(versionId: number, userId: string): Promise<string | null> {
    const version = store.agreements.version(versionId);
    if (!version) return null;
    const posts = store.agreements.posts(versionId).filter((p) => p.part === 0);
    const post = posts.find((p) => p.recipientId === null) ?? posts.find((p) => p.recipientId === userId);
    if (!post) return null;
    return gateway.permalink(
      version.teamId,
      { channel: post.channelId, ts: post.ts },
      `agreement ${versionId}: permalink`,
    );
  }

  return { messageModel, publish, refresh, rerender, replyInThreads, shareWithReaders, permalinkFor };
}

export type AgreementPublisher = ReturnType<typeof createAgreementPublisher>;
