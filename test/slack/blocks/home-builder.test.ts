import { describe, expect, it } from 'vitest';
import { validateView } from '../../../src/simulator/block-kit.js';
import { type AllianceSummary, buildHomeView, type WaitingItem } from '../../../src/slack/blocks/home.js';
import { LIMITS } from '../../../src/slack/blocks/kit.js';

const NASTY = '<!channel> & <@U123> ';

describe('the App Home view', () => {
  const summary = (i: number): AllianceSummary => ({
    name: `${NASTY}${i}`,
    channelId: `C${String(i).padStart(6, '0')}`,
    status: 'active',
    versionNumber: 3,
    proposed: { number: 4, agreed: 2, asked: 5 },
    renegotiating: { finished: 2, members: 5 },
    openPulseClosesAt: new Date('2026-01-10T09:00:00Z'),
    answeredOpenPulse: false,
    nextPulseAt: null,
  });
  const waiting = (i: number): WaitingItem[] => [
    {
      kind: 'answers',
      allianceId: 'al_0000000001',
      allianceName: NASTY,
      channelId: 'CTEAM',
      roundId: i + 1,
      renegotiation: i % 2 === 0,
    },
    {
      kind: 'consent',
      allianceId: 'al_0000000001',
      allianceName: NASTY,
      versionId: i + 1,
      versionNumber: 2,
      agreed: 1,
      asked: 3,
    },
    { kind: 'check-in', allianceName: NASTY, pulseId: i + 1, closesAt: new Date('2026-01-10T09:00:00Z') },
    {
      kind: 'reservation',
      allianceId: 'al_0000000001',
      allianceName: NASTY,
      versionNumber: 1,
      concern: `${NASTY}\nforged line`,
    },
    { kind: 'admit', allianceId: 'al_0000000001', allianceName: NASTY, userId: 'UDAVE' },
  ];

  it('stays within Slack’s limits for someone with many alliances and much waiting, and escapes what people wrote', () => {
    const view = buildHomeView({
      waiting: Array.from({ length: 30 }, (_, i) => waiting(i)).flat(),
      alliances: Array.from({ length: 60 }, (_, i) => summary(i)),
    });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('…and 130 more');
    expect(text).toContain('…and 40 more.');
    for (const mrkdwn of text.match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [])
      expect(mrkdwn).not.toContain('<!channel>');
  });

  it('says nothing waits, or how to start, when that is so', () => {
    expect(JSON.stringify(buildHomeView({ waiting: [], alliances: [summary(1)] }).blocks)).toContain(
      'Nothing right now',
    );
    expect(JSON.stringify(buildHomeView({ waiting: [], alliances: [] }).blocks)).toContain('/alliance start');
  });
});
