/**
 * The demo workspace: the real Alliance app (the same composition root as `npm start`, in HTTP
 * mode) against the simulated Slack, with five people, one channel and a clock that can be moved.
 *
 * Everything a person does here reaches the app the way Slack would deliver it: signed slash
 * commands, block actions, view submissions and events, each minting a trigger_id that expires
 * after three seconds. Moving the clock runs the scheduler at that instant, exactly as the minute
 * tick does. The simulated teammates use the same Slack UI (buttons, modals) a person would.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type RunningAlliance, startAlliance } from '../app.js';
import type { AppConfig, LogLevelName } from '../config.js';
import type { Alliance } from '../domain/alliance.js';
import { createLogger } from '../logger.js';
import { isObject } from '../simulator/block-kit.js';
import { FakeSlack, type FakeView, type StoredMessage } from '../simulator/fake-slack.js';
import { ImpossibleUserAction, type SenderResult, SlackSender } from '../simulator/slack-sender.js';
import { escapeText } from '../slack/blocks/kit.js';
import { ACTIONS, COMMAND, promptIdFromBlock, VIEWS } from '../slack/ids.js';
import { type MovableClock, movableClock } from './clock.js';
import { CHANNEL, type DemoPerson, designAnswer, MOOD_COMMENTS, type Mood, TEAM, TEAM_NAME } from './team.js';

export interface Outcome {
  ok: boolean;
  /** What happened, for the person at the page; absent when the screen says it all. */
  message?: string;
}

export type ClockStep = 'day' | 'pulse' | 'close' | 'digest';

export interface DemoOptions {
  /** The simulated time at start. */
  start: Date;
  /** The SQLite file; its folder is created, and the file replaced. */
  databasePath: string;
  logLevel?: LogLevelName;
  /** Where app log lines go besides the page's log (the terminal, for `npm run demo`). */
  echo?: (line: string, isError: boolean) => void;
}

const JOB_FOR_STEP: Record<Exclude<ClockStep, 'day'>, string> = {
  pulse: 'pulse.open',
  close: 'pulse.close',
  digest: 'digest.post',
};

const NOTHING_SCHEDULED: Record<Exclude<ClockStep, 'day'>, string> = {
  pulse:
    'No pulse is scheduled yet. Pulses start once everyone has agreed to the alliance: start one with /alliance start.',
  close: 'No pulse is open right now. Press “Next pulse” to open one.',
  digest: 'No digest is scheduled yet. The weekly digest starts once everyone has agreed to the alliance.',
};

const STEP_DONE: Record<ClockStep, string> = {
  day: 'A day went by; whatever was due on the way has run.',
  pulse: 'The pulse opened: everyone got a direct message from Alliance. Open Alliance in the sidebar to check in.',
  close: 'The pulse closed and its results are in: “Next digest” shows them in #product-team.',
  digest: 'The weekly digest is posted in #product-team; its trend chart is in the thread.',
};

const MAX_LOG_LINES = 300;
// A tick runs the due jobs and the outbox; a day rarely holds more than a handful of jobs.
const MAX_TICKS_PER_STEP = 200;

const hasAction = (message: { blocks: unknown[] }, actionId: string) =>
  JSON.stringify(message.blocks).includes(`"action_id":"${actionId}"`);

export class DemoWorkspace {
  /** Bumped after every change, so the page knows when to look again. */
  revision = 0;
  /** Per view id: the errors the app answered a submission with (shown under the inputs). */
  readonly viewErrors = new Map<string, Record<string, string>>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly fake: FakeSlack,
    readonly sender: SlackSender,
    readonly app: RunningAlliance,
    readonly clock: MovableClock,
    /** The app's recent log lines, newest last, and how many errors it logged in all. */
    readonly log: { lines: string[]; errors: number },
  ) {}

  static async start(options: DemoOptions): Promise<DemoWorkspace> {
    const clock = movableClock(options.start);
    const fake = await FakeSlack.start({
      teamName: TEAM_NAME,
      teamDomain: 'northwind',
      botUserName: 'alliance',
      now: () => clock.now().getTime(),
    });
    for (const person of TEAM) {
      fake.addUser({
        id: person.id,
        name: person.name,
        realName: person.realName,
        displayName: person.realName.split(' ')[0] ?? person.realName,
        tz: person.tz,
      });
    }
    fake.addChannel({ id: CHANNEL.id, name: CHANNEL.name, members: TEAM.map((p) => p.id), botIsMember: false });

    mkdirSync(dirname(options.databasePath), { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.databasePath}${suffix}`, { force: true });
    const signingSecret = randomBytes(16).toString('hex');
    const config: AppConfig = {
      port: 0,
      host: '127.0.0.1',
      databasePath: options.databasePath,
      slackApiUrl: fake.apiUrl,
      logLevel: options.logLevel ?? 'info',
      slack: { botToken: fake.botToken, signingSecret, appToken: undefined },
    };
    const log = { lines: [] as string[], errors: 0 };
    const logger = createLogger(config.logLevel, 'alliance', (line, isError) => {
      log.lines.push(line);
      if (log.lines.length > MAX_LOG_LINES) log.lines.splice(0, log.lines.length - MAX_LOG_LINES);
      if (/^\S+ ERROR /.test(line)) log.errors += 1;
      options.echo?.(line, isError);
    });
    let app: RunningAlliance;
    try {
      app = await startAlliance({ config, clock, logger, scheduler: 'manual' });
    } catch (error) {
      await fake.close();
      throw error;
    }
    const sender = new SlackSender({
      appUrl: `http://127.0.0.1:${app.port}/slack/events`,
      signingSecret,
      fake,
      settle: () => app.idle(),
    });
    return new DemoWorkspace(fake, sender, app, clock, log);
  }

  get people(): readonly DemoPerson[] {
    return TEAM;
  }

  person(userId: string): DemoPerson | undefined {
    return TEAM.find((p) => p.id === userId);
  }

  /** The alliance of the demo channel, once someone has started one. */
  alliance(): Alliance | undefined {
    return this.app.store.alliances.liveInChannel(this.fake.teamId, CHANNEL.id);
  }

  async stop(): Promise<void> {
    await this.chain.catch(() => undefined);
    await this.app.stop();
    await this.fake.close();
  }

  // -------------------------------------------------------------------------------------------
  // One thing at a time: a clock jump never lands in the middle of a click.
  // -------------------------------------------------------------------------------------------

  private serial(work: () => Promise<Outcome>): Promise<Outcome> {
    const run = this.chain.then(async () => {
      const calls = this.fake.calls().length;
      const logged = this.log.errors;
      try {
        const outcome = await work();
        return this.withProblems(outcome, calls, logged);
      } catch (error) {
        if (error instanceof ImpossibleUserAction)
          return { ok: false, message: error.message.replace(/^SlackSender: impossible for a real user: /, '') };
        throw error;
      } finally {
        this.revision += 1;
      }
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Adds what went wrong on the way (Slack refusing a call, the app logging an error) to an outcome. */
  private withProblems(outcome: Outcome, callsBefore: number, errorsBefore: number): Outcome {
    const refused = this.fake
      .calls()
      .slice(callsBefore)
      .filter((c) => isObject(c.response) && c.response.ok === false)
      .map((c) => `Slack refused ${c.method}: ${String((c.response as { error?: unknown }).error)}`);
    const logged = this.log.errors > errorsBefore ? ['The app logged an error (see the app log).'] : [];
    const problems = [...new Set([...refused, ...logged])];
    if (problems.length === 0) return outcome;
    return {
      ok: outcome.ok && refused.length === 0,
      message: [outcome.message, ...problems].filter(Boolean).join(' '),
    };
  }

  private answered(result: SenderResult, what: string): Outcome {
    if (result.status !== 200)
      return { ok: false, message: `The app answered ${what} with HTTP ${result.status}; Slack would show an error.` };
    if (result.elapsedMs > 3000)
      return {
        ok: false,
        message:
          `The app took ${(result.elapsedMs / 1000).toFixed(1)} s to answer ${what}; Slack ` +
          `gives up after 3 seconds.`,
      };
    return { ok: true };
  }

  // -------------------------------------------------------------------------------------------
  // What a person does in Slack
  // -------------------------------------------------------------------------------------------

  /** Text typed in a composer: a slash command, or a plain message. */
  type(input: { userId: string; channelId: string; text: string; threadTs?: string }): Promise<Outcome> {
    return this.serial(async () => {
      const text = input.text.trim();
      if (text === '') return { ok: true };
      if (text.startsWith('/')) {
        const [command = '', ...rest] = text.split(/\s+/);
        if (command !== COMMAND)
          return {
            ok: false,
            message: `${command} is not a command here. This workspace has one app, Alliance: try /alliance help.`,
          };
        const result = await this.sender.command({
          userId: input.userId,
          channelId: input.channelId,
          text: rest.join(' '),
        });
        if (result.delivered && !result.delivered.ok)
          return { ok: false, message: `Slack could not show the app's answer: ${result.delivered.error}` };
        return this.answered(result, 'the command');
      }
      const result = await this.sender.userMessage({
        userId: input.userId,
        channelId: input.channelId,
        // Slack's client escapes what a person types: a typed "<!channel>" is text, not a ping.
        text: escapeText(text),
        ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      });
      return this.answered(result, 'the message event');
    });
  }

  /** A button on a message (in a channel, a DM or an ephemeral message). */
  click(input: { userId: string; channelId: string; ts: string; actionId: string; value?: string }): Promise<Outcome> {
    return this.serial(async () => this.answered(await this.sender.clickButton(input), 'the click'));
  }

  /** A button inside the person's open modal or App Home. */
  clickInView(input: {
    userId: string;
    viewId: string;
    actionId: string;
    value?: string;
    values?: Record<string, unknown>;
  }): Promise<Outcome> {
    return this.serial(async () => this.answered(await this.sender.clickInView(input), 'the click'));
  }

  /** Submits the person's top modal with the values they entered (keyed by block_id). */
  submit(input: { userId: string; viewId: string; values: Record<string, unknown> }): Promise<Outcome> {
    return this.serial(async () => {
      const result = await this.sender.submitView(input);
      this.viewErrors.delete(input.viewId);
      if (result.outcome === 'errors' && result.errors) {
        this.viewErrors.set(input.viewId, result.errors);
        return { ok: true };
      }
      if (result.outcome === 'failed') return this.answered(result, 'the submission');
      return { ok: true };
    });
  }

  /** Closes the person's top modal (Cancel, ×, or the back arrow). */
  closeView(input: { userId: string; viewId: string; values?: Record<string, unknown> }): Promise<Outcome> {
    return this.serial(async () => {
      const result = await this.sender.closeView(input);
      this.viewErrors.delete(input.viewId);
      return result.sent ? this.answered(result, 'closing the modal') : { ok: true };
    });
  }

  /** The person opens the app's Home tab: Slack sends app_home_opened. */
  openHome(userId: string): Promise<Outcome> {
    return this.serial(async () => {
      const result = await this.sender.event({
        type: 'app_home_opened',
        user: userId,
        channel: this.fake.dmChannelId(userId),
        tab: 'home',
      });
      return this.answered(result, 'app_home_opened');
    });
  }

  // -------------------------------------------------------------------------------------------
  // The clock
  // -------------------------------------------------------------------------------------------

  private pendingJobs(): { id: number; kind: string; runAt: Date }[] {
    return this.app.store.jobs.upcoming();
  }

  /** When the next job of this step's kind is due, if one is scheduled. */
  nextAt(step: Exclude<ClockStep, 'day'>): Date | undefined {
    return this.pendingJobs().find((j) => j.kind === JOB_FOR_STEP[step])?.runAt;
  }

  /**
   * Moves the clock to `target`, running the scheduler at each due job's instant on the way (as
   * the minute tick would have), then at `target`.
   */
  private async runUntil(target: Date): Promise<void> {
    let last = '';
    for (let i = 0; i < MAX_TICKS_PER_STEP; i++) {
      const due = this.pendingJobs().find((j) => j.runAt.getTime() <= target.getTime());
      if (!due) break;
      const key = `${due.id}@${due.runAt.getTime()}`;
      if (key === last) break; // it could not run (it will be retried later): move on
      last = key;
      const at = new Date(Math.max(due.runAt.getTime(), this.clock.now().getTime()));
      this.clock.set(at);
      await this.app.tick(at);
      await this.app.idle();
    }
    if (target.getTime() > this.clock.now().getTime()) this.clock.set(target);
    await this.app.tick(this.clock.now());
    await this.app.idle();
  }

  advance(step: ClockStep): Promise<Outcome> {
    return this.serial(async () => {
      const now = this.clock.now();
      const target = step === 'day' ? new Date(now.getTime() + 86_400_000) : this.nextAt(step);
      if (!target) return { ok: false, message: NOTHING_SCHEDULED[step as Exclude<ClockStep, 'day'>] };
      await this.runUntil(target.getTime() < now.getTime() ? now : target);
      return { ok: true, message: STEP_DONE[step] };
    });
  }

  // -------------------------------------------------------------------------------------------
  // Simulated teammates: they click and type through Slack like anyone else
  // -------------------------------------------------------------------------------------------

  private latestWith(conversation: string, actionId: string): StoredMessage | undefined {
    return this.fake
      .messages(conversation)
      .filter((m) => hasAction(m, actionId))
      .at(-1);
  }

  private names(ids: readonly string[]): string {
    const names = ids.map((id) => this.person(id)?.realName.split(' ')[0] ?? id);
    return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  }

  /** Each member's answers to the design prompts; `changes` (by prompt id) override saved answers. */
  async answerPrompts(userId: string, changes: Record<string, string> = {}): Promise<boolean> {
    const where = this.latestWith(CHANNEL.id, ACTIONS.addAnswers) ?? this.latestWith(userId, ACTIONS.addAnswers);
    if (!where) return false;
    await this.sender.clickButton({ userId, channelId: where.channel, ts: where.ts, actionId: ACTIONS.addAnswers });
    for (let step = 0; step < 12; step++) {
      const view = this.fake.topView(userId);
      if (view?.callback_id !== VIEWS.designStep) break;
      const values: Record<string, string | null> = {};
      for (const block of inputBlocks(view)) {
        const promptId = promptIdFromBlock(block.blockId);
        if (!promptId) continue;
        const saved = typeof block.element.initial_value === 'string' ? block.element.initial_value : '';
        values[block.blockId] =
          changes[promptId] ?? (saved || designAnswer(userId, promptId, block.label, !block.optional));
      }
      const result = await this.sender.submitView({ userId, values });
      if (result.outcome === 'errors') throw new Error(`design answers refused: ${JSON.stringify(result.errors)}`);
    }
    if (this.fake.topView(userId)) await this.sender.closeView({ userId });
    return true;
  }

  teammatesAnswer(except?: string): Promise<Outcome> {
    return this.serial(async () => {
      const alliance = this.alliance();
      const round = alliance ? this.app.store.design.currentOpenRound(alliance.id) : undefined;
      if (!alliance || !round)
        return { ok: false, message: 'Nobody is being asked for answers right now. Start with /alliance start.' };
      const finished = this.app.store.design.finishedMembers(round.id);
      const waiting = this.app.store.alliances
        .members(alliance.id)
        .filter((id) => id !== except && !finished.has(id) && this.person(id));
      if (waiting.length === 0) return { ok: true, message: 'Your teammates have all added their answers already.' };
      for (const id of waiting) await this.answerPrompts(id);
      return { ok: true, message: `${this.names(waiting)} added their answers.` };
    });
  }

  async agreeAs(userId: string): Promise<boolean> {
    const alliance = this.alliance();
    const version = alliance ? this.app.store.agreements.proposedVersion(alliance.id) : undefined;
    if (!version) return false;
    const posts = this.app.store.agreements.posts(version.id).filter((p) => p.part === 0);
    const post = posts.find((p) => p.recipientId === userId) ?? posts.find((p) => p.recipientId === null);
    if (!post) return false;
    await this.sender.clickButton({ userId, channelId: post.channelId, ts: post.ts, actionId: ACTIONS.agree });
    return true;
  }

  teammatesAgree(except?: string): Promise<Outcome> {
    return this.serial(async () => {
      const alliance = this.alliance();
      const version = alliance ? this.app.store.agreements.proposedVersion(alliance.id) : undefined;
      if (!alliance || !version) return { ok: false, message: 'No agreement is waiting for consent right now.' };
      const agreed = this.app.store.agreements.consents(version.id);
      const waiting = this.app.store.alliances
        .members(alliance.id)
        .filter((id) => id !== except && !agreed.has(id) && this.person(id));
      if (waiting.length === 0) return { ok: true, message: 'Your teammates have all agreed already.' };
      for (const id of waiting) await this.agreeAs(id);
      return { ok: true, message: `${this.names(waiting)} agreed.` };
    });
  }

  /** One person answers their open pulse, in the given mood; `index` varies the figures between people. */
  async checkInAs(userId: string, mood: Mood, index: number, extra: Record<string, unknown> = {}): Promise<boolean> {
    const invite = this.latestWith(userId, ACTIONS.checkIn);
    if (!invite) return false;
    await this.sender.clickButton({ userId, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
    const view = this.fake.topView(userId);
    if (view?.callback_id !== VIEWS.checkIn) return false;
    const result = await this.sender.submitView({ userId, values: { ...checkInValues(view, mood, index), ...extra } });
    if (result.outcome === 'errors') throw new Error(`check-in refused: ${JSON.stringify(result.errors)}`);
    if (this.fake.topView(userId)) await this.sender.closeView({ userId });
    return true;
  }

  teammatesCheckIn(mood: Mood, except?: string): Promise<Outcome> {
    return this.serial(async () => {
      const alliance = this.alliance();
      const pulse = alliance ? this.app.store.pulses.openPulse(alliance.id) : undefined;
      if (!alliance || !pulse) return { ok: false, message: 'No pulse is open. Press “Next pulse” to open one.' };
      const waiting = this.app.store.pulses
        .invitees(pulse.id)
        .filter((id) => id !== except && !this.app.store.pulses.hasParticipated(pulse.id, id) && this.person(id));
      if (waiting.length === 0) return { ok: true, message: 'Your teammates have all checked in already.' };
      const done: string[] = [];
      for (const id of waiting) {
        if (
          await this.checkInAs(
            id,
            mood,
            TEAM.findIndex((p) => p.id === id),
          )
        )
          done.push(id);
      }
      return { ok: true, message: `${this.names(done)} checked in (${mood}).` };
    });
  }

  /** Runs a scripted step through the same queue as clicks (the guided story uses it). */
  script(work: () => Promise<void>): Promise<Outcome> {
    return this.serial(async () => {
      await work();
      return { ok: true };
    });
  }

  /** For the story: moves the clock without going through the queue (it is already inside one). */
  async advanceInScript(step: ClockStep): Promise<void> {
    const now = this.clock.now();
    const target = step === 'day' ? new Date(now.getTime() + 86_400_000) : this.nextAt(step);
    if (target) await this.runUntil(target.getTime() < now.getTime() ? now : target);
  }
}

interface InputBlock {
  blockId: string;
  label: string;
  element: Record<string, unknown>;
  optional: boolean;
}

function inputBlocks(view: FakeView): InputBlock[] {
  const out: InputBlock[] = [];
  for (const b of view.blocks) {
    if (!isObject(b) || b.type !== 'input' || typeof b.block_id !== 'string' || !isObject(b.element)) continue;
    const label = isObject(b.label) && typeof b.label.text === 'string' ? b.label.text : b.block_id;
    out.push({ blockId: b.block_id, label, element: b.element, optional: b.optional === true });
  }
  return out;
}

/**
 * Per mood, each person's rating of the part the team struggles with (the last part rated before
 * "overall"), of the other parts, and overall. Falling from high to mixed is a sharp drop in the
 * strained part; mixed then low keeps it under 3 for two pulses in a row.
 */
const RATINGS: Record<Mood, { strained: number[]; others: number[]; overall: number[] }> = {
  high: { strained: [5, 4, 5, 4, 4], others: [5, 4, 4, 5, 4], overall: [4, 5, 4, 5, 4] },
  mixed: { strained: [3, 2, 3, 2, 3], others: [4, 3, 4, 4, 3], overall: [4, 3, 4, 3, 4] },
  low: { strained: [2, 1, 2, 3, 2], others: [3, 3, 4, 3, 3], overall: [3, 2, 3, 3, 3] },
};

/** What a teammate in this mood enters in the check-in modal, keyed by block_id. */
export function checkInValues(view: FakeView, mood: Mood, index: number): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const comments = MOOD_COMMENTS[mood];
  const blocks = inputBlocks(view);
  const ratings = blocks.filter((b) => b.blockId.startsWith('rating:')).map((b) => b.blockId);
  const overall = ratings.find((id) => id === 'rating:overall');
  const strained = ratings.filter((id) => id !== overall).at(-1);
  const table = RATINGS[mood];
  for (const block of blocks) {
    const id = block.blockId;
    if (id.startsWith('rating:')) {
      const row = id === overall ? table.overall : id === strained ? table.strained : table.others;
      values[id] = String(row[index % row.length] ?? 3);
    } else if (id.startsWith('commitment:')) {
      values[id] =
        mood === 'high'
          ? 'kept'
          : mood === 'mixed'
            ? index % 2
              ? 'at_risk'
              : 'kept'
            : index % 2
              ? 'need_help'
              : 'at_risk';
    } else if (id.startsWith('reservation:')) {
      values[id] = mood === 'high' ? 'no' : 'yes';
    } else if (id === 'checkin.working' && index % 2 === 0) {
      values[id] = comments.working[(index / 2) % comments.working.length] ?? null;
    } else if (id === 'checkin.at_risk' && index % 2 === 1) {
      values[id] = comments.atRisk[Math.floor(index / 2) % comments.atRisk.length] ?? null;
    } else if (!block.optional && block.element.initial_option === undefined) {
      const options = Array.isArray(block.element.options) ? block.element.options : [];
      const first = options.find(isObject);
      if (first && typeof first.value === 'string') values[id] = first.value;
    }
  }
  return values;
}
