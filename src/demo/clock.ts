import { type Clock, realTimer, type Timer } from '../clock.js';

export interface MovableClock extends Clock {
  /** Jumps to `at`; time then runs on from there at real speed. */
  set(at: Date): void;
}

/**
 * The demo's time: it runs at real speed (so a trigger_id still expires after three real seconds,
 * as in Slack) and jumps forward when the person presses "next pulse" or "+1 day".
 */
export function movableClock(start: Date, timer: Timer = realTimer): MovableClock {
  let base = start.getTime();
  let anchor = timer.now();
  return {
    now: () => new Date(base + Math.floor(timer.now() - anchor)),
    set: (at) => {
      base = at.getTime();
      anchor = timer.now();
    },
  };
}
