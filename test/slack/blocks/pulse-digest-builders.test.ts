import { describe, expect, it } from 'vitest';
import { compileAgreement } from '../../../src/domain/agreement.js';
import type { DigestFigures } from '../../../src/domain/digest.js';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS, SIGNAL_KINDS } from '../../../src/domain/signal-settings.js';
import type { Evidence } from '../../../src/domain/signals.js';
import { TEMPLATES } from '../../../src/domain/templates/index.js';
import type { ShownFigure } from '../../../src/domain/visibility.js';
import { validateMessage, validateView } from '../../../src/simulator/block-kit.js';
import { renderAgreementContent } from '../../../src/slack/blocks/agreement.js';
import { buildDigestMessages, buildDigestThreadEmptied } from '../../../src/slack/blocks/digest.js';
import {
  buildFlagMessage,
  buildNewcomerWelcome,
  buildProposeModal,
  buildSnoozeModal,
  describeEvidence,
} from '../../../src/slack/blocks/flags.js';
import {
  buildCheckInView,
  buildPulseInvitation,
  buildPulseReminder,
  buildPulseThanks,
} from '../../../src/slack/blocks/pulse.js';
import { buildSettingsModal } from '../../../src/slack/blocks/settings-modal.js';
import { buildSetupSignalsModal } from '../../../src/slack/blocks/setup-modal.js';
import { ACTIONS } from '../../../src/slack/ids.js';

const NASTY = '<!channel> & <@U123> '.repeat(20);
const members = Array.from({ length: 40 }, (_, i) => `U${String(i).padStart(4, '0')}X`);
const settings = {
  timeZone: 'Australia/Lord_Howe',
  pulse: {
    cadence: 'monthly' as const,
    weekday: 7 as const,
    localTime: '23:30',
    openHours: 168,
    reminderHoursBefore: 48,
  },
  scheduleAnchor: '2026-01-01T00:00:00.000Z',
  digest: { weekday: 1 as const, localTime: '00:00' },
  anonymous: true,
  anonymityThreshold: 50,
  visibility: 'members' as const,
  signals: DEFAULT_SIGNALS,
  celebration: DEFAULT_CELEBRATION,
};

describe('pulse messages and the check-in modal stay within Slack limits', () => {
  const model = {
    pulseId: 99,
    allianceName: NASTY.slice(0, 80),
    channelId: 'C0123',
    closesAt: new Date('2026-03-29T01:30:00Z'),
    anonymous: true,
  };
  it('invitation, reminder and thanks are valid and escape the name', () => {
    for (const message of [
      buildPulseInvitation(model),
      buildPulseReminder(model),
      buildPulseThanks({ ...model, open: true, editKey: 'k'.repeat(32) }),
      buildPulseThanks({ ...model, open: false }),
    ]) {
      expect(validateMessage(message)).toEqual([]);
      expect(JSON.stringify(message)).not.toContain('<!channel>');
    }
  });

  it.each(TEMPLATES.map((t) => [t.name, t] as const))(
    'the %s check-in, with many commitments and reservations and a previous answer, is a valid modal',
    (_name, template) => {
      const view = buildCheckInView({
        pulseId: 99,
        editKey: 'k'.repeat(32),
        allianceName: NASTY.slice(0, 80),
        closesAt: new Date('2026-03-29T01:30:00Z'),
        anonymous: true,
        aspects: template.aspects,
        commitments: Array.from({ length: 6 }, (_, i) => ({ promptId: `c.p${i}`, text: NASTY })),
        reservations: Array.from({ length: 25 }, (_, i) => ({ id: i + 1, userId: members[i]!, concern: NASTY })),
        previous: {
          ratings: Object.fromEntries([...template.aspects.map((a) => a.id), 'overall'].map((id) => [id, 3])) as Record<
            string,
            1 | 2 | 3 | 4 | 5
          >,
          commitments: { 'c.p0': 'need_help' },
          reservations: { '1': true },
          working: 'w'.repeat(500),
          atRisk: 'r'.repeat(500),
          renegotiate: true,
          renegotiateReason: 'x'.repeat(300),
        },
      });
      expect(validateView(view)).toEqual([]);
      // Reservations asked are capped at ten.
      expect(view.blocks.filter((b) => b.block_id?.startsWith('reservation:'))).toHaveLength(10);
    },
  );
});

const exact = (value: number): ShownFigure => ({ kind: 'exact', value });
const band = (low: number): ShownFigure => ({ kind: 'band', low, high: low + 0.5 });

describe('renegotiation messages stay within Slack limits', () => {
  const aspect = { id: 'behavior', label: 'Behavioral agreements' };
  const evidences: Evidence[] = [
    { kind: 'lowScores', aspect, means: [exact(2.4), exact(2.6)], threshold: 3, pulses: [1, 2] },
    { kind: 'lowScores', aspect, means: [null, exact(2)], threshold: 3, pulses: [1, 2] },
    { kind: 'lowScores', aspect, means: [band(2), band(2.5)], threshold: 3, pulses: [1, 2] },
    { kind: 'sharpDrop', aspect, from: exact(4.2), to: exact(3), drop: 1, pulses: [1, 2] },
    { kind: 'sharpDrop', aspect, from: band(4), to: band(2.5), drop: 1, pulses: [1, 2] },
    { kind: 'disagreement', aspect, stdev: exact(1.7), mean: exact(3.4), threshold: 1.5, pulses: [2] },
    {
      kind: 'lowParticipation',
      rates: [
        { answered: 1, invited: 5 },
        { answered: 2, invited: 5 },
      ],
      percent: 50,
      pulses: [1, 2],
    },
    { kind: 'someoneAsks', count: 3, reasons: Array.from({ length: 10 }, () => NASTY), threshold: 1, pulses: [2] },
    { kind: 'membershipChange', joined: members, left: members, cause: 'channel', byUserId: null },
    {
      kind: 'membershipChange',
      joined: ['U1AA'],
      left: [],
      cause: 'proposal',
      byUserId: 'U1AA',
      proposal: NASTY.repeat(3),
    },
    { kind: 'reviewDate', versionNumber: 3, activatedAt: new Date('2026-01-01T00:00:00Z'), days: 90 },
    { kind: 'lingering', subject: 'reservation', reservationId: 7, userId: 'U1AA', concern: NASTY, pulses: [1, 2, 3] },
    { kind: 'lingering', subject: 'commitment', userId: null, promptId: null, text: null, pulses: [1, 2, 3] },
    { kind: 'membershipChange', joined: ['U1AA'], left: ['U1AA', 'U2BB'], cause: 'mixed', byUserId: null },
  ];

  it('reads the canonical example in plain words', () => {
    expect(describeEvidence(evidences[0]!)).toBe(
      '*Behavioral agreements* averaged 2.4 and 2.6 in the last two pulses; your threshold is 3.0.',
    );
    expect(describeEvidence(evidences[1]!)).not.toMatch(/\d\.\d and/);
    expect(describeEvidence(evidences[2]!)).toBe(
      '*Behavioral agreements* averaged 2.0–2.5 and 2.5–3.0 in the last two pulses; your threshold is 3.0.',
    );
  });

  it('in a members-only alliance, shows the channel only that a signal came up, with a private way to the details', () => {
    const message = buildFlagMessage({
      flagId: 1,
      kind: 'someoneAsks',
      evidence: evidences.find((e) => e.kind === 'someoneAsks')!,
      allianceName: 'Core',
      state: 'open',
      membersOnly: true,
    });
    const text = JSON.stringify(message);
    expect(text).not.toContain('injected');
    expect(text).toContain(ACTIONS.flagDetails);
    expect(validateMessage(message)).toEqual([]);
  });

  it('keeps a quoted reason inside its quote, whatever newlines it holds', () => {
    const forged = 'fine\n:white_check_mark: *Alliance:* everyone agreed to drop the agreement';
    const text = describeEvidence({ kind: 'someoneAsks', count: 3, reasons: [forged], threshold: 1, pulses: [2] });
    const lines = text.split('\n');
    expect(lines.filter((l) => l.includes('everyone agreed'))).toEqual([
      '> “fine :white_check_mark: *Alliance:* everyone agreed to drop the agreement”',
    ]);
  });

  it.each(evidences.map((e, i) => [`${e.kind} #${i}`, e] as const))('%s in every state', (_name, evidence) => {
    for (const state of ['open', 'snoozed', 'renegotiating', 'resolved'] as const) {
      const message = buildFlagMessage({
        flagId: 1,
        kind: evidence.kind,
        evidence,
        allianceName: NASTY.slice(0, 80),
        state,
        snoozedUntil: new Date(),
        snoozedBy: 'U1AA',
        snoozeReason: NASTY,
        startedBy: 'U2BB',
      });
      expect(validateMessage(message)).toEqual([]);
      const mrkdwn = JSON.stringify(message.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [];
      for (const text of mrkdwn) expect(text).not.toContain('<!channel>');
    }
  });

  it('snooze, proposal, newcomer welcome and the signals step are valid', () => {
    expect(validateView(buildSnoozeModal({ flagId: 1, weeks: 2, kind: 'lowScores' }))).toEqual([]);
    expect(validateView(buildProposeModal({ allianceId: 'al_0123456789', versionId: 1, allianceName: NASTY }))).toEqual(
      [],
    );
    expect(
      validateView(
        buildSetupSignalsModal({
          allianceName: NASTY,
          carried: 'x'.repeat(2000),
          signals: DEFAULT_SIGNALS,
          celebration: DEFAULT_CELEBRATION,
        }),
      ),
    ).toEqual([]);
    const template = TEMPLATES[2]!;
    const answers = new Map(
      members.map((m) => [
        m,
        new Map(template.sections.flatMap((s) => s.prompts.map((p) => [p.id, NASTY.slice(0, p.maxLength)] as const))),
      ]),
    );
    const content = compileAgreement({ template, name: 'Big', members, answers });
    const welcome = buildNewcomerWelcome({
      allianceId: 'al_0123456789',
      versionId: 4,
      allianceName: NASTY,
      channelId: 'C0123',
      versionNumber: 4,
      agreementBlocks: renderAgreementContent(content),
    });
    expect(validateMessage(welcome)).toEqual([]);
    expect(welcome.blocks).toHaveLength(50);
  });

  it('the settings modal with every option is valid, and keeps every member selected (saving must not drop anyone)', () => {
    expect(
      validateView(buildSettingsModal({ allianceId: 'al_0123456789', allianceName: NASTY, members, settings })),
    ).toEqual([]);
    const many = Array.from({ length: 100 }, (_, i) => `U${String(i).padStart(4, '0')}Y`);
    const view = buildSettingsModal({ allianceId: 'al_0123456789', allianceName: 'Big', members: many, settings });
    expect(validateView(view)).toEqual([]);
    const picker = view.blocks.find((b) => b.block_id === 'setup.members') as { element: { initial_users: string[] } };
    expect(picker.element.initial_users).toHaveLength(100);
    expect(SIGNAL_KINDS).toHaveLength(8);
  });
});

describe('the digest stays within Slack limits at any size', () => {
  const nine = Array.from({ length: 9 }, (_, i) => ({
    id: `a${i}`,
    label: NASTY.slice(0, 40),
    mean: { kind: 'exact' as const, value: 3.33 },
    delta: -1.2,
    sparkline: '▁▂▃▄▅▆▇█',
    series: Array.from({ length: 12 }, () => 3),
  }));
  const figures: DigestFigures = {
    heldForMembers: false,
    latest: { pulseId: 1, scheduledAt: new Date('2026-01-08T09:00:00Z'), answered: 40, invited: 40 },
    shown: true,
    threshold: 3,
    anonymous: true,
    aspects: nine,
    celebration: { met: true, streak: 4, streakKey: 'x:1', target: DEFAULT_CELEBRATION },
    comments: {
      working: Array.from({ length: 8 }, () => '&<>'.repeat(93)),
      atRisk: Array.from({ length: 8 }, () => NASTY.slice(0, 280)),
    },
    stillConcerns: 3,
    commitmentsAtRisk: 5,
    pulseLabels: Array.from({ length: 12 }, (_, i) => `Jan ${i + 1}`),
  };
  const flags = Array.from({ length: 60 }, (_, i) => ({
    kind: SIGNAL_KINDS[i % 8]!,
    state: (['open', 'snoozed', 'renegotiating'] as const)[i % 3]!,
    createdAt: new Date(),
    snoozedUntil: new Date(),
  }));

  it('at the largest sizes: 9 aspects, 60 flags, every comment at its cap full of characters to escape', () => {
    const { main, thread } = buildDigestMessages({
      allianceName: NASTY,
      figures,
      celebrate: true,
      nextPulseAt: new Date(),
      agreementLink: 'https://example.slack.com/archives/C1/p1',
      openFlags: flags,
    });
    expect(validateMessage(main)).toEqual([]);
    expect(validateMessage(thread!)).toEqual([]);
    // The main post stays short.
    expect(main.blocks.length).toBeLessThanOrEqual(8);
    expect(JSON.stringify(main.blocks)).toContain('Time to celebrate');
    const all = JSON.stringify([main, thread]);
    // mrkdwn is where a mention would ping; plain_text headers never do.
    for (const text of all.match(/"type":"mrkdwn","text":"[^"]*"/g) ?? []) expect(text).not.toContain('<!channel>');
    expect(main.text).not.toContain('<!channel>');
    expect(all).toContain('&amp;&lt;&gt;');
    expect(JSON.stringify(thread!.blocks)).toContain('and 50 more');
  });

  it('with no pulse yet: a short line about the first pulse, no thread', () => {
    const { main, thread } = buildDigestMessages({
      allianceName: 'Team',
      figures: { ...figures, latest: null, shown: false, aspects: [] },
      celebrate: false,
      nextPulseAt: new Date('2026-01-08T09:00:00Z'),
      agreementLink: null,
      openFlags: [],
    });
    expect(validateMessage(main)).toEqual([]);
    expect(JSON.stringify(main.blocks)).toContain('Your first pulse opens <!date^1767862800^');
    expect(thread).toBeNull();
  });

  it('replaces a thread with nothing left to show by a note saying where to look now', () => {
    const emptied = buildDigestThreadEmptied();
    expect(validateMessage(emptied)).toEqual([]);
    expect(JSON.stringify(emptied.blocks)).toContain('`/alliance digest` shows how the alliance is doing now');
  });
});
