import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { quietRateLimits } from '../../src/slack/clients.js';

describe('the Slack client logger', () => {
  it('logs 429s the client waits out as info, and other warnings as warnings; tokens never appear', () => {
    const lines: string[] = [];
    const logger = quietRateLimits(createLogger('info', 'slack', (line) => lines.push(line)));
    logger.warn(
      'http request failed A rate limit was exceeded (url: https://slack.com/api/chat.postMessage, retry-after: 1)',
    );
    logger.warn('something else with xoxb-123-456-secret');
    expect(lines[0]).toMatch(/ INFO {2}\[slack\] http request failed A rate limit/);
    expect(lines[1]).toMatch(/ WARN {2}\[slack\] something else with xoxb-\[redacted\]/);
  });
});
