/**
 * A real WebClient pointed at a FakeSlack, for harness tests and for tests that call Slack directly.
 */

import type { Logger } from '@slack/bolt';
import { LogLevel, webApi } from '@slack/bolt';
import type { FakeSlack } from '../../src/simulator/fake-slack.js';

/** A logger that swallows everything (WebClient logs expected errors such as invalid_blocks). */
export function silentLogger(): Logger {
  let level: LogLevel = LogLevel.ERROR;
  let name = 'silent';
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
      void name;
    },
  };
}

export function fakeWebClient(
  fake: FakeSlack,
  options: Partial<webApi.WebClientOptions> & { token?: string } = {},
): webApi.WebClient {
  const { token, ...rest } = options;
  return new webApi.WebClient(token ?? fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger(),
    ...rest,
  });
}

/** The Slack error code of a rejected WebClient call (`error.data.error`), or the WebClient error code. */
export async function slackError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof webApi.WebAPIPlatformError) return error.data.error;
    if (error instanceof webApi.SlackError) return error.code;
    throw error;
  }
  throw new Error('expected the Slack call to fail, but it succeeded');
}

/** The rejected WebAPIPlatformError itself (for response_metadata assertions). */
export async function platformError(promise: Promise<unknown>): Promise<webApi.WebAPIPlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof webApi.WebAPIPlatformError) return error;
    throw error;
  }
  throw new Error('expected the Slack call to fail, but it succeeded');
}
