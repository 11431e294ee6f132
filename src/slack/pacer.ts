/**
 * Paces the direct messages of one workspace. Slack does not publish its workspace-wide limit for
 * chat.postMessage, so the pacer learns it: it sends freely until Slack first answers 429, then
 * spaces calls at a little under what got through in the second before. Every 429 costs a whole
 * Retry-After (the client holds all calls meanwhile), so the pace only creeps up slowly, and after
 * a quiet spell the pacer forgets what it learned and the next fan-out learns afresh.
 */
export interface Pacer {
  /** Waits until the next call may go out. */
  acquire(): Promise<void>;
  /** A call was answered. */
  succeeded(): void;
  /** Slack answered 429: slow down to what it accepted. */
  rateLimited(): void;
  /** The current pace in calls per second, or null while no limit has been met. */
  rate(): number | null;
}

const WINDOW_MS = 1000;
/** Pace at this share of what got through before the 429, to stay clear of the edge. */
const BACK_OFF = 0.95;
/**
 * Never slower than this: a 429 after only a few calls means someone else used the workspace's
 * budget, and Slack's limit for posting is, in practice, several messages a second.
 */
const FLOOR_PER_SECOND = 5;
/** One more call per second for each this long without a 429. */
const CREEP_EVERY_MS = 30_000;
/** After this long without a call, the limit is learned again. */
const FORGET_AFTER_MS = 60_000;

export function createPacer(clock: { now(): number; sleep(ms: number): Promise<void> }): Pacer {
  let rate: number | null = null;
  let nextSlot = 0;
  let lastCreep = 0;
  let lastCall = Number.NEGATIVE_INFINITY;
  const answered: number[] = [];

  const forget = (now: number) => {
    while (answered.length > 0 && answered[0]! <= now - WINDOW_MS) answered.shift();
  };

  return {
    async acquire() {
      const now = clock.now();
      if (now - lastCall >= FORGET_AFTER_MS) rate = null;
      lastCall = now;
      if (rate === null) return;
      if (now - lastCreep >= CREEP_EVERY_MS) {
        rate += Math.floor((now - lastCreep) / CREEP_EVERY_MS);
        lastCreep = now;
      }
      const slot = Math.max(now, nextSlot);
      nextSlot = slot + WINDOW_MS / rate;
      if (slot > now) await clock.sleep(slot - now);
    },
    succeeded() {
      const now = clock.now();
      answered.push(now);
      forget(now);
    },
    rateLimited() {
      const now = clock.now();
      forget(now);
      rate = Math.max(FLOOR_PER_SECOND, Math.floor(answered.length * BACK_OFF));
      lastCreep = now;
      // Slack's Retry-After holds the calls for now; pacing starts from there.
      nextSlot = now;
    },
    rate: () => rate,
  };
}
