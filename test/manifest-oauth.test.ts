import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES, REDIRECT_PATH } from '../src/slack/install-pages.js';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));

describe('the manifest for many workspaces', () => {
  it('manifest.oauth.json is manifest.http.json with the redirect URL, token rotation and org-wide installs', () => {
    const http = read('manifest.http.json');
    const oauth = read('manifest.oauth.json');
    expect(oauth.oauth_config.redirect_urls).toEqual([`https://alliance.example.com${REDIRECT_PATH}`]);
    expect(oauth.settings.token_rotation_enabled).toBe(true);
    expect(oauth.settings.org_deploy_enabled).toBe(true);
    expect(oauth.settings.socket_mode_enabled).toBe(false);
    // Everything else is the same, so the two cannot drift apart.
    const { redirect_urls: _redirect, ...scopes } = oauth.oauth_config;
    expect({
      ...oauth,
      oauth_config: scopes,
      settings: { ...oauth.settings, token_rotation_enabled: false, org_deploy_enabled: false },
    }).toEqual(http);
  });

  it('asks for the scopes the install flow asks for, and hears that it was uninstalled', () => {
    const oauth = read('manifest.oauth.json');
    expect(oauth.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    expect(read('manifest.json').oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    expect(oauth.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked']),
    );
  });
});
