import { expect } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { getTemplate, type TemplateId } from '../../src/domain/templates/index.js';
import type { FakeSlack, StoredMessage } from '../../src/simulator/fake-slack.js';
import { ACTIONS, CHECKIN_BLOCKS, promptBlockId, SETUP_BLOCKS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from './boot.js';

export const hasAction = (message: StoredMessage, actionId: string): boolean =>
  JSON.stringify(message.blocks).includes(`"action_id":"${actionId}"`);

/** Every prompt of a step answered with text that says who wrote it. */
export function stepAnswers(templateId: TemplateId, step: number, who: string, extra = ''): Record<string, string> {
  const section = getTemplate(templateId).sections[step];
  if (!section) throw new Error(`no step ${step}`);
  return Object.fromEntries(section.prompts.map((p) => [promptBlockId(p.id), `${who} on ${p.id}${extra}`]));
}

export interface ActivateOptions {
  channelId: string;
  starter: string;
  members: string[];
  name?: string;
  setup?: Record<string, unknown>;
  /** Values for step 2 (signals and celebration), keyed by block id. */
  signals?: Record<string, unknown>;
  templateId?: TemplateId;
}

/**
 * Drives the real UI, as the team would, to an alliance in effect: /alliance start, the setup
 * modal, every member's answers, everyone's consent.
 */
export async function activateAlliance(h: Harness, options: ActivateOptions): Promise<Alliance> {
  const templateId = options.templateId ?? 'team';
  await h.slack.command({
    userId: options.starter,
    channelId: options.channelId,
    text: `start ${options.name ?? 'Core team'}`,
  });
  const submitted = await h.slack.submitView({
    userId: options.starter,
    values: { [SETUP_BLOCKS.members]: options.members, [SETUP_BLOCKS.template]: templateId, ...options.setup },
  });
  expect(submitted.outcome, JSON.stringify(submitted.errors)).toBe('updated');
  const signals = await h.slack.submitView({ userId: options.starter, values: options.signals ?? {} });
  expect(signals.outcome, JSON.stringify(signals.errors)).toBe('closed');
  const alliance = h.app.store.alliances.liveInChannel(h.fake.teamId, options.channelId);
  if (!alliance) throw new Error('no alliance was created');
  const announcement = h.fake.messages(options.channelId).find((m) => hasAction(m, ACTIONS.addAnswers));
  if (!announcement) throw new Error('no announcement');
  for (const userId of options.members) {
    await h.slack.clickButton({
      userId,
      channelId: options.channelId,
      ts: announcement.ts,
      actionId: ACTIONS.addAnswers,
    });
    for (let step = 0; step < getTemplate(templateId).sections.length; step++) {
      await h.slack.submitView({ userId, values: stepAnswers(templateId, step, userId) });
    }
    await h.slack.closeView({ userId });
  }
  const version = h.app.store.agreements.versions(alliance.id).at(-1);
  if (!version) throw new Error('no version compiled');
  const post = h.app.store.agreements.posts(version.id).find((p) => p.part === 0);
  if (!post) throw new Error('agreement not posted');
  for (const userId of options.members) {
    const channel = post.recipientId
      ? h.app.store.agreements.posts(version.id).find((p) => p.part === 0 && p.recipientId === userId)!
      : post;
    await h.slack.clickButton({ userId, channelId: channel.channelId, ts: channel.ts, actionId: ACTIONS.agree });
  }
  const active = h.app.store.alliances.get(alliance.id);
  expect(active?.status).toBe('active');
  return active!;
}

/** Clicks `actionId` on a message Alliance posted (in a DM or a channel), as `userId` would. */
export const press = (h: Harness, userId: string, message: { channel: string; ts: string }, actionId: string) =>
  h.slack.clickButton({ userId, channelId: message.channel, ts: message.ts, actionId });

/** The DMs a member got from the app that carry a given button. */
export function dmsWith(h: Harness, userId: string, actionId: string): StoredMessage[] {
  return h.fake.messages(userId).filter((m) => hasAction(m, actionId));
}

/**
 * A member checks in from their latest pulse invitation: every part rated `rating`, the template's
 * two commitments kept, plus `extra` values; the modal must close with its thanks.
 */
/**
 * A check-in modal's answers: `rating` for every aspect and overall (or one each: atmosphere,
 * co-responsibility, behaviour, overall), both commitments kept, and `extra`.
 */
export function checkInValues(
  rating: number | readonly [number, number, number, number],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const [a, c, b, o] = typeof rating === 'number' ? [rating, rating, rating, rating] : rating;
  return {
    [CHECKIN_BLOCKS.rating('atmosphere')]: String(a),
    [CHECKIN_BLOCKS.rating('co_responsibility')]: String(c),
    [CHECKIN_BLOCKS.rating('behavior')]: String(b),
    [CHECKIN_BLOCKS.rating('overall')]: String(o),
    [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
    [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'kept',
    ...extra,
  };
}

export async function checkInWith(
  h: Harness,
  userId: string,
  rating: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const invite = dmsWith(h, userId, ACTIONS.checkIn).at(-1);
  if (!invite) throw new Error(`${userId} has no pulse invitation`);
  await h.slack.clickButton({ userId, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
  const result = await h.slack.submitView({ userId, values: checkInValues(rating, extra) });
  expect(result.outcome, JSON.stringify(result)).toBe('updated');
}

/**
 * `newcomer` joins #team and asks to join (from the invitation Alliance sends on joining, or from
 * `/alliance show` when none came); `admitter` admits them from the request in the channel.
 */
export async function joinAndAdmit(h: Harness, newcomer: string, admitter: string): Promise<void> {
  await h.slack.event({ type: 'member_joined_channel', user: newcomer, channel: 'CTEAM', channel_type: 'C' });
  let ask = dmsWith(h, newcomer, ACTIONS.askToJoin).at(-1);
  if (!ask) {
    await h.slack.command({ userId: newcomer, channelId: 'CTEAM', text: 'show' });
    ask = dmsWith(h, newcomer, ACTIONS.askToJoin).at(-1);
  }
  if (!ask) throw new Error(`${newcomer} got no Ask to join button`);
  await press(h, newcomer, ask, ACTIONS.askToJoin);
  const request = h.fake
    .messages('CTEAM')
    .filter((m) => hasAction(m, ACTIONS.admit))
    .at(-1);
  if (!request) throw new Error(`no request to admit ${newcomer} was posted`);
  await h.slack.clickButton({ userId: admitter, channelId: 'CTEAM', ts: request.ts, actionId: ACTIONS.admit });
}

/** Submits `/alliance settings` in `channelId` as `userId`, changing only `values`. */
export async function submitSettings(h: Harness, userId: string, channelId: string, values: Record<string, unknown>) {
  await h.slack.command({ userId, channelId, text: 'settings' });
  return h.slack.submitView({ userId, values });
}

/** Opens a person's App Home, as Slack does when they click the app. */
export const openHomeOf = (h: Harness, userId: string) =>
  h.slack.event({ type: 'app_home_opened', user: userId, channel: `D0${userId.slice(1)}`, tab: 'home' });

/** What a person's App Home shows, as one string to search. */
export const homeText = (h: Harness, userId: string): string => JSON.stringify(h.fake.homeView(userId)?.blocks ?? []);

/** Every file uploaded to a person's DM (an export), as text. */
export const dmFilesText = (h: Harness, userId: string): string =>
  h.fake
    .files()
    .filter((f) => f.channel === h.fake.dmChannelId(userId))
    .map((f) => f.bytes?.toString('utf8') ?? '')
    .join('\n');

/** Every message of a channel, text and blocks, as one string to search. */
export const channelText = (h: Harness, channelId: string): string =>
  JSON.stringify(h.fake.messages(channelId).map((m) => ({ text: m.text, blocks: m.blocks })));

/** A member answers every step of the open round from its latest "Add my answers" button. */
export async function answerRound(h: Harness, userId: string, extra: string, channelId = 'CTEAM'): Promise<void> {
  const button = [...h.fake.messages(userId), ...h.fake.messages(channelId)]
    .filter((m) => hasAction(m, ACTIONS.addAnswers))
    .at(-1);
  if (!button) throw new Error(`${userId} has no Add my answers button`);
  await h.slack.clickButton({ userId, channelId: button.channel, ts: button.ts, actionId: ACTIONS.addAnswers });
  for (let step = 0; step < getTemplate('team').sections.length; step++) {
    await h.slack.submitView({ userId, values: stepAnswers('team', step, userId, extra) });
  }
  await h.slack.closeView({ userId });
}

/** The team most end-to-end tests use: four members of #team (CTEAM), Alice first. */
export const TEAM_MEMBERS = ['UALICE', 'UBOB', 'UCAROL', 'UERIN'];
/** Its first week: set up on Monday, the pulse opens Thursday, its reminder Friday, it closes Saturday, the digest Monday. */
export const FIRST_WEEK = {
  setup: '2026-01-05T08:00:00Z',
  pulse: '2026-01-08T09:00:00Z',
  remind: '2026-01-09T09:00:00Z',
  close: '2026-01-10T09:00:00Z',
  digest: '2026-01-12T08:30:00Z',
} as const;

/** The instant `days` days after `iso` (a later week: `daysAfter(FIRST_WEEK.pulse, 7)`). */
export const daysAfter = (iso: string, days: number): Date => new Date(Date.parse(iso) + days * 86_400_000);

/**
 * Boots the app with the team's four members in #team, plus `others` (people in the workspace who
 * are not members; `inChannel` of them are in #team too) and whatever else `arrange` adds.
 */
export function bootTeam(
  options: { others?: readonly string[]; inChannel?: readonly string[]; arrange?: (fake: FakeSlack) => void } = {},
): Promise<Harness> {
  return bootAlliance({
    now: FIRST_WEEK.setup,
    arrange: (fake) => {
      for (const id of [...TEAM_MEMBERS, ...(options.others ?? [])]) {
        fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
      }
      fake.addChannel({
        id: 'CTEAM',
        name: 'team',
        members: [...TEAM_MEMBERS, ...(options.inChannel ?? [])],
        botIsMember: true,
      });
      options.arrange?.(fake);
    },
  });
}

/** The team's alliance in #team, designed and agreed by all four, started by Alice. */
export function activateTeam(
  h: Harness,
  setup: Record<string, unknown> = {},
  signals: Record<string, unknown> = {},
): Promise<Alliance> {
  return activateAlliance(h, { channelId: 'CTEAM', starter: 'UALICE', members: TEAM_MEMBERS, setup, signals });
}
