import { systemClock } from './clock.js';
import { ConfigError, DEMO_HINT, loadDotEnv, parseConfig } from './config.js';
import { createLogger } from './logger.js';

/** `npm start`: read the configuration, start Alliance, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = parseConfig(process.env);
  // Loaded after the configuration is known to be usable, so a missing variable is reported at once.
  const { startAlliance } = await import('./app.js');
  const logger = createLogger(config.logLevel);
  const running = await startAlliance({ config, clock: systemClock, logger, scheduler: 'cron' });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing in-flight work, then stopping`);
    running.stop().then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Problems the person running Alliance can fix get one sentence, not a stack trace.
  const name = error instanceof Error ? error.name : '';
  if (
    error instanceof Error &&
    (error instanceof ConfigError || name === 'StartupError' || name === 'MigrationError')
  ) {
    process.stderr.write(`${error.message}\n`);
    if (error instanceof ConfigError && error.credentialsMissing) process.stderr.write(`${DEMO_HINT}\n`);
  } else {
    process.stderr.write(
      `Alliance stopped because of an unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  }
  process.exit(1);
});
