// Temporary: CPU per request of Alliance vs bare Bolt variants (deleted after the investigation).
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { bootAlliance } from '../support/boot.js';
import { buildHelpMessage } from '../../src/slack/blocks/help.js';
import { commandPayloadSchema, splitCommandText } from '../../src/slack/payloads.js';
import { forkSignedClient } from './ack-latency-client-process.js';
import type { ResponseCheck } from './signed-client.js';

const level = (process.argv[2] ?? 'error') as 'error' | 'debug';
const h = await bootAlliance({ logLevel: level, arrange: (f) => { f.addUser({ id: 'UBENCH01', name: 'b' }); f.addChannel({ id: 'CBENCH01', name: 'c', members: ['UBENCH01'], botIsMember: true }); } });
async function bareApp(opts: { help: boolean; zod: boolean; listeners: number; use: number; convo: boolean }) {
  const app = new App({ token: h.fake.botToken, signingSecret: h.signingSecret, clientOptions: { slackApiUrl: h.fake.apiUrl }, logLevel: LogLevel.ERROR, ...(opts.convo ? {} : { convoStore: false }) });
  for (let i = 0; i < opts.use; i++) app.use(async ({ next }) => { await next(); });
  for (let i = 0; i < opts.listeners; i++) {
    if (i % 2 === 0) app.action(`dummy_action_${i}`, async ({ ack }) => { await ack(); });
    else app.view(`dummy_view_${i}`, async ({ ack }) => { await ack(); });
  }
  app.command('/alliance', async ({ ack, command }) => {
    if (opts.zod) { const p = commandPayloadSchema.safeParse(command); if (p.success) splitCommandText(p.data.text); }
    if (opts.help) await ack({ response_type: 'ephemeral', ...buildHelpMessage() });
    else await ack();
  });
  return { app, port: ((await app.start(0)).address() as AddressInfo).port };
}
const variants: [string, Awaited<ReturnType<typeof bareApp>> | null, ResponseCheck][] = [
  ['alliance', null, { kind: 'contains', texts: ['/alliance help'] }],
  ['bare no-op (convoStore:false)', await bareApp({ help: false, zod: false, listeners: 0, use: 0, convo: false }), { kind: 'empty' }],
  ['bare + help body', await bareApp({ help: true, zod: false, listeners: 0, use: 0, convo: false }), { kind: 'contains', texts: ['/alliance help'] }],
  ['bare + help + 2 use', await bareApp({ help: true, zod: false, listeners: 0, use: 2, convo: false }), { kind: 'contains', texts: ['/alliance help'] }],
  ['bare + help + 6 listeners', await bareApp({ help: true, zod: false, listeners: 6, use: 0, convo: false }), { kind: 'contains', texts: ['/alliance help'] }],
  ['bare + help + 13 listeners', await bareApp({ help: true, zod: false, listeners: 13, use: 0, convo: false }), { kind: 'contains', texts: ['/alliance help'] }],
  ['bare + help + zod + 13 listeners + 2 use', await bareApp({ help: true, zod: true, listeners: 13, use: 2, convo: false }), { kind: 'contains', texts: ['/alliance help'] }],
];
const client = await forkSignedClient(h.signingSecret);
const body = () => new URLSearchParams({ token: 't', team_id: h.fake.teamId, team_domain: h.fake.teamDomain, channel_id: 'CBENCH01', channel_name: 'c', user_id: 'UBENCH01', user_name: 'b', command: '/alliance', text: 'help', api_app_id: h.fake.appId, is_enterprise_install: 'false', response_url: h.fake.responseUrl({}), trigger_id: h.fake.mintTriggerId('UBENCH01') }).toString();
const portOf = (v: (typeof variants)[number]) => v[1]?.port ?? h.app.port;
for (const v of variants) await client.runRound({ port: portOf(v), path: '/slack/events', bodies: Array.from({ length: 1000 }, body), concurrency: 50, check: v[2] });
const cpu = new Map<string, number[]>();
for (let rep = 0; rep < 10; rep++) {
  for (const v of rep % 2 ? [...variants].reverse() : variants) {
    const bodies = Array.from({ length: 2000 }, body);
    const c0 = process.cpuUsage();
    const r = await client.runRound({ port: portOf(v), path: '/slack/events', bodies, concurrency: 50, check: v[2] });
    const c = process.cpuUsage(c0);
    if (r.non200 + r.badBody + r.transportErrors > 0) console.log('FAIL', v[0], r.firstProblem);
    const list = cpu.get(v[0]) ?? []; list.push((c.user + c.system) / bodies.length); cpu.set(v[0], list);
  }
}
for (const [name, list] of cpu) { const s = [...list].sort((a, b) => a - b); console.log(`${name.padEnd(42)} median CPU ${s[Math.floor(s.length / 2)]?.toFixed(0)} µs/request  (${s.map((x) => x.toFixed(0)).join(' ')})`); }
await client.close(); for (const v of variants) await v[1]?.app.stop(); await h.close();
