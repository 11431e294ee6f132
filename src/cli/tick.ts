import { parseArgs } from 'node:util';
import { z } from 'zod';
import { systemClock } from '../clock.js';
import { ConfigError, loadDotEnv, parseTickConfig } from '../config.js';
import { createLogger } from '../logger.js';

/**
 * `npm run tick -- --at <ISO-8601>`: runs, once, exactly what the in-process minute tick runs, as if
 * the time were `--at` (default: now), against DATABASE_PATH. Useful after downtime, from an
 * external scheduler, and in tests.
 * Exit codes: 0 done; 1 configuration or database problem; 2 invalid arguments.
 */

const instantSchema = z.iso.datetime({ offset: true });

const USAGE = `usage: npm run tick [-- --at <instant>]

Runs, once, what the minute tick of npm start runs: every job and direct message due at <instant>,
against DATABASE_PATH (default data/alliance.db), then exits.

  --at <instant>  an ISO-8601 instant with a time zone, such as 2026-01-05T09:00:00Z (default: now)
  --help          this text

Exit codes: 0 done (or nothing due); 1 a job failed, or the configuration or database is unusable;
2 invalid arguments. SLACK_BOT_TOKEN is needed only when something due talks to Slack.`;

/** The instant to tick at, or 'help'. */
function parseInstant(argv: string[]): Date | 'help' {
  let values: { at?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { at: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Usage: npm run tick -- --at 2026-01-05T09:00:00Z`);
  }
  if (values.help) return 'help';
  if (values.at === undefined) return systemClock.now();
  if (!instantSchema.safeParse(values.at).success) {
    throw new UsageError(
      `--at must be an ISO-8601 instant with a time zone, such as 2026-01-05T09:00:00Z or ` +
        `2026-01-05T10:00:00+01:00 (got "${values.at.slice(0, 60)}").`,
    );
  }
  return new Date(values.at);
}

class UsageError extends Error {}

async function main(): Promise<number> {
  let at: Date;
  try {
    const parsed = parseInstant(process.argv.slice(2));
    if (parsed === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    at = parsed;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  loadDotEnv();
  // The tick only needs Slack when something is due; a missing token is reported by the job that needs it.
  const { botToken, signingSecret, oauth, ...runtime } = parseTickConfig(process.env);
  const logger = createLogger(runtime.logLevel, 'alliance-tick');
  const { runTickOnce } = await import('./tick-once.js');
  const report = await runTickOnce({ runtime, botToken, signingSecret, oauth, at, logger });
  const summary =
    report.ran.length === 0
      ? 'nothing was due'
      : `${report.ran.length} job(s) ran: ${report.ran.map((r) => `${r.kind}=${r.outcome}`).join(', ')}`;
  logger.info(`tick at ${at.toISOString()}: ${summary}`);
  return report.ran.some((r) => r.outcome === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const name = error instanceof Error ? error.name : '';
    if (error instanceof ConfigError || name === 'MigrationError' || name === 'StartupError')
      process.stderr.write(`${(error as Error).message}\n`);
    else process.stderr.write(`tick failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
