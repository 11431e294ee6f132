import type { Logger } from '@slack/bolt';
import * as webApi from '@slack/web-api';
import { webApiFetch } from './web-api-fetch.js';

export type SlackClient = webApi.WebClient;

/**
 * Hands out the Web API client for a workspace: the one bot token of a single-workspace install,
 * or (installed in many) a client that asks the installation store for the workspace's token.
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
    fetch: onRateLimited
      ? async (url, init) => {
          const response = await webApiFetch(url, init);
          if (response.status === 429) onRateLimited();
          return response;
        }
      : webApiFetch,
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

/** Where a workspace's current bot token comes from when Alliance is installed in many. */
export interface WorkspaceTokens {
  /** The token that works in the workspace now (renewed first when it is about to expire). */
  tokenFor(teamId: string): Promise<string>;
}

/**
 * A Web API client for one workspace whose every call carries the workspace's current token, looked
 * up when the call is made: a token renewed or revoked since the client was made is never used.
 */
class WorkspaceClient extends webApi.WebClient {
  constructor(
    private readonly tokens: WorkspaceTokens,
    private readonly workspace: string,
    options: webApi.WebClientOptions,
  ) {
    super(undefined, options);
  }

  override async apiCall(method: string, options: Record<string, unknown> = {}): Promise<webApi.WebAPICallResult> {
    const token = await this.tokens.tokenFor(this.workspace);
    return super.apiCall(method, { ...options, token });
  }
}

/**
 * One client per workspace over the installation store. Each is made with the workspace's id as
 * `teamId`, as Bolt does, so a call made with an organization-wide token names its workspace.
 */
export function installedWorkspaceClients(tokens: WorkspaceTokens, options: webApi.WebClientOptions): SlackClients {
  const clients = new Map<string, SlackClient>();
  return {
    forTeam(teamId) {
      let client = clients.get(teamId);
      if (!client) {
        client = new WorkspaceClient(tokens, teamId, { ...options, teamId });
        clients.set(teamId, client);
      }
      return client;
    },
  };
}

// Kept apart from the client so that code which only reads errors does not load the client.
export { slackErrorCode } from './errors.js';
