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

/**
 * A fan-out against a simulated Slack that counts calls in fixed one-second windows (any phase)
 * and answers 429 with a whole-second Retry-After, during which the client holds every call, as
 * the Web API client does. Simulated time: nothing here waits for real.
 */
async function fanOut(options: { calls: number; limit: number; workers: number; latencyMs: number; phaseMs: number }) {
  let now = 100_000;
  const timers: { at: number; order: number; fire: () => void }[] = [];
  let order = 0;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => timers.push({ at: now + Math.max(0, ms), order: order++, fire: resolve }));
  const pacer = createPacer({ now: () => now, sleep });
  let windowStart = Number.NEGATIVE_INFINITY;
  let inWindow = 0;
  let heldUntil = Number.NEGATIVE_INFINITY;
  let pauses = 0;
  const answeredAt: number[] = [];
  const call = async () => {
    for (;;) {
      while (now < heldUntil) await sleep(heldUntil - now);
      const start = Math.floor((now - options.phaseMs) / 1000) * 1000 + options.phaseMs;
      if (start !== windowStart) [windowStart, inWindow] = [start, 0];
      inWindow += 1;
      const retryAfter = inWindow > options.limit ? Math.max(1, Math.ceil((start + 1000 - now) / 1000)) : 0;
      await sleep(options.latencyMs);
      if (retryAfter === 0) return void answeredAt.push(now);
      if (now >= heldUntil) pauses += 1;
      pacer.rateLimited(retryAfter);
      heldUntil = Math.max(heldUntil, now + retryAfter * 1000);
      await sleep(retryAfter * 1000 + 75);
    }
  };
  let next = 0;
  const worker = async () => {
    for (; next < options.calls; next += 1) {
      await pacer.acquire();
      await call();
      pacer.succeeded();
    }
  };
  let done = false;
  const started = now;
  void Promise.all(Array.from({ length: options.workers }, worker)).then(() => {
    done = true;
  });
  while (!done) {
    await new Promise((resolve) => setImmediate(resolve));
    if (done) break;
    timers.sort((a, b) => a.at - b.at || a.order - b.order);
    const timer = timers.shift();
    if (!timer) throw new Error('the fan-out stalled');
    now = Math.max(now, timer.at);
    timer.fire();
  }
  return { ratio: ((answeredAt.at(-1) ?? now) - started) / ((options.calls / options.limit) * 1000), pauses };
}

describe('the DM pacer against fixed rate-limit windows', () => {
  it.each([2, 10])(
    'finishes 2,000 calls within 1.12 × what the limit allows at best, with at most three pauses, whatever the windows’ phase (%i ms per call)',
    async (latencyMs) => {
      for (let phaseMs = 0; phaseMs < 1000; phaseMs += 100) {
        const run = await fanOut({ calls: 2000, limit: 100, workers: 4, latencyMs, phaseMs });
        expect(run.ratio, `phase ${phaseMs} ms`).toBeLessThanOrEqual(1.12);
        expect(run.pauses, `phase ${phaseMs} ms`).toBeLessThanOrEqual(3);
      }
    },
  );

  it('after a 429 while already paced, cuts below the failed pace at once, not one Retry-After at a time', async () => {
    const clock = fakeClock();
    const pacer = createPacer(clock);
    // A free burst that straddled two of Slack's windows: 130 got through in the last second.
    for (let i = 0; i < 130; i++) {
      await pacer.acquire();
      pacer.succeeded();
      clock.advance(7);
    }
    pacer.rateLimited(1);
    expect(pacer.rate()).toBe(123);
    // The calls already on their way meet the same 429: one event, not four.
    pacer.rateLimited(1);
    pacer.rateLimited(1);
    expect(pacer.rate()).toBe(123);
    clock.advance(1000);
    // A second and a half at that pace (the pacer's own waits move the clock), then a 429 again:
    // about 123 got through in the last second, but the pace itself was too fast.
    for (let i = 0; i < 185; i++) {
      await pacer.acquire();
      pacer.succeeded();
    }
    pacer.rateLimited(1);
    // At most 0.95 × 0.9 × 123, not 0.95 × 123: one more step down, not several.
    expect(pacer.rate()).toBeLessThanOrEqual(105);
    expect(pacer.rate()).toBeGreaterThanOrEqual(61);
  });
});
