import { describe, expect, it } from 'vitest';
import { compileAgreement, consentProgress, contentHash, diffAgreements } from '../../../src/domain/agreement.js';
import { TEMPLATES } from '../../../src/domain/templates/index.js';
import { validateMessage, validateView } from '../../../src/simulator/block-kit.js';
import {
  buildAgreementMessages,
  buildReservationModal,
  buildReservationNotice,
} from '../../../src/slack/blocks/agreement.js';
import {
  buildDesignAnnouncement,
  buildDesignInvitation,
  buildDesignStepView,
  progressLine,
} from '../../../src/slack/blocks/design.js';
import { buildHelpMessage } from '../../../src/slack/blocks/help.js';
import { escapeText, splitForSections } from '../../../src/slack/blocks/kit.js';
import { buildSetupModal } from '../../../src/slack/blocks/setup-modal.js';
import { buildShowMessage } from '../../../src/slack/blocks/show.js';

const members = Array.from({ length: 12 }, (_, i) => `U${String(i).padStart(3, '0')}X`);

function fullSheet(templateIndex: number, length: 'max' | 'short', text = 'x') {
  const template = TEMPLATES[templateIndex]!;
  return new Map(
    members.map((m) => [
      m,
      new Map(
        template.sections.flatMap((s) =>
          s.prompts.map(
            (p) =>
              [
                p.id,
                length === 'max'
                  ? text.repeat(Math.ceil(p.maxLength / text.length)).slice(0, p.maxLength)
                  : `${m} says ${p.id}`,
              ] as const,
          ),
        ),
      ),
    ]),
  );
}

describe('Block Kit builders stay within Slack limits', () => {
  it('the setup modal is valid, with many prefilled members', () => {
    const view = buildSetupModal(
      {
        name: 'A'.repeat(200),
        channelId: 'C123',
        members: Array.from({ length: 80 }, (_, i) => `U${i}ABC`),
        templateId: 'team',
        cadence: 'biweekly',
        pulseWeekday: 4,
        pulseTime: '10:00',
        timeZone: 'America/Argentina/ComodRivadavia',
        digestWeekday: 1,
        digestTime: '09:30',
        anonymous: true,
        anonymityThreshold: 3,
        visibility: 'members',
      },
      ['a note'],
    );
    expect(validateView(view)).toEqual([]);
    const members = view.blocks.find((b) => b.block_id === 'setup.members') as { element: { initial_users: string[] } };
    expect(members.element.initial_users).toHaveLength(50);
  });

  it.each(TEMPLATES.map((t, i) => [t.name, i] as const))(
    'every step of the %s template is a valid modal, empty and with answers at max length',
    (_name, index) => {
      const template = TEMPLATES[index]!;
      const full = fullSheet(index, 'max', '<&>')!.get(members[0]!)!;
      template.sections.forEach((_section, step) => {
        for (const answers of [new Map<string, string>(), full]) {
          const view = buildDesignStepView({
            allianceId: 'al_0123456789',
            roundId: 1,
            allianceName: 'N'.repeat(80),
            template,
            step,
            answers,
          });
          expect(validateView(view)).toEqual([]);
          expect(view.blocks.length).toBeLessThanOrEqual(100);
          expect(JSON.stringify(view.blocks)).toContain(`Step ${step + 1} of ${template.sections.length}`);
        }
      });
    },
  );

  it.each(TEMPLATES.map((t, i) => [t.name, i] as const))(
    'the %s agreement with 12 members at max length splits into valid messages',
    (_name, index) => {
      const template = TEMPLATES[index]!;
      const content = compileAgreement({
        template,
        name: 'Big team',
        members,
        answers: fullSheet(index, 'max', '&<x> '),
      });
      const { main, thread } = buildAgreementMessages({
        allianceId: 'al_0123456789',
        allianceName: 'Big team',
        starterId: members[0]!,
        versionId: 7,
        versionNumber: 2,
        compiledAt: new Date('2026-02-01T10:00:00Z'),
        contentHash: contentHash(content),
        content,
        status: 'proposed',
        consent: consentProgress(members, new Set(members.slice(0, 5))),
        diff: {
          fromNumber: 1,
          changes: diffAgreements(
            compileAgreement({ template, name: 'Big team', members, answers: fullSheet(index, 'short') }),
            content,
          ),
        },
      });
      expect(thread.length).toBeGreaterThan(0);
      for (const message of [main, ...thread]) {
        expect(validateMessage(message)).toEqual([]);
        expect(message.blocks.length).toBeLessThanOrEqual(50);
      }
      // Every answer made it into some message, escaped.
      const all = JSON.stringify([main, ...thread]);
      expect(all).not.toContain('<x>');
      expect(all).toContain('&amp;&lt;x&gt;');
      expect(JSON.stringify(main.blocks)).toContain('consent.agree');
    },
  );

  it('a short agreement fits in one message with its consent buttons', () => {
    const template = TEMPLATES[0]!;
    const content = compileAgreement({
      template,
      name: 'Small',
      members: members.slice(0, 3),
      answers: fullSheet(0, 'short'),
    });
    const { main, thread } = buildAgreementMessages({
      allianceId: 'al_0123456789',
      allianceName: 'Small',
      starterId: members[0]!,
      versionId: 1,
      versionNumber: 1,
      compiledAt: new Date('2026-02-01T10:00:00Z'),
      contentHash: contentHash(content),
      content,
      status: 'active',
      activatedAt: new Date('2026-02-02T10:00:00Z'),
      consent: consentProgress(members.slice(0, 3), new Set(members.slice(0, 3))),
    });
    expect(thread).toEqual([]);
    expect(validateMessage(main)).toEqual([]);
    expect(JSON.stringify(main.blocks)).toContain('Everyone agreed');
    expect(JSON.stringify(main.blocks)).not.toContain('consent.agree');
  });

  it('announcements, invitations, reservations, help and show are valid messages', () => {
    const model = {
      allianceId: 'al_0123456789',
      roundId: 3,
      allianceName: '<!here> & co',
      channelId: 'C123',
      starterId: 'U000X',
      template: TEMPLATES[0]!,
      members,
      finished: members.slice(0, 4),
    };
    for (const message of [
      buildDesignAnnouncement(model),
      buildDesignAnnouncement({ ...model, compiledVersion: 1 }),
      buildDesignAnnouncement({
        ...model,
        renegotiation: { fromVersion: 1, reason: 'x'.repeat(2000), startedBy: 'U001X' },
      }),
      buildDesignInvitation(model, 'U001X'),
      buildReservationNotice({ userId: 'U001X', concern: '&'.repeat(1000), watch: '<'.repeat(600) }),
      buildHelpMessage('x'.repeat(500)),
      buildShowMessage({
        allianceName: 'Team',
        allianceStatus: 'active',
        version: null,
        consent: null,
        members,
        openReservations: 2,
        permalink: null,
        versions: [],
      }),
    ]) {
      expect(validateMessage(message)).toEqual([]);
    }
    // plain_text (headers) never pings; every mrkdwn text must carry the name escaped.
    const mrkdwnTexts =
      JSON.stringify(buildDesignAnnouncement(model).blocks).match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [];
    expect(mrkdwnTexts.length).toBeGreaterThan(0);
    for (const text of mrkdwnTexts) expect(text).not.toContain('<!here>');
    expect(buildDesignAnnouncement(model).text).toContain('&lt;!here&gt;');
    expect(
      validateView(
        buildReservationModal({
          allianceId: 'al_0123456789',
          versionId: 1,
          allianceName: 'x'.repeat(80),
          versionNumber: 1,
        }),
      ),
    ).toEqual([]);
  });
});

describe('text helpers', () => {
  it('escapes exactly the three characters Slack asks for', () => {
    expect(escapeText('<!channel> & <@U123> "quoted"')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; "quoted"');
  });

  it('splits long text at paragraph, line or word boundaries, never inside an escape', () => {
    const paragraph = `${'word '.repeat(300).trim()}\n\n`;
    const chunks = splitForSections(paragraph.repeat(5), 3000);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(3000);
    expect(chunks.join(' ').replace(/\s+/g, ' ').trim()).toBe(paragraph.repeat(5).replace(/\s+/g, ' ').trim());
    const entities = splitForSections('&amp;'.repeat(1000), 3000);
    for (const chunk of entities) expect(chunk).toMatch(/^(&amp;)+$/);
  });

  it('names who answered in the progress line, never what they said', () => {
    expect(progressLine(['U1AA', 'U2AA', 'U3AA'], [])).toBe('0 of 3 have answered so far.');
    expect(progressLine(['U1AA', 'U2AA', 'U3AA'], ['U2AA'])).toBe('1 of 3 have answered: <@U2AA>.');
  });
});
