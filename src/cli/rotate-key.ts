import { systemClock } from '../clock.js';
import { ConfigError, loadDotEnv, parseKeyConfig } from '../config.js';
import { rekeyInstallations } from '../services/installations.js';
import { createTokenVault } from '../services/token-vault.js';
import { prepareDatabase } from '../startup-checks.js';
import { createStore } from '../store/index.js';

/**
 * `npm run rotate-key`: re-seals every Slack token stored at DATABASE_PATH under
 * INSTALLATION_ENCRYPTION_KEY, opening what the old key sealed with INSTALLATION_ENCRYPTION_KEY_PREVIOUS.
 * Safe while Alliance runs (with both keys set). Exit codes: 0 done; 1 it could not be done.
 */

const USAGE = `usage: npm run rotate-key

Re-seals every Slack token in the database at DATABASE_PATH under INSTALLATION_ENCRYPTION_KEY.
Set the old key as INSTALLATION_ENCRYPTION_KEY_PREVIOUS first (for this command and for the running
app); once this has run, INSTALLATION_ENCRYPTION_KEY_PREVIOUS can be removed.
See 'Rotating the encryption key' in README.md.`;

function main(): number {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  loadDotEnv();
  const config = parseKeyConfig(process.env);
  const db = prepareDatabase(config.databasePath, systemClock.now());
  try {
    const store = createStore(db);
    const vault = createTokenVault({ current: config.encryptionKey, previous: config.previousEncryptionKey });
    const { resealed, current } = rekeyInstallations(store, vault);
    // The copies sealed under the old key must not stay behind in the write-ahead log.
    store.truncateWal();
    process.stdout.write(
      `Re-sealed ${resealed} installation(s) under the current INSTALLATION_ENCRYPTION_KEY; ${current} already were. ${
        resealed + current > 0 ? 'INSTALLATION_ENCRYPTION_KEY_PREVIOUS can now be removed.' : 'Nothing is stored yet.'
      }\n`,
    );
    return 0;
  } finally {
    db.close();
  }
}

try {
  process.exit(main());
} catch (error) {
  const name = error instanceof Error ? error.name : '';
  if (error instanceof ConfigError || name === 'StartupError' || name === 'MigrationError') {
    process.stderr.write(`${(error as Error).message}\n`);
  } else {
    process.stderr.write(
      `The tokens could not be re-sealed: ${error instanceof Error ? error.message : String(error)}.\n`,
    );
  }
  process.exit(1);
}
