import { z } from 'zod';

/**
 * The signals a team agrees will tell it the agreement may no longer hold, each on or off with its
 * parameters. Defaults are what a team sees first; every field has one, so settings stored before a
 * signal existed still parse.
 */
export const signalSettingsSchema = z.object({
  lowScores: z
    .object({
      enabled: z.boolean().default(true),
      threshold: z.number().min(1).max(5).default(3),
      pulses: z.number().int().min(1).max(12).default(2),
    })
    .default({ enabled: true, threshold: 3, pulses: 2 }),
  sharpDrop: z
    .object({ enabled: z.boolean().default(true), drop: z.number().min(0.1).max(4).default(1) })
    .default({ enabled: true, drop: 1 }),
  disagreement: z
    .object({ enabled: z.boolean().default(true), stdev: z.number().min(0.5).max(2).default(1.5) })
    .default({ enabled: true, stdev: 1.5 }),
  lowParticipation: z
    .object({
      enabled: z.boolean().default(true),
      percent: z.number().int().min(1).max(100).default(50),
      pulses: z.number().int().min(1).max(12).default(2),
    })
    .default({ enabled: true, percent: 50, pulses: 2 }),
  someoneAsks: z
    .object({ enabled: z.boolean().default(true), count: z.number().int().min(1).max(50).default(1) })
    .default({ enabled: true, count: 1 }),
  membershipChange: z.object({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  reviewDate: z
    .object({ enabled: z.boolean().default(true), days: z.number().int().min(7).max(730).default(90) })
    .default({ enabled: true, days: 90 }),
  lingering: z
    .object({ enabled: z.boolean().default(true), pulses: z.number().int().min(1).max(12).default(3) })
    .default({ enabled: true, pulses: 3 }),
  /** How long "Not now" quiets a flag. */
  snoozeWeeks: z.number().int().min(1).max(12).default(2),
});

export type SignalSettings = z.infer<typeof signalSettingsSchema>;
export type SignalKind = Exclude<keyof SignalSettings, 'snoozeWeeks'>;

export const SIGNAL_KINDS: readonly SignalKind[] = [
  'lowScores',
  'sharpDrop',
  'disagreement',
  'lowParticipation',
  'someoneAsks',
  'membershipChange',
  'reviewDate',
  'lingering',
];

export const DEFAULT_SIGNALS: SignalSettings = signalSettingsSchema.parse({});

export const SIGNAL_NAMES: Record<SignalKind, string> = {
  lowScores: 'Low scores',
  sharpDrop: 'Sharp drop',
  disagreement: 'Disagreement',
  lowParticipation: 'Low participation',
  someoneAsks: 'Someone asks',
  membershipChange: 'Membership change',
  reviewDate: 'Review date',
  lingering: 'Lingering concern',
};

/** One line per signal, as the settings and setup modals describe it. */
export function describeSignal(kind: SignalKind, s: SignalSettings): string {
  switch (kind) {
    case 'lowScores':
      return `An average below ${s.lowScores.threshold.toFixed(1)} for ${s.lowScores.pulses} pulses in a row`;
    case 'sharpDrop':
      return `An average falls by ${s.sharpDrop.drop.toFixed(1)} or more from one pulse to the next`;
    case 'disagreement':
      return `Ratings spread widely (standard deviation ${s.disagreement.stdev.toFixed(1)} or more)`;
    case 'lowParticipation':
      return `Fewer than ${s.lowParticipation.percent}% answer, ${s.lowParticipation.pulses} pulses in a row`;
    case 'someoneAsks':
      return (
        `${s.someoneAsks.count} or more ` +
        `${s.someoneAsks.count === 1 ? 'member asks' : 'members ask'} to renegotiate in a pulse`
      );
    case 'membershipChange':
      return 'Someone joins or leaves the team';
    case 'reviewDate':
      return `The agreement has been in effect for ${s.reviewDate.days} days`;
    case 'lingering':
      return `A reservation or commitment stays at risk for ${s.lingering.pulses} pulses in a row`;
  }
}

/** When the team celebrates: agreed up front, reported by the digest once per streak. */
export const celebrationSchema = z
  .object({
    kind: z.enum(['off', 'aspects_at_least', 'full_participation']).default('aspects_at_least'),
    threshold: z.number().min(1).max(5).default(4),
    pulses: z.number().int().min(1).max(12).default(4),
  })
  .default({ kind: 'aspects_at_least', threshold: 4, pulses: 4 });

export type CelebrationTarget = z.infer<typeof celebrationSchema>;

export const DEFAULT_CELEBRATION: CelebrationTarget = celebrationSchema.parse(undefined);

export function describeCelebration(c: CelebrationTarget): string {
  if (c.kind === 'off') return 'No celebration target';
  if (c.kind === 'full_participation') return `Everyone answers, ${c.pulses} pulses in a row`;
  return `Every part averages ${c.threshold.toFixed(1)} or more, ${c.pulses} pulses in a row`;
}

/** The signals and celebration inputs as a modal collects them: numbers still as text. */
export interface SignalsForm {
  enabled: readonly string[];
  lowThreshold: string;
  lowPulses: string;
  drop: string;
  stdev: string;
  participationPercent: string;
  participationPulses: string;
  asksCount: string;
  reviewDays: string;
  lingeringPulses: string;
  snoozeWeeks: string;
  celebrationKind: string | null;
  celebrationThreshold: string;
  celebrationPulses: string;
}

export type SignalsField = keyof SignalsForm;

function numberIn(text: string, min: number, max: number, integer: boolean): number | null {
  const value = Number(text.trim().replace(',', '.'));
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) return null;
  if (integer && !Number.isInteger(value)) return null;
  return value;
}

/** Checks the signals and celebration inputs; each problem names its range. */
export function validateSignalsForm(
  form: SignalsForm,
):
  | { ok: true; signals: SignalSettings; celebration: CelebrationTarget }
  | { ok: false; errors: Partial<Record<SignalsField, string>> } {
  const errors: Partial<Record<SignalsField, string>> = {};
  const read = (field: SignalsField, min: number, max: number, integer: boolean): number => {
    const value = numberIn(String(form[field] ?? ''), min, max, integer);
    if (value === null)
      errors[field] = integer
        ? `Use a whole number from ${min} to ${max}.`
        : `Use a number from ${min} to ${max}, e.g. ${((min + max) / 2).toFixed(1)}.`;
    return value ?? min;
  };
  const on = (kind: SignalKind) => form.enabled.includes(kind);
  const signals: SignalSettings = {
    lowScores: {
      enabled: on('lowScores'),
      threshold: read('lowThreshold', 1, 5, false),
      pulses: read('lowPulses', 1, 12, true),
    },
    sharpDrop: { enabled: on('sharpDrop'), drop: read('drop', 0.1, 4, false) },
    disagreement: { enabled: on('disagreement'), stdev: read('stdev', 0.5, 2, false) },
    lowParticipation: {
      enabled: on('lowParticipation'),
      percent: read('participationPercent', 1, 100, true),
      pulses: read('participationPulses', 1, 12, true),
    },
    someoneAsks: { enabled: on('someoneAsks'), count: read('asksCount', 1, 50, true) },
    membershipChange: { enabled: on('membershipChange') },
    reviewDate: { enabled: on('reviewDate'), days: read('reviewDays', 7, 730, true) },
    lingering: { enabled: on('lingering'), pulses: read('lingeringPulses', 1, 12, true) },
    snoozeWeeks: read('snoozeWeeks', 1, 12, true),
  };
  const kind = form.celebrationKind;
  if (kind !== 'off' && kind !== 'aspects_at_least' && kind !== 'full_participation')
    errors.celebrationKind = 'Choose when the team celebrates.';
  const celebration: CelebrationTarget = {
    kind: kind === 'off' || kind === 'full_participation' ? kind : 'aspects_at_least',
    threshold: read('celebrationThreshold', 1, 5, false),
    pulses: read('celebrationPulses', 1, 12, true),
  };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, signals, celebration };
}

/** The signals and celebration as the form shows them: the inverse of `validateSignalsForm`. */
export function signalsFormOf(signals: SignalSettings, celebration: CelebrationTarget): SignalsForm {
  return {
    enabled: SIGNAL_KINDS.filter((kind) => signals[kind].enabled),
    lowThreshold: String(signals.lowScores.threshold),
    lowPulses: String(signals.lowScores.pulses),
    drop: String(signals.sharpDrop.drop),
    stdev: String(signals.disagreement.stdev),
    participationPercent: String(signals.lowParticipation.percent),
    participationPulses: String(signals.lowParticipation.pulses),
    asksCount: String(signals.someoneAsks.count),
    reviewDays: String(signals.reviewDate.days),
    lingeringPulses: String(signals.lingering.pulses),
    snoozeWeeks: String(signals.snoozeWeeks),
    celebrationKind: celebration.kind,
    celebrationThreshold: String(celebration.threshold),
    celebrationPulses: String(celebration.pulses),
  };
}
