import type { Logger } from '@slack/bolt';
import * as webApi from '@slack/web-api';

export type SlackClient = webApi.WebClient;

/**
 * Hands out the Web API client for a workspace. Today one bot token serves one workspace; when
 * Alliance is installed in many, this is where per-workspace tokens will be looked up.
 */
export interface SlackClients {
  forTeam(teamId: string): SlackClient;
}

/**
 * The Web API client warns on every 429 it waits out. Under a pulse fan-out those are expected and
 * handled (the request is retried after Retry-After), so they are logged as info, not warnings.
 */
export function quietRateLimits(logger: Logger): Logger {
  const rateLimited = (parts: unknown[]) => parts.some((p) => typeof p === 'string' && /rate limit/i.test(p));
  return {
    debug: (...msg: unknown[]) => logger.debug(...msg),
    info: (...msg: unknown[]) => logger.info(...msg),
    warn: (...msg: unknown[]) => (rateLimited(msg) ? logger.info(...msg) : logger.warn(...msg)),
    error: (...msg: unknown[]) => logger.error(...msg),
    setLevel: (level) => logger.setLevel(level),
    getLevel: () => logger.getLevel(),
    setName: (name) => logger.setName(name),
  };
}

/** Options shared by the scheduler's client and the one Bolt builds for listeners. */
export function webClientOptions(options: {
  slackApiUrl: string | undefined;
  logger: Logger;
  /** Told of every 429 Slack answers (the client then waits out its Retry-After and tries again). */
  onRateLimited?: () => void;
}): webApi.WebClientOptions {
  const { onRateLimited } = options;
  return {
    logger: quietRateLimits(options.logger),
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(onRateLimited
      ? {
          fetch: async (url, init) => {
            const response = await globalThis.fetch(url, init);
            if (response.status === 429) onRateLimited();
            return response;
          },
        }
      : {}),
    // Slack answers 429 with Retry-After; the client pauses that long and retries. A few quick
    // retries also ride out brief 5xx blips without holding a tick for half an hour.
    retryConfig: { retries: 5, factor: 4, minTimeout: 50, maxTimeout: 15_000, randomize: true },
  };
}

export function createSlackClient(token: string, options: webApi.WebClientOptions): SlackClient {
  return new webApi.WebClient(token, options);
}

export function singleWorkspaceClients(teamId: string, client: SlackClient): SlackClients {
  return {
    forTeam(requested) {
      if (requested !== teamId) {
        throw new Error(`no Slack token for workspace ${requested}; this installation serves ${teamId}`);
      }
      return client;
    },
  };
}

// Kept apart from the client so that code which only reads errors does not load the client.
export { slackErrorCode } from './errors.js';
