// The floor the startup benchmark measures `npm run tick` and `npm start` against: a plain node
// process that opens the same SQLite file with better-sqlite3, reads from it, loads the Slack Web
// API client and exits. Plain JavaScript, so nothing is compiled or transformed on the way.

import { WebClient } from '@slack/web-api';
import Database from 'better-sqlite3';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: node tick-floor.mjs <database file>\n');
  process.exit(2);
}
const db = new Database(path, { fileMustExist: true });
db.prepare('SELECT count(*) FROM sqlite_master').get();
new WebClient(undefined, { slackApiUrl: 'http://127.0.0.1:9/api/' });
db.close();
