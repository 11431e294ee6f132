import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { bootAlliance } from '../support/boot.js';
import { forkSignedClient } from './ack-latency-client-process.js';

const which = process.argv[2] ?? 'alliance';
const convo = process.argv[3] === 'convo';
const h = await bootAlliance({ logLevel: 'error', arrange: (f) => { f.addUser({ id: 'UBENCH01', name: 'b' }); f.addChannel({ id: 'CBENCH01', name: 'c', members: ['UBENCH01'], botIsMember: true }); } });
const bare = new App({ token: h.fake.botToken, signingSecret: h.signingSecret, clientOptions: { slackApiUrl: h.fake.apiUrl }, logLevel: LogLevel.ERROR, ...(convo ? {} : { convoStore: false }) });
bare.command('/alliance', async ({ ack }) => { await ack(); });
const port = ((await bare.start(0)).address() as AddressInfo).port;
const client = await forkSignedClient(h.signingSecret);
const body = () => new URLSearchParams({ token: 't', team_id: h.fake.teamId, team_domain: h.fake.teamDomain, channel_id: 'CBENCH01', channel_name: 'c', user_id: 'UBENCH01', user_name: 'b', command: '/alliance', text: 'help', api_app_id: h.fake.appId, is_enterprise_install: 'false', response_url: h.fake.responseUrl({}), trigger_id: h.fake.mintTriggerId('UBENCH01') }).toString();
const target = which === 'alliance' ? h.app.port : port;
const check = which === 'alliance' ? { kind: 'contains' as const, texts: ['/alliance help'] } : { kind: 'empty' as const };
for (let i = 0; i < 4; i++) await client.runRound({ port: target, path: '/slack/events', bodies: Array.from({ length: 500 }, body), concurrency: 50, check });
const s = new Session(); s.connect();
await s.post('Profiler.enable'); await s.post('Profiler.setSamplingInterval', { interval: 100 }); await s.post('Profiler.start');
const t0 = performance.now(); const cpu0 = process.cpuUsage();
let n = 0; let fails = 0;
for (let i = 0; i < 20; i++) { const bodies = Array.from({ length: 1000 }, body); const tr = performance.now(); const r = await client.runRound({ port: target, path: '/slack/events', bodies, concurrency: 50, check }); n += r.latenciesMs.length; fails += r.non200 + r.badBody + r.transportErrors; }
const cpu = process.cpuUsage(cpu0); const wall = performance.now() - t0;
const { profile } = await s.post('Profiler.stop');
writeFileSync(`/tmp/prof-${which}${convo ? '-convo' : ''}.cpuprofile`, JSON.stringify(profile));
console.log(which, convo ? 'convo' : '', { n, fails, wallMs: wall.toFixed(0), cpuUsPerReq: ((cpu.user + cpu.system) / n).toFixed(1), wallUsPerReq: (wall * 1000 / n).toFixed(1) });
await client.close(); await bare.stop(); await h.close();
