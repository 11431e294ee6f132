import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

const key = randomBytes(32);
const oauth = {
  SLACK_CLIENT_ID: '1234567890.0987654321',
  SLACK_CLIENT_SECRET: 'abcdef0123456789abcdef0123456789',
  SLACK_STATE_SECRET: 'a-long-random-state-secret',
  INSTALLATION_ENCRYPTION_KEY: key.toString('base64'),
  SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
};

function failure(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration for many workspaces (OAuth)', () => {
  it('reads the OAuth variables, with the documented defaults', () => {
    const config = parseConfig(oauth);
    expect(config).toEqual({
      port: 3000,
      databasePath: 'data/alliance.db',
      slackApiUrl: undefined,
      logLevel: 'info',
      slack: { signingSecret: oauth.SLACK_SIGNING_SECRET },
      oauth: {
        clientId: oauth.SLACK_CLIENT_ID,
        clientSecret: oauth.SLACK_CLIENT_SECRET,
        stateSecret: oauth.SLACK_STATE_SECRET,
        encryptionKey: key,
        previousEncryptionKey: undefined,
        authorizeUrl: 'https://slack.com/oauth/v2/authorize',
        uninstallGraceDays: 30,
      },
    });
  });

  it('takes a key as hex too, a previous key, another authorize URL and grace period', () => {
    const previous = randomBytes(32);
    const config = parseConfig({
      ...oauth,
      INSTALLATION_ENCRYPTION_KEY: key.toString('hex'),
      INSTALLATION_ENCRYPTION_KEY_PREVIOUS: previous.toString('base64url'),
      SLACK_OAUTH_AUTHORIZE_URL: 'http://127.0.0.1:4000/oauth/v2/authorize',
      UNINSTALL_GRACE_DAYS: '7',
    });
    expect(config).toMatchObject({
      oauth: {
        encryptionKey: key,
        previousEncryptionKey: previous,
        authorizeUrl: 'http://127.0.0.1:4000/oauth/v2/authorize',
        uninstallGraceDays: 7,
      },
    });
  });

  it('names what is missing, pointing at the README section, never echoing a value', () => {
    const error = failure({ SLACK_CLIENT_ID: oauth.SLACK_CLIENT_ID });
    expect(error.message).toBe(
      "Alliance cannot start: set SLACK_CLIENT_SECRET and SLACK_STATE_SECRET and INSTALLATION_ENCRYPTION_KEY and SLACK_SIGNING_SECRET in the environment or in .env (see 'One workspace or many' in README.md).",
    );
    expect(error.credentialsMissing).toBe(false);
  });

  it.each([
    [
      'a key that is not 32 bytes',
      { INSTALLATION_ENCRYPTION_KEY: 'c2hvcnQ=' },
      /INSTALLATION_ENCRYPTION_KEY must be 32 random bytes/,
    ],
    [
      'a previous key that is not one',
      { INSTALLATION_ENCRYPTION_KEY_PREVIOUS: 'not a key' },
      /INSTALLATION_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes/,
    ],
    ['a client id that is not one', { SLACK_CLIENT_ID: 'alliance' }, /SLACK_CLIENT_ID must be the Client ID/],
    ['a short state secret', { SLACK_STATE_SECRET: 'short' }, /SLACK_STATE_SECRET must be at least 16 characters/],
    ['a grace period that is not days', { UNINSTALL_GRACE_DAYS: '1.5' }, /UNINSTALL_GRACE_DAYS must be a whole number/],
    [
      'an authorize URL that is not one',
      { SLACK_OAUTH_AUTHORIZE_URL: 'slack' },
      /SLACK_OAUTH_AUTHORIZE_URL must be an http/,
    ],
    [
      'a bot token as well',
      { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' },
      /SLACK_BOT_TOKEN is set together with the OAuth variables; set SLACK_BOT_TOKEN for one workspace, or/,
    ],
    ['Socket Mode as well', { SLACK_APP_TOKEN: 'xapp-1-A1-2-abc' }, /SLACK_APP_TOKEN is set together with the OAuth/],
  ])('explains %s in one sentence', (_what, change, message) => {
    const error = failure({ ...oauth, ...change });
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^Alliance cannot start: [^\n]+\.$/);
    for (const value of Object.values(change)) if (value.length > 6) expect(error.message).not.toContain(value);
    expect(error.message).not.toContain(oauth.SLACK_CLIENT_SECRET);
  });

  it('stays a single-workspace configuration when no OAuth variable is set (blank ones count as unset)', () => {
    const config = parseConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: oauth.SLACK_SIGNING_SECRET,
      SLACK_CLIENT_ID: '',
      INSTALLATION_ENCRYPTION_KEY: '',
    });
    expect('oauth' in config).toBe(false);
    expect(config.slack.botToken).toBe('xoxb-1-2-abc');
  });
});
