import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { bootAlliance } from '../support/boot.js';
import { forkSignedClient } from './ack-latency-client-process.js';
import { percentile } from './ack-latency.js';
const h = await bootAlliance({ logLevel: 'error', arrange: (f) => { f.addUser({ id: 'UBENCH01', name: 'b' }); f.addChannel({ id: 'CBENCH01', name: 'c', members: ['UBENCH01'], botIsMember: true }); } });
const bare = new App({ token: h.fake.botToken, signingSecret: h.signingSecret, clientOptions: { slackApiUrl: h.fake.apiUrl }, logLevel: LogLevel.ERROR, convoStore: false });
bare.command('/alliance', async ({ ack }) => { await ack(); });
const port = ((await bare.start(0)).address() as AddressInfo).port;
const client = await forkSignedClient(h.signingSecret);
const body = () => new URLSearchParams({ token: 't', team_id: h.fake.teamId, team_domain: h.fake.teamDomain, channel_id: 'CBENCH01', channel_name: 'c', user_id: 'UBENCH01', user_name: 'b', command: '/alliance', text: 'help', api_app_id: h.fake.appId, is_enterprise_install: 'false', response_url: h.fake.responseUrl({}), trigger_id: h.fake.mintTriggerId('UBENCH01') }).toString();
const size = Number(process.argv[2] ?? 250);
for (let i = 0; i < 30; i++) {
  for (const [name, p] of [['alliance', h.app.port], ['bare', port]] as const) {
    const t0 = performance.now(); const c0 = process.cpuUsage();
    const r = await client.runRound({ port: p, path: '/slack/events', bodies: Array.from({ length: size }, body), concurrency: 50, check: name === 'bare' ? { kind: 'empty' } : { kind: 'contains', texts: ['/alliance help'] } });
    const wall = performance.now() - t0; const c = process.cpuUsage(c0);
    const s = [...r.latenciesMs].sort((a, b) => a - b);
    const firstMax = Math.max(...r.latenciesMs.slice(0, 50));
    if (i >= 2) console.log(`${String(i).padStart(2)} ${name.padEnd(8)} wall ${wall.toFixed(0).padStart(4)}ms cpu ${((c.user + c.system) / 1000).toFixed(0).padStart(4)}ms  p50 ${percentile(s, 50).toFixed(1).padStart(5)} p99 ${percentile(s, 99).toFixed(1).padStart(5)} max ${s.at(-1)?.toFixed(1).padStart(5)}  first-50 max ${firstMax.toFixed(1)}`);
  }
}
await client.close(); await bare.stop(); await h.close();
