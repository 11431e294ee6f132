import type { Logger } from '@slack/bolt';
import cron from 'node-cron';
import type { Clock } from '../clock.js';

export interface MinuteTicker {
  stop(): Promise<void>;
}

/**
 * Calls `tick(now)` at the start of every minute with the real clock. node-cron only triggers;
 * which rows are due is decided by the database, so a tick that is missed (process down) is caught
 * up by the next one. Ticks never overlap; `stop()` waits for the one in flight.
 */
export function startMinuteTicker(clock: Clock, tick: (now: Date) => Promise<unknown>, logger: Logger): MinuteTicker {
  let inFlight: Promise<unknown> = Promise.resolve();
  let running = false;
  const task = cron.schedule(
    '* * * * *',
    () => {
      if (running) return;
      running = true;
      inFlight = tick(clock.now())
        .catch((error: unknown) => logger.error('scheduler: tick failed:', error))
        .finally(() => {
          running = false;
        });
      return inFlight;
    },
    { name: 'alliance-minute-tick', noOverlap: true },
  );
  return {
    async stop() {
      await task.stop();
      await inFlight;
    },
  };
}
