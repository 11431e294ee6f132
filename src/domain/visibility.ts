import { MIN_ANONYMITY_THRESHOLD } from './alliance.js';

/**
 * What an audience may see of a pulse's results: one decision every surface asks (the digest post
 * and its thread, the private preview, flags and their evidence, exports), so no surface decides
 * privacy on its own.
 */

/** Who an alliance's words and figures are for: its channel, or its members only. */
export type Visibility = 'channel' | 'members';

/**
 * The visibility that governs something written or answered under `own` while the alliance is
 * `current` now: members-only if either is. Opening an alliance up to its channel applies to what
 * is written from then on, never to what was written for the members.
 */
export function visibilityInForce(current: Visibility, ...own: readonly Visibility[]): Visibility {
  return current === 'members' || own.includes('members') ? 'members' : 'channel';
}

/**
 * How a pulse's answers were given: anonymously or not, how many answers make a figure showable,
 * and for whom (the channel, or the members only).
 */
export interface PulsePrivacy {
  anonymous: boolean;
  threshold: number;
  visibility: Visibility;
}

/**
 * The rules in force for a pulse: never weaker than those its answers were given under. Anonymity,
 * once promised, stays; the threshold is the higher of the pulse's own and the current one; answers
 * given for the members stay theirs. A named pulse is read with threshold 1 unless the team has
 * since made pulses anonymous.
 */
export function rulesInForce(
  pulse: PulsePrivacy,
  current: { anonymous: boolean; anonymityThreshold: number; visibility: Visibility },
): PulsePrivacy {
  const visibility = visibilityInForce(current.visibility, pulse.visibility);
  const anonymous = pulse.anonymous || current.anonymous;
  if (!anonymous) return { anonymous: false, threshold: 1, visibility };
  const own = pulse.anonymous ? pulse.threshold : MIN_ANONYMITY_THRESHOLD;
  const now = current.anonymous ? current.anonymityThreshold : MIN_ANONYMITY_THRESHOLD;
  return { anonymous: true, threshold: Math.max(MIN_ANONYMITY_THRESHOLD, own, now), visibility };
}

/**
 * The rules for words a member wrote under their name (the agreement, a reservation) for
 * `visibility`: no anonymity to keep, only who they were written for.
 */
export function wordsWrittenFor(visibility: Visibility): PulsePrivacy {
  return { anonymous: false, threshold: 1, visibility };
}

/**
 * Whether the channel may hear no more than "something happened" of what was written or answered
 * for `own` while the alliance is `current`: the question every channel post of a members-only
 * alliance (a signal, a digest, a design announcement) asks before it says more.
 */
export function heldFromChannel(current: Visibility, ...own: readonly Visibility[]): boolean {
  return (
    decide({
      rules: wordsWrittenFor(visibilityInForce(current, ...own)),
      visibility: current,
      audience: 'channel',
      item: { kind: 'participation' },
    }) === 'hide'
  );
}

/** Who is looking: a post in the channel, a member privately, or someone who is not a member. */
export type Audience = 'channel' | 'member' | 'non-member';

/** What would be shown. */
export type Disclosure =
  /** How many answered out of how many were asked. */
  | { kind: 'participation' }
  /** A figure (average, spread) computed from `answered` answers. */
  | { kind: 'figure'; answered: number }
  /** How many of `answered` answered a given way (asked to renegotiate, still a concern, at risk…). */
  | { kind: 'count'; count: number; answered: number }
  /** People's own words (comments, reasons), from `commenters` people out of `answered`. */
  | { kind: 'words'; commenters: number; answered: number }
  /** One named person's answer (their commitment marked at risk, say). */
  | { kind: 'named-answer' }
  /** What the team wrote together or a member wrote under their name: the agreement, a reservation. */
  | { kind: 'agreement-text' };

export type Decision = 'show' | 'hide' | 'coarsen';

/** Below this many answers, an anonymous pulse's figures are shown to half points at best. */
export const PRECISE_FROM = 10;

/**
 * The one decision. Members-only alliances, and whatever was written or answered for the members
 * (`rules.visibility`), show nothing but "something happened" outside their members. Within what
 * an audience may see, an anonymous pulse shows no figure, count or words
 * that could describe fewer people than its threshold, and its figures only coarsely while few
 * answered, so colleagues who compare notes cannot work out a third person's answer.
 */
export function decide(input: {
  rules: PulsePrivacy;
  visibility: Visibility;
  audience: Audience;
  item: Disclosure;
}): Decision {
  const { rules, item } = input;
  if (visibilityInForce(input.visibility, rules.visibility) === 'members' && input.audience !== 'member') return 'hide';
  switch (item.kind) {
    case 'participation':
    case 'agreement-text':
      return 'show';
    case 'named-answer':
      return rules.anonymous ? 'hide' : 'show';
    case 'figure':
      if (item.answered < rules.threshold) return 'hide';
      return rules.anonymous && item.answered < PRECISE_FROM ? 'coarsen' : 'show';
    case 'count': {
      if (!rules.anonymous) return 'show';
      if (item.answered < rules.threshold) return 'hide';
      const others = item.answered - item.count;
      // Neither those counted nor the rest may be a group smaller than the threshold.
      if (item.count > 0 && item.count < rules.threshold) return 'hide';
      if (others > 0 && others < rules.threshold) return 'hide';
      return 'show';
    }
    case 'words':
      if (!rules.anonymous) return 'show';
      return item.answered >= rules.threshold && item.commenters >= rules.threshold ? 'show' : 'hide';
  }
}

/** A figure as it may be shown: exactly, as a half-point band, or not at all. */
export type ShownFigure = { kind: 'exact'; value: number } | { kind: 'band'; low: number; high: number } | null;

/** Applies a decision to a figure; a band is the half-point interval the value falls in. */
export function shownFigure(value: number | null, decision: Decision): ShownFigure {
  if (value === null || decision === 'hide') return null;
  if (decision === 'show') return { kind: 'exact', value };
  const low = Math.min(4.5, Math.floor(value * 2) / 2);
  return { kind: 'band', low, high: low + 0.5 };
}

/** A single number for trends and charts: the value, or the middle of its band. */
export function figureValue(figure: ShownFigure): number | null {
  if (figure === null) return null;
  return figure.kind === 'exact' ? figure.value : (figure.low + figure.high) / 2;
}

/** Content signals (scores, spread, asks, lingering concerns) read a pulse only when its figures could be shown. */
export function mayReadContent(rules: PulsePrivacy, answered: number): boolean {
  return answered >= rules.threshold;
}
