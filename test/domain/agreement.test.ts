import { describe, expect, it } from 'vitest';
import {
  commitmentsOf,
  compileAgreement,
  consentProgress,
  contentHash,
  diffAgreements,
} from '../../src/domain/agreement.js';
import { getTemplate } from '../../src/domain/templates/index.js';

const team = getTemplate('team');
const sheet = (entries: Record<string, Record<string, string>>) =>
  new Map(Object.entries(entries).map(([user, answers]) => [user, new Map(Object.entries(answers))]));

describe('agreements', () => {
  const content = compileAgreement({
    template: team,
    name: 'Core',
    members: ['UA', 'UB'],
    answers: sheet({
      UA: { 'atmosphere.culture': ' Candid ', 'co_responsibility.count_on': 'Reviews within a day' },
      UB: { 'atmosphere.culture': 'Kind', 'co_responsibility.count_on': '', 'behavior.difficult': 'Calm' },
    }),
  });

  it('compiles each prompt with the members’ answers, attributed, trimmed, in member order', () => {
    const culture = content.sections[0]!.prompts.find((p) => p.id === 'atmosphere.culture');
    expect(culture?.answers).toEqual([
      { userId: 'UA', text: 'Candid' },
      { userId: 'UB', text: 'Kind' },
    ]);
    const countOn = content.sections[1]!.prompts.find((p) => p.id === 'co_responsibility.count_on');
    expect(countOn?.answers).toEqual([{ userId: 'UA', text: 'Reviews within a day' }]);
    expect(content.members).toEqual(['UA', 'UB']);
    expect(content.templateVersion).toBe(1);
  });

  it('hashes the content stably: same content, same hash; any change, another hash', () => {
    const again = compileAgreement({
      template: team,
      name: 'Core',
      members: ['UA', 'UB'],
      answers: sheet({
        UB: { 'behavior.difficult': 'Calm', 'atmosphere.culture': 'Kind' },
        UA: { 'co_responsibility.count_on': 'Reviews within a day', 'atmosphere.culture': 'Candid' },
      }),
    });
    expect(contentHash(again)).toBe(contentHash(content));
    const changed = compileAgreement({
      template: team,
      name: 'Core',
      members: ['UA', 'UB'],
      answers: sheet({ UA: { 'atmosphere.culture': 'Candid!' } }),
    });
    expect(contentHash(changed)).not.toBe(contentHash(content));
  });

  it('lists commitments from the commitment prompts only', () => {
    expect(commitmentsOf(content)).toEqual([
      { userId: 'UA', promptId: 'co_responsibility.count_on', text: 'Reviews within a day' },
    ]);
  });

  it('diffs two versions prompt by prompt: added, changed, removed', () => {
    const next = compileAgreement({
      template: team,
      name: 'Core',
      members: ['UA', 'UB', 'UC'],
      answers: sheet({
        UA: { 'atmosphere.culture': 'Candid', 'co_responsibility.count_on': 'Reviews within two days' },
        UB: { 'atmosphere.culture': 'Kind' },
        UC: { 'atmosphere.culture': 'Curious' },
      }),
    });
    expect(diffAgreements(content, next)).toEqual([
      {
        sectionTitle: 'The atmosphere',
        promptId: 'atmosphere.culture',
        label: team.sections[0]!.prompts[0]!.label,
        changes: [{ kind: 'added', userId: 'UC', text: 'Curious' }],
      },
      {
        sectionTitle: 'Co-responsibility',
        promptId: 'co_responsibility.count_on',
        label: 'What can the team count on from me?',
        changes: [{ kind: 'changed', userId: 'UA', before: 'Reviews within a day', after: 'Reviews within two days' }],
      },
      {
        sectionTitle: 'Behavioral agreements',
        promptId: 'behavior.difficult',
        label: 'Who do we want to be when things get difficult?',
        changes: [{ kind: 'removed', userId: 'UB', before: 'Calm' }],
      },
    ]);
    expect(diffAgreements(content, content)).toEqual([]);
  });

  it('counts consent against the current members', () => {
    expect(consentProgress(['UA', 'UB', 'UC'], new Set(['UB', 'UX']))).toEqual({
      agreed: ['UB'],
      waiting: ['UA', 'UC'],
      allAgreed: false,
    });
    expect(consentProgress(['UA'], new Set(['UA']))).toMatchObject({ allAgreed: true });
    expect(consentProgress([], new Set())).toMatchObject({ allAgreed: false });
  });
});
