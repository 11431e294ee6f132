import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));

describe('the Slack app manifests', () => {
  it('manifest.http.json is manifest.json with Socket Mode off and one request URL to fill in, in three places', () => {
    const socket = read('manifest.json');
    const http = read('manifest.http.json');
    const url = 'https://alliance.example.com/slack/events';
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(http.features.slash_commands.map((c: { url: string }) => c.url)).toEqual([url]);
    expect(http.settings.event_subscriptions.request_url).toBe(url);
    expect(http.settings.interactivity.request_url).toBe(url);
    // Everything else (scopes, events, the command) is the same: the two cannot drift apart.
    const { url: _commandUrl, ...httpCommand } = http.features.slash_commands[0];
    const { request_url: _eventsUrl, ...httpEvents } = http.settings.event_subscriptions;
    const { request_url: _interactivityUrl, ...httpInteractivity } = http.settings.interactivity;
    expect({
      ...http,
      features: { ...http.features, slash_commands: [httpCommand] },
      settings: {
        ...http.settings,
        event_subscriptions: httpEvents,
        interactivity: httpInteractivity,
        socket_mode_enabled: true,
      },
    }).toEqual(socket);
  });
});
