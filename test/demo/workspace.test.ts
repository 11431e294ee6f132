import { afterEach, describe, expect, it } from 'vitest';
import { buildPage } from '../../src/demo/page.js';
import { Story } from '../../src/demo/story.js';
import { CHANNEL } from '../../src/demo/team.js';
import { DemoWorkspace } from '../../src/demo/workspace.js';
import { tempDir } from '../support/temp-db.js';

const MONDAY = new Date('2026-01-05T08:00:00Z'); // 09:00 in Berlin

describe('the demo workspace (the real app behind the simulated Slack)', () => {
  let demo: DemoWorkspace | undefined;
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await demo?.stop();
    dir?.cleanup();
  });

  async function start(): Promise<DemoWorkspace> {
    dir = tempDir('alliance-demo-');
    demo = await DemoWorkspace.start({ start: MONDAY, databasePath: dir.file('demo.db') });
    return demo;
  }

  it('says what the clock cannot do yet, and lets a day go by', async () => {
    const d = await start();
    expect(await d.advance('pulse')).toEqual({
      ok: false,
      message:
        'No pulse is scheduled yet. Pulses start once everyone has agreed to the alliance: start one with /alliance start.',
    });
    expect(await d.teammatesCheckIn('high', 'UALICE')).toMatchObject({ ok: false });
    expect(await d.advance('day')).toEqual({
      ok: true,
      message: 'A day went by; whatever was due on the way has run.',
    });
    expect(d.clock.now().getTime() - MONDAY.getTime()).toBeGreaterThanOrEqual(86_400_000);
    expect(d.clock.now().getTime() - MONDAY.getTime()).toBeLessThan(86_400_000 + 60_000);
  });

  it('plays the guided story through Slack: version 2 agreed after a flag, and a digest with its chart', async () => {
    const d = await start();
    const story = new Story(d);
    await story.play();
    expect(story.steps.map((s) => s.state)).toEqual(story.steps.map(() => 'done'));

    const alliance = d.alliance()!;
    expect(alliance.status).toBe('active');
    expect(d.app.store.agreements.versions(alliance.id).map((v) => [v.number, v.status])).toEqual([
      [1, 'superseded'],
      [2, 'active'],
    ]);
    expect(d.app.store.flags.all(alliance.id).map((f) => [f.kind, f.state])).toEqual([
      ['sharpDrop', 'snoozed'],
      ['lowScores', 'resolved'],
    ]);
    // Three weeks of pulses, everyone answering, scores falling.
    const pulses = d.app.store.pulses.closedPulses(alliance.id, 10);
    expect(pulses).toHaveLength(3);

    // The last digest is in the channel, with the trend chart (a PNG) in its thread.
    const digests = d.fake.messages(CHANNEL.id).filter((m) => !m.thread_ts && m.text.startsWith("How we're doing"));
    const last = digests.at(-1)!;
    const chart = d.fake.files().find((f) => f.thread_ts === last.ts);
    expect(chart?.bytes?.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

    // What Bruno sees: the digest in the channel, its chart in the thread, times in São Paulo.
    const page = buildPage(d, { viewer: 'UBRUNO', conversation: CHANNEL.id, thread: last.ts });
    expect(page.viewer.city).toBe('São Paulo');
    expect(page.conversation.html).toContain('How we&#39;re doing: Product team alliance');
    expect(page.conversation.html).toContain('Renegotiating: Product team alliance');
    expect(page.thread?.html).toContain(`<img src="/files/${chart!.id}"`);
    expect(page.clock.zone).toBe('São Paulo time');
    expect(page.clock.time).toBe('5:30 AM');
    expect(page.modal).toBeNull();
  });
});
