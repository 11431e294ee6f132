/**
 * Paces the direct messages of one workspace. Slack does not publish its workspace-wide limit for
 * chat.postMessage, so the pacer learns it: it sends freely until Slack first answers 429, then
 * spaces calls at a little under what got through in the second before. Every 429 costs a whole
 * Retry-After (the client holds all calls meanwhile), so the pace only creeps up slowly, and after
 * a quiet spell the pacer forgets what it learned and the next fan-out learns afresh.
 *
 * What got through in the last second can overstate the limit by up to twice when Slack counts in
 * fixed windows and the calls straddled two of them; a 429 while already paced says so. Then the
 * pace is cut to under the smallest of: what got through in the last second, what got through
 * since the last pause ended, and nine tenths of the pace that failed, so it settles in one or two
 * steps instead of creeping down one 429 (one Retry-After) at a time. The 429s of calls that were
 * already on their way when Slack first said 429 are one event, not several.
 */
export interface Pacer {
  /** Waits until the next call may go out. */
  acquire(): Promise<void>;
  /** A call was answered. */
  succeeded(): void;
  /** Slack answered 429 with this Retry-After: slow down to what it accepted. */
  rateLimited(retryAfterSeconds?: number): void;
  /** The current pace in calls per second, or null while no limit has been met. */
  rate(): number | null;
}

const WINDOW_MS = 1000;
/** Pace at this share of what got through before the 429, to stay clear of the edge. */
const BACK_OFF = 0.95;
/** A pace that met a 429 is cut to at most this share of itself. */
const PACED_CUT = 0.9;
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
  /** Until when Slack asked us to wait after the last 429; 429s before then belong to that one. */
  let pausedUntil = Number.NEGATIVE_INFINITY;
  const answered: number[] = [];

  const forget = (now: number) => {
    while (answered.length > 0 && answered[0]! <= now - WINDOW_MS) answered.shift();
  };

  return {
    async acquire() {
      const now = clock.now();
      if (now - lastCall >= FORGET_AFTER_MS) {
        rate = null;
        pausedUntil = Number.NEGATIVE_INFINITY;
      }
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
    rateLimited(retryAfterSeconds = 1) {
      const now = clock.now();
      forget(now);
      if (now < pausedUntil) return;
      let estimate = answered.length;
      if (rate !== null) {
        const sincePause = answered.filter((at) => at >= pausedUntil).length;
        estimate = Math.min(estimate, sincePause, rate * PACED_CUT);
      }
      const learned = Math.max(FLOOR_PER_SECOND, Math.floor(estimate * BACK_OFF));
      rate = rate === null ? learned : Math.max(learned, Math.floor(rate / 2), FLOOR_PER_SECOND);
      lastCreep = now;
      pausedUntil = now + Math.max(0, retryAfterSeconds) * 1000;
      // Slack's Retry-After holds the calls for now; pacing starts from there.
      nextSlot = now;
    },
    rate: () => rate,
  };
}
