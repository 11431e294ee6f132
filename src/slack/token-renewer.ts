import * as webApi from '@slack/web-api';

/** What Slack answers a refresh with: a new bot token, the next (single-use) refresh token, and its lifetime. */
export interface RenewedToken {
  botToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/** Exchanges a refresh token for a new bot token (token rotation). */
export interface TokenRenewer {
  renew(refreshToken: string): Promise<RenewedToken>;
}

/** Slack refused the refresh (its error code, e.g. invalid_refresh_token); the token is not renewed. */
export class RenewalRefused extends Error {
  override readonly name = 'RenewalRefused';
  constructor(readonly code: string) {
    super(`Slack refused to renew the token (${code})`);
  }
}

/** `oauth.v2.access` with `grant_type=refresh_token`, as the app's client id and secret. */
export function createTokenRenewer(input: {
  clientId: string;
  clientSecret: string;
  options: webApi.WebClientOptions;
}): TokenRenewer {
  // Without a token: the client's credentials are the authentication for this method.
  const client = new webApi.WebClient(undefined, { ...input.options, retryConfig: { retries: 2, minTimeout: 100 } });
  return {
    async renew(refreshToken) {
      let result: webApi.OauthV2AccessResponse;
      try {
        result = await client.oauth.v2.access({
          client_id: input.clientId,
          client_secret: input.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        });
      } catch (error) {
        const code = (error as { data?: { error?: unknown } }).data?.error;
        if (typeof code === 'string') throw new RenewalRefused(code);
        throw error;
      }
      if (!result.access_token || !result.refresh_token || typeof result.expires_in !== 'number') {
        throw new RenewalRefused('incomplete_answer');
      }
      return { botToken: result.access_token, refreshToken: result.refresh_token, expiresInSeconds: result.expires_in };
    },
  };
}
