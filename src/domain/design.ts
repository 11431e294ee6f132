import { splitMembers } from './members.js';
import type { Prompt, Section, Template } from './templates/index.js';

/**
 * Designing an alliance: each member answers the template's prompts, one step per section. A
 * design round is the first design or a renegotiation; it ends when it is compiled into a version.
 */

export interface DesignProgress {
  finished: string[];
  waiting: string[];
  everyoneFinished: boolean;
}

export function designProgress(members: readonly string[], finishedIds: ReadonlySet<string>): DesignProgress {
  const { done, waiting, everyone } = splitMembers(members, finishedIds);
  return { finished: done, waiting, everyoneFinished: everyone };
}

/** Fewest finished members for the starter to compile early. */
export const MIN_ANSWERS_TO_COMPILE_EARLY = 2;

export function canCompileEarly(progress: DesignProgress): boolean {
  return progress.finished.length >= MIN_ANSWERS_TO_COMPILE_EARLY;
}

/** Where a member resumes: their saved step, or the start once they have finished. */
export function resumeStep(template: Template, savedStep: number | undefined, finished: boolean): number {
  if (finished || savedStep === undefined) return 0;
  return Math.min(Math.max(savedStep, 0), template.sections.length - 1);
}

export type StepErrors = Record<string, string>;

/**
 * Checks one step's answers on the server (the modal's own limits can be bypassed by a crafted
 * payload). Returns the cleaned answers and, per prompt id, what is wrong.
 */
export function validateStep(
  section: Section,
  raw: Readonly<Record<string, string | null | undefined>>,
): {
  answers: Record<string, string>;
  errors: StepErrors;
} {
  const answers: Record<string, string> = {};
  const errors: StepErrors = {};
  for (const prompt of section.prompts) {
    const text = (raw[prompt.id] ?? '').trim();
    const problem = promptProblem(prompt, text);
    if (problem) errors[prompt.id] = problem;
    answers[prompt.id] = text;
  }
  return { answers, errors };
}

function promptProblem(prompt: Prompt, text: string): string | null {
  if (prompt.required && text === '') return 'This one needs an answer; a sentence is enough.';
  if (text.length > prompt.maxLength)
    return `Please keep this under ${prompt.maxLength} characters (it has ${text.length}).`;
  return null;
}

export interface DesignRound {
  id: number;
  teamId: string;
  allianceId: string;
  status: 'open' | 'compiled' | 'cancelled';
  baseVersionId: number | null;
  reason: string | null;
  startedBy: string;
  startedAt: Date;
  announcementChannel: string | null;
  announcementTs: string | null;
  flagId: number | null;
}

export interface MemberProgress {
  userId: string;
  nextStep: number;
  finished: boolean;
}
