/**
 * `npm run demo`: the real Alliance app behind a simulated Slack workspace, in the browser.
 * No Slack credentials, no configuration. `-- --story` plays a team's first month first;
 * `-- --port N` chooses the page's port.
 */
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { systemClock } from '../clock.js';
import { startDemoServer } from './server.js';
import { Story } from './story.js';
import { DemoWorkspace } from './workspace.js';

const DEFAULT_PORT = 3100;

function parseArgs(argv: readonly string[]): { story: boolean; port: number } {
  let story = false;
  let port = DEFAULT_PORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--story') story = true;
    else if (arg === '--port') {
      port = Number(argv[++i]);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port takes a port number.');
    } else throw new UsageError(`Unknown option ${arg}: use --story, --port N, or nothing.`);
  }
  return { story, port };
}

class UsageError extends Error {}

/** Monday 09:00 in Berlin, this week: the team's week starts as the demo does. */
function mondayMorning(now: Date): Date {
  return DateTime.fromJSDate(now, { zone: 'Europe/Berlin' }).startOf('week').set({ hour: 9, minute: 0 }).toJSDate();
}

async function main(): Promise<void> {
  const { story: playStory, port } = parseArgs(process.argv.slice(2));
  const databasePath = join('data', 'demo', 'alliance.db');
  const demo = await DemoWorkspace.start({
    start: mondayMorning(systemClock.now()),
    databasePath,
    logLevel: 'info',
    // The page has the full log; the terminal only shows what went wrong.
    echo: (line, isError) => {
      if (isError) process.stderr.write(`${line}\n`);
    },
  });
  const story = playStory ? new Story(demo, 600) : undefined;
  const server = await startDemoServer(demo, { port, story: () => story });
  process.stdout.write(
    [
      '',
      'Alliance demo: the real app, a simulated Slack workspace, five teammates and a clock you can move.',
      `Open ${server.url} in your browser.`,
      `(Its database is ${databasePath}; it starts afresh each time. Ctrl+C stops the demo.)`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.all([server.close(), demo.stop()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (story) {
    process.stdout.write('Playing the story: a team’s first month, step by step (watch it in the page).\n');
    try {
      await story.play();
      process.stdout.write(
        'The story is over and the workspace is yours: switch people, move the clock, click around.\n',
      );
    } catch (error) {
      // The workspace stays open as far as the story got, so what went wrong can be looked at.
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `The demo stopped because of an unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
