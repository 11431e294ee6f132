import { setTimeout as delay } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import type { Logger } from '@slack/bolt';

export type SlackClient = webApi.WebClient;

/**
 * Hands out the Web API client for a workspace. Today one bot token serves one workspace; when
 * Alliance is installed in many, this is where per-workspace tokens will be looked up.
 */
export interface SlackClients {
  forTeam(teamId: string): SlackClient;
}

/** Options shared by the scheduler's client and the one Bolt builds for listeners. */
export function webClientOptions(options: { slackApiUrl: string | undefined; logger: Logger }): webApi.WebClientOptions {
  return {
    logger: options.logger,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    // Slack answers 429 with Retry-After; the client pauses that long and retries. A few quick
    // retries also ride out brief 5xx blips without holding a tick for half an hour.
    retryConfig: { retries: 5, factor: 2, minTimeout: 250, maxTimeout: 10_000, randomize: true },
  };
}

/** A call that keeps meeting 429s gives up after this many and fails like any other passing error. */
const MAX_RATE_LIMITED_RETRIES = 10;

const isRateLimited = (error: unknown): error is webApi.WebAPIRateLimitedError =>
  error instanceof Error && (error as { code?: unknown }).code === webApi.ErrorCode.RateLimitedError;

/**
 * The scheduler's client: a WebClient that waits out a 429 exactly as long as Slack's Retry-After
 * says, then retries at once. The stock client pauses for Retry-After and then also applies the
 * retry back-off meant for 5xx blips (250 ms and more), which during a fan-out leaves each rate
 * window idle for that long. The wait is shared by every call on this client (one workspace), as
 * Slack asks; 5xx and network errors keep `retryConfig`'s back-off.
 */
class RetryAfterClient extends webApi.WebClient {
  /** Resolves once every Retry-After received so far has passed. */
  private rateLimitedUntil: Promise<unknown> = Promise.resolve();

  constructor(token: string, options: webApi.WebClientOptions) {
    super(token, { ...options, rejectRateLimitedCalls: true });
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<webApi.WebAPICallResult> {
    for (let limited = 0; ; limited += 1) {
      await this.rateLimitedUntil;
      try {
        return await super.apiCall(method, options);
      } catch (error) {
        if (!isRateLimited(error) || limited >= MAX_RATE_LIMITED_RETRIES) throw error;
        this.rateLimitedUntil = Promise.all([this.rateLimitedUntil, delay(error.retryAfter * 1000)]);
      }
    }
  }
}

export function createSlackClient(token: string, options: webApi.WebClientOptions): SlackClient {
  return new RetryAfterClient(token, options);
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

/** The `error` string of a Slack Web API error (e.g. 'channel_not_found'), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const data = (error as { data?: { error?: unknown } }).data;
  return typeof data?.error === 'string' ? data.error : undefined;
}
