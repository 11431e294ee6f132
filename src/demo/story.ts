/**
 * The guided story (`npm run demo -- --story`): a team's first month with Alliance, played through
 * the same Slack UI a person uses, then left open for browsing.
 */
import { ACTIONS, RESERVATION_BLOCKS, SETUP_BLOCKS, SNOOZE_BLOCKS, VIEWS } from '../slack/ids.js';
import { CHANNEL, type Mood, TEAM } from './team.js';
import type { DemoWorkspace } from './workspace.js';

export interface StoryStep {
  title: string;
  state: 'waiting' | 'playing' | 'done' | 'failed';
}

const ALICE = 'UALICE';
const BRUNO = 'UBRUNO';
const CHEN = 'UCHEN';
const DANA = 'UDANA';

const hasAction = (blocks: unknown[], actionId: string) => JSON.stringify(blocks).includes(`"action_id":"${actionId}"`);

export class Story {
  readonly steps: StoryStep[];
  private readonly plays: (() => Promise<void>)[];

  constructor(
    private readonly demo: DemoWorkspace,
    private readonly pauseMs = 0,
  ) {
    const script: [string, () => Promise<void>][] = [
      ['Alice starts an alliance in #product-team', () => this.start()],
      ['Everyone answers the prompts in their own time', () => this.everyoneAnswers()],
      ['Dana raises a reservation, then everyone agrees: version 1 is in effect', () => this.everyoneAgrees(true)],
      ['Week 1: the first pulse, and the team feels good', () => this.pulseWeek('high')],
      ['Week 2: the scores slip; Alice quiets the signal for now', () => this.slip()],
      ['Week 3: the scores fall, and Alliance raises a signal', () => this.pulseWeek('low')],
      ['Bruno starts a renegotiation from the signal', () => this.renegotiate()],
      ['Everyone revisits their answers; Chen proposes a new ground rule', () => this.everyoneRevisits()],
      ['Everyone agrees to version 2', () => this.everyoneAgrees(false)],
      ["Monday's digest, with the trend chart in its thread", () => this.demo.advanceInScript('digest')],
    ];
    this.steps = script.map(([title]) => ({ title, state: 'waiting' }));
    this.plays = script.map(([, play]) => play);
  }

  get finished(): boolean {
    return this.steps.every((s) => s.state === 'done');
  }

  async play(): Promise<void> {
    for (const [i, step] of this.steps.entries()) {
      step.state = 'playing';
      this.demo.revision += 1;
      const outcome = await this.demo.script(async () => {
        await this.plays[i]!();
      });
      step.state = outcome.ok ? 'done' : 'failed';
      if (!outcome.ok) throw new Error(`The story stopped at “${step.title}”: ${outcome.message ?? ''}`);
      if (this.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.pauseMs));
    }
    this.demo.revision += 1;
  }

  private get store() {
    return this.demo.app.store;
  }

  private async start(): Promise<void> {
    const { sender } = this.demo;
    await sender.command({ userId: ALICE, channelId: CHANNEL.id, text: 'start Product team alliance' });
    const setup = await sender.submitView({
      userId: ALICE,
      values: { [SETUP_BLOCKS.members]: TEAM.map((p) => p.id) },
    });
    if (setup.outcome !== 'updated') throw new Error(`setup was refused: ${JSON.stringify(setup.errors)}`);
    await sender.submitView({ userId: ALICE });
  }

  private async everyoneAnswers(): Promise<void> {
    for (const person of TEAM) await this.demo.answerPrompts(person.id);
  }

  private async everyoneAgrees(withReservation: boolean): Promise<void> {
    const alliance = this.demo.alliance();
    const version = alliance ? this.store.agreements.proposedVersion(alliance.id) : undefined;
    if (!version) throw new Error('no version is waiting for consent');
    if (withReservation) {
      const post = this.store.agreements.posts(version.id).find((p) => p.part === 0 && p.recipientId === null);
      if (post) {
        await this.demo.sender.clickButton({
          userId: DANA,
          channelId: post.channelId,
          ts: post.ts,
          actionId: ACTIONS.reservations,
        });
        if (this.demo.fake.topView(DANA)?.callback_id === VIEWS.reservation) {
          await this.demo.sender.submitView({
            userId: DANA,
            values: {
              [RESERVATION_BLOCKS.concern]: 'Friday demos could eat the focus time we promise each other.',
              [RESERVATION_BLOCKS.watch]: 'Ask about it in the pulses for a month.',
            },
          });
        }
      }
    }
    for (const person of TEAM) await this.demo.agreeAs(person.id);
  }

  private async pulseWeek(mood: Mood): Promise<void> {
    await this.demo.advanceInScript('pulse');
    for (const [i, person] of TEAM.entries()) await this.demo.checkInAs(person.id, mood, i);
    await this.demo.advanceInScript('close');
  }

  private latestFlag(): { ts: string } | undefined {
    return this.demo.fake
      .messages(CHANNEL.id)
      .filter((m) => m.thread_ts === undefined && hasAction(m.blocks, ACTIONS.startRenegotiation))
      .at(-1);
  }

  private async slip(): Promise<void> {
    await this.pulseWeek('mixed');
    const flag = this.latestFlag();
    if (!flag) return;
    await this.demo.sender.clickButton({ userId: ALICE, channelId: CHANNEL.id, ts: flag.ts, actionId: ACTIONS.notNow });
    if (this.demo.fake.topView(ALICE)?.callback_id === VIEWS.snooze) {
      await this.demo.sender.submitView({
        userId: ALICE,
        values: { [SNOOZE_BLOCKS.reason]: 'Two of us were on holiday; let us see how the next weeks go.' },
      });
    }
  }

  private async renegotiate(): Promise<void> {
    const flag = this.latestFlag();
    if (!flag) throw new Error('no renegotiation signal was raised');
    await this.demo.sender.clickButton({
      userId: BRUNO,
      channelId: CHANNEL.id,
      ts: flag.ts,
      actionId: ACTIONS.startRenegotiation,
    });
  }

  private async everyoneRevisits(): Promise<void> {
    for (const person of TEAM) {
      const changes: Record<string, string> =
        person.id === CHEN
          ? {
              'behavior.ground_rules':
                'Decisions are made in writing, in a thread everyone can join, and wait a day for every time zone.',
            }
          : {};
      await this.demo.answerPrompts(person.id, changes);
    }
  }
}
