import { createHash } from 'node:crypto';
import { splitMembers } from './members.js';
import type { Prompt, Template, TemplateId } from './templates/index.js';

/**
 * An agreement version is an immutable snapshot: for each section and prompt, each member's answer,
 * attributed. Its content hash lets anyone check that what was agreed is what is stored.
 */

export interface AgreementAnswer {
  userId: string;
  text: string;
}

export interface AgreementPrompt {
  id: string;
  label: string;
  kind: Prompt['kind'];
  answers: AgreementAnswer[];
}

export interface AgreementSection {
  id: string;
  title: string;
  prompts: AgreementPrompt[];
}

export interface AgreementContent {
  name: string;
  templateId: TemplateId;
  templateVersion: number;
  /** Everyone asked to consent to this version, in the order they joined. */
  members: string[];
  sections: AgreementSection[];
}

/** answers[userId][promptId] = text */
export type AnswerSheet = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function compileAgreement(input: {
  template: Template;
  name: string;
  members: readonly string[];
  answers: AnswerSheet;
}): AgreementContent {
  return {
    name: input.name,
    templateId: input.template.id,
    templateVersion: input.template.version,
    members: [...input.members],
    sections: input.template.sections.map((section) => ({
      id: section.id,
      title: section.title,
      prompts: section.prompts.map((prompt) => ({
        id: prompt.id,
        label: prompt.label,
        kind: prompt.kind,
        answers: input.members.flatMap((userId) => {
          const text = input.answers.get(userId)?.get(prompt.id)?.trim();
          return text ? [{ userId, text }] : [];
        }),
      })),
    })),
  };
}

/** Stable JSON: keys sorted at every level, so equal content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(content: AgreementContent): string {
  return createHash('sha256').update(canonical(content)).digest('hex');
}

export interface Commitment {
  userId: string;
  promptId: string;
  text: string;
}

/** What each member said they can be counted on for; pulses ask whether these are kept. */
export function commitmentsOf(content: AgreementContent): Commitment[] {
  return content.sections.flatMap((s) =>
    s.prompts
      .filter((p) => p.kind === 'commitment')
      .flatMap((p) => p.answers.map((a) => ({ userId: a.userId, promptId: p.id, text: a.text }))),
  );
}

export type AnswerChange =
  | { kind: 'added'; userId: string; text: string }
  | { kind: 'changed'; userId: string; before: string; after: string }
  | { kind: 'removed'; userId: string; before: string };

export interface PromptDiff {
  sectionTitle: string;
  promptId: string;
  label: string;
  changes: AnswerChange[];
}

/** What changed from one version to the next, prompt by prompt; unchanged prompts are left out. */
export function diffAgreements(before: AgreementContent, after: AgreementContent): PromptDiff[] {
  const previous = new Map<string, Map<string, string>>();
  for (const section of before.sections) {
    for (const prompt of section.prompts)
      previous.set(prompt.id, new Map(prompt.answers.map((a) => [a.userId, a.text])));
  }
  const diffs: PromptDiff[] = [];
  const seenPrompts = new Set<string>();
  for (const section of after.sections) {
    for (const prompt of section.prompts) {
      seenPrompts.add(prompt.id);
      const old = previous.get(prompt.id) ?? new Map<string, string>();
      const changes: AnswerChange[] = [];
      const now = new Map(prompt.answers.map((a) => [a.userId, a.text]));
      for (const answer of prompt.answers) {
        const was = old.get(answer.userId);
        if (was === undefined) changes.push({ kind: 'added', userId: answer.userId, text: answer.text });
        else if (was !== answer.text)
          changes.push({ kind: 'changed', userId: answer.userId, before: was, after: answer.text });
      }
      for (const [userId, was] of old) if (!now.has(userId)) changes.push({ kind: 'removed', userId, before: was });
      if (changes.length > 0)
        diffs.push({ sectionTitle: section.title, promptId: prompt.id, label: prompt.label, changes });
    }
  }
  // Prompts that exist only in the older version (another template version) count as removed.
  for (const section of before.sections) {
    for (const prompt of section.prompts) {
      if (seenPrompts.has(prompt.id) || prompt.answers.length === 0) continue;
      diffs.push({
        sectionTitle: section.title,
        promptId: prompt.id,
        label: prompt.label,
        changes: prompt.answers.map((a) => ({ kind: 'removed', userId: a.userId, before: a.text })),
      });
    }
  }
  return diffs;
}

export interface ConsentProgress {
  agreed: string[];
  waiting: string[];
  allAgreed: boolean;
}

export function consentProgress(members: readonly string[], agreedIds: ReadonlySet<string>): ConsentProgress {
  const { done, waiting, everyone } = splitMembers(members, agreedIds);
  return { agreed: done, waiting, allAgreed: everyone };
}

export type VersionStatus = 'proposed' | 'active' | 'superseded' | 'withdrawn';

export interface AgreementVersion {
  id: number;
  teamId: string;
  allianceId: string;
  number: number;
  roundId: number;
  content: AgreementContent;
  contentHash: string;
  status: VersionStatus;
  compiledBy: string;
  compiledAt: Date;
  activatedAt: Date | null;
  endedAt: Date | null;
  /** Who may read it: the visibility it was compiled under (a later, wider setting does not reach back). */
  visibility: 'channel' | 'members';
}

export interface Reservation {
  id: number;
  allianceId: string;
  versionId: number;
  userId: string;
  concern: string;
  watch: string;
  status: 'open' | 'resolved';
  createdAt: Date;
}
