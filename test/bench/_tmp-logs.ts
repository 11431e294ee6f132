import { bootAlliance } from '../support/boot.js';
for (const level of ['error', 'debug'] as const) {
  const h = await bootAlliance({ logLevel: level, arrange: (f) => { f.addUser({ id: 'UALICE', name: 'alice' }); f.addChannel({ id: 'CTEAM', name: 'team', members: ['UALICE'], botIsMember: true }); } });
  const before = h.logs.length;
  const r = await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'help' });
  console.log(level, 'status', r.status, 'boot lines:', before, 'lines per help:', h.logs.length - before);
  for (const l of h.logs) console.log('   ', l.slice(0, 160));
  await h.close();
}
