import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseTickConfig } from '../src/config.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
  SLACK_SIGNING_SECRET: '0123456789abcdef0123456789abcdef',
};

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig(valid);
    expect(config).toEqual({
      port: 3000,
      databasePath: 'data/alliance.db',
      slackApiUrl: undefined,
      logLevel: 'info',
      slack: { botToken: 'xoxb-1-2-abc', signingSecret: '0123456789abcdef0123456789abcdef', appToken: undefined },
    });
  });

  it('reads every variable, and Socket Mode when an app token is set', () => {
    const config = parseConfig({
      ...valid,
      SLACK_APP_TOKEN: 'xapp-1-A1-2-abc',
      PORT: '8080',
      DATABASE_PATH: '/var/lib/alliance/db.sqlite',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      port: 8080,
      databasePath: '/var/lib/alliance/db.sqlite',
      slackApiUrl: 'http://127.0.0.1:9999/api/',
      logLevel: 'debug',
      slack: { appToken: 'xapp-1-A1-2-abc' },
    });
  });

  it('treats blank values as unset', () => {
    expect(parseConfig({ ...valid, SLACK_APP_TOKEN: '', PORT: '', SLACK_API_URL: '' })).toMatchObject({
      port: 3000,
      slackApiUrl: undefined,
      slack: { appToken: undefined },
    });
  });

  const failures: [string, Record<string, string>, RegExp][] = [
    [
      'nothing set',
      {},
      /^Alliance cannot start: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET in the environment or in \.env \(see 'Quick start' in README\.md to create the Slack app from manifest\.json\)\.$/,
    ],
    ['signing secret missing', { SLACK_BOT_TOKEN: valid.SLACK_BOT_TOKEN }, /set SLACK_SIGNING_SECRET in/],
    [
      'a user token instead of a bot token',
      { ...valid, SLACK_BOT_TOKEN: 'xoxp-123' },
      /SLACK_BOT_TOKEN must be a bot token starting with xoxb-/,
    ],
    [
      'a bot token where the app token goes',
      { ...valid, SLACK_APP_TOKEN: 'xoxb-123' },
      /SLACK_APP_TOKEN must be an app-level token starting with xapp-/,
    ],
    [
      'a signing secret that is too short',
      { ...valid, SLACK_SIGNING_SECRET: 'abc' },
      /^Alliance cannot start: SLACK_SIGNING_SECRET is 3 characters long, but the Signing Secret on your Slack app's Basic Information page has 32 \(/,
    ],
    ['a port out of range', { ...valid, PORT: '70000' }, /PORT must be a port number/],
    ['a port that is not a number', { ...valid, PORT: 'eighty' }, /PORT must be a port number/],
    ['an API URL that is not one', { ...valid, SLACK_API_URL: 'slack' }, /SLACK_API_URL must be an http\(s\) URL/],
    ['an unknown log level', { ...valid, LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of debug, info, warn, error/],
  ];

  it.each(failures)('explains %s in one sentence without echoing values', (_name, env, message) => {
    let error: unknown;
    try {
      parseConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toMatch(message);
    expect(text).toContain('README.md');
    expect(text.split('\n')).toHaveLength(1);
    for (const value of Object.values(env)) if (value.length > 6) expect(text).not.toContain(value);
  });

  it('takes any 32-character signing secret: the rule is its length, not its alphabet', () => {
    // The example secret in Slack's documentation is not hexadecimal.
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    expect(parseConfig({ ...valid, SLACK_SIGNING_SECRET: secret }).slack.signingSecret).toBe(secret);
  });

  it('lets the tick run without Slack credentials but still checks a token that is set', () => {
    expect(parseTickConfig({})).toMatchObject({ botToken: undefined, databasePath: 'data/alliance.db' });
    expect(parseTickConfig({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '' })).toMatchObject({ botToken: undefined });
    expect(() => parseTickConfig({ SLACK_BOT_TOKEN: 'nope' })).toThrow(/SLACK_BOT_TOKEN must be a bot token/);
  });
});
