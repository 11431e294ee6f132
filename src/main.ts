import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunningAlliance } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, DEMO_HINT, loadDotEnv, parseConfig } from './config.js';
import { openDatabaseAndServer } from './health.js';
import { type AppLogger, createLogger } from './logger.js';

/**
 * `npm run demo` needs the sources and the development dependencies; a production install (the
 * container image) has neither, so it is not suggested there.
 */
function demoIsHere(): boolean {
  try {
    import.meta.resolve('tsx');
  } catch {
    return false;
  }
  return existsSync(fileURLToPath(new URL('../src/demo/main.ts', import.meta.url)));
}

/** `npm start`: read the configuration, start Alliance, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // Listening from the first moment: a signal that arrives while Alliance starts (waiting for Slack,
  // say) stops it too, instead of killing it without a word or being missed.
  let running: RunningAlliance | undefined;
  let logger: AppLogger | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!running) {
      // Nothing has been handed any work yet: stop at once (SQLite rolls back anything unfinished).
      process.stdout.write(`${signal} received while starting: stopped\n`);
      process.exit(0);
    }
    logger?.info(`${signal} received: finishing in-flight work, then stopping`);
    running.stop().then(
      () => {
        logger?.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger?.error('error while stopping:', error);
        process.exit(1);
      },
    );
  };
  // `once`: a second signal while stopping ends the process at once.
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  loadDotEnv();
  const config = parseConfig(process.env);
  logger = createLogger(config.logLevel);
  // The database first, then /healthz on PORT, before Bolt and the rest are even loaded: a process
  // manager sees Alliance answer at once, and a database or port problem is told without delay.
  const opened = await openDatabaseAndServer(config, systemClock.now(), logger);
  const { startAlliance } = await import('./app.js');
  running = await startAlliance({ config, clock: systemClock, logger, scheduler: 'cron', opened });
}

main().catch((error: unknown) => {
  // Problems the person running Alliance can fix get one sentence, not a stack trace.
  const name = error instanceof Error ? error.name : '';
  if (
    error instanceof Error &&
    (error instanceof ConfigError || name === 'StartupError' || name === 'MigrationError')
  ) {
    process.stderr.write(`${error.message}\n`);
    if (error instanceof ConfigError && error.credentialsMissing && demoIsHere())
      process.stderr.write(`${DEMO_HINT}\n`);
  } else {
    process.stderr.write(
      `Alliance stopped because of an unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
