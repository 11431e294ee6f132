import { describe, expect, it } from 'vitest';
import { createPacer } from '../../src/slack/pacer.js';

/** A clock that only moves when the pacer sleeps or the test says so. */
function fakeClock(start = 0) {
  let now = start;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), advance: (ms: number) => void (now += ms) };
}

describe('the DM pacer', () => {
  it('does not hold calls back until Slack first pushes back', async () => {
    const clock = fakeClock();
    const pacer = createPacer(clock);
    for (let i = 0; i < 500; i++) {
      await pacer.acquire();
      pacer.succeeded();
    }
    expect(clock.now()).toBe(0);
    expect(pacer.rate()).toBeNull();
  });

  it('after a 429, spaces calls at a little under what got through in the last second', async () => {
    const clock = fakeClock();
    const pacer = createPacer(clock);
    for (let i = 0; i < 100; i++) {
      await pacer.acquire();
      pacer.succeeded();
      clock.advance(1);
    }
    pacer.rateLimited();
    expect(pacer.rate()).toBe(95);
    const started = clock.now();
    for (let i = 0; i < 95; i++) await pacer.acquire();
    // 95 calls at 95 per second take just under a second: never a burst into the limit again.
    expect(clock.now() - started).toBeGreaterThan(980);
    expect(clock.now() - started).toBeLessThan(1000);
  });

  it('never drops below five calls a second, and creeps back up slowly while Slack keeps accepting', async () => {
    const clock = fakeClock();
    const pacer = createPacer(clock);
    await pacer.acquire();
    pacer.rateLimited();
    expect(pacer.rate()).toBe(5);
    for (let i = 0; i < 5 * 59; i++) await pacer.acquire(); // five a second, for a minute
    expect(pacer.rate()).toBe(6);
  });

  it('forgets the learned pace after a quiet minute, so the next fan-out learns afresh', async () => {
    const clock = fakeClock();
    const pacer = createPacer(clock);
    await pacer.acquire();
    pacer.rateLimited();
    expect(pacer.rate()).toBe(5);
    clock.advance(60_000);
    const before = clock.now();
    await pacer.acquire();
    await pacer.acquire();
    expect(pacer.rate()).toBeNull();
    expect(clock.now()).toBe(before);
  });
});
