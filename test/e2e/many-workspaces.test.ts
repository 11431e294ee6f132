import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSlack } from '../../src/simulator/fake-slack.js';
import { ACTIONS } from '../../src/slack/ids.js';
import { bootMany, type ManyHarness } from '../support/boot-many.js';
import { activateAlliance, dmsWith } from '../support/flows.js';

const ACME = 'T0ACME';
const BETA = 'T0BETA';
const ACME_PEOPLE = ['UANNA', 'UARNE', 'UAVA'];
const BETA_PEOPLE = ['UBEN', 'UBEA', 'UBO'];
const PULSE = '2026-01-08T09:00:00Z';

function arrange(fake: FakeSlack): void {
  const people = fake.teamId === ACME ? ACME_PEOPLE : BETA_PEOPLE;
  for (const id of people) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
  fake.addChannel({ id: fake.teamId === ACME ? 'CACME' : 'CBETA', name: 'team', members: people, botIsMember: true });
}

const WORKSPACES = [
  { teamId: ACME, teamName: 'Acme', botUserId: 'UBOTACME', botId: 'BACME', botToken: 'xoxb-acme-fake' },
  { teamId: BETA, teamName: 'Beta', botUserId: 'UBOTBETA', botId: 'BBETA', botToken: 'xoxb-beta-fake' },
];

describe('Alliance installed in many workspaces', () => {
  let h: ManyHarness;
  afterEach(async () => h?.close());

  it('installs in two workspaces through OAuth; each runs its own alliance with its own token', async () => {
    h = await bootMany({ workspaces: WORKSPACES, arrange });
    const acme = await h.install(ACME);
    expect(acme.status).toBe(200);
    expect(acme.page).toContain('Alliance is now installed in <strong>Acme</strong>');
    expect(acme.authorizeUrl.origin + acme.authorizeUrl.pathname).toBe(h.hub.authorizeUrl);
    const beta = await h.install(BETA);
    expect(beta.page).toContain('<strong>Beta</strong>');

    const a = h.workspaces[ACME]!;
    const b = h.workspaces[BETA]!;
    await activateAlliance(a, { channelId: 'CACME', starter: 'UANNA', members: ACME_PEOPLE });
    await activateAlliance(b, { channelId: 'CBETA', starter: 'UBEN', members: BETA_PEOPLE });
    await h.tickAt(PULSE);
    for (const id of ACME_PEOPLE) expect(dmsWith(a, id, ACTIONS.checkIn)).toHaveLength(1);
    for (const id of BETA_PEOPLE) expect(dmsWith(b, id, ACTIONS.checkIn)).toHaveLength(1);
    const acmeTokens = h.hub.tokensOf(ACME).map((t) => t.token);
    const betaTokens = h.hub.tokensOf(BETA).map((t) => t.token);
    const calls = h.hub.calls().filter((c) => c.method !== 'oauth.v2.access');
    expect(calls.filter((c) => c.teamId === ACME).every((c) => acmeTokens.includes(c.token ?? ''))).toBe(true);
    expect(calls.filter((c) => c.teamId === BETA).every((c) => betaTokens.includes(c.token ?? ''))).toBe(true);
  });
});
