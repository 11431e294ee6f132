/**
 * The only module that reads the system clock. Everything else receives a `Clock` (or an instant)
 * so that tests, the tick command and the in-process scheduler all run the same code at chosen times.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock that stays where it is put; used by tests and by `npm run tick -- --at`. */
export function fixedClock(at: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = new Date(at.getTime());
  return {
    now: () => new Date(current.getTime()),
    set: (next) => {
      current = new Date(next.getTime());
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/**
 * Elapsed real time, for pacing calls to Slack (how long to wait before the next message), as
 * opposed to the instants the app reasons about. Monotonic, so a clock change cannot stall it.
 */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
