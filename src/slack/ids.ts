/**
 * Every action_id, callback_id and block_id the app uses, in one place: builders set them and
 * listeners match on them, so a rename cannot leave the two out of step.
 */

export const COMMAND = '/alliance';

export const SUBCOMMANDS = [
  'start',
  'checkin',
  'show',
  'digest',
  'renegotiate',
  'settings',
  'leave',
  'export',
  'forget',
  'archive',
  'retention',
  'help',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export const ACTIONS = {
  addAnswers: 'design.add_answers',
  compileNow: 'design.compile_now',
  agree: 'consent.agree',
  reservations: 'consent.reservations',
  amend: 'consent.amend',
  checkIn: 'pulse.check_in',
  editCheckIn: 'pulse.edit',
  startRenegotiation: 'flag.start_renegotiation',
  notNow: 'flag.not_now',
  commit: 'newcomer.commit',
  proposeChanges: 'newcomer.propose',
  flagDetails: 'flag.details',
  viewDigest: 'digest.view',
  askToJoin: 'newcomer.ask_to_join',
  admit: 'newcomer.admit',
  agreePrivacyChange: 'privacy.agree',
  keepPrivacy: 'privacy.keep',
  renegotiateFromHome: 'home.renegotiate',
} as const;

export const VIEWS = {
  setup: 'alliance.setup',
  designStep: 'design.step',
  reservation: 'consent.reservation',
  checkIn: 'pulse.check_in',
  settings: 'alliance.settings',
  setupSignals: 'alliance.setup_signals',
  snooze: 'flag.snooze',
  propose: 'newcomer.propose',
  confirmLeave: 'member.leave',
  confirmForget: 'member.forget',
  confirmArchive: 'alliance.archive',
} as const;

/** Input blocks of the setup modal; each holds one element whose action_id is `value`. */
export const SETUP_BLOCKS = {
  name: 'setup.name',
  channel: 'setup.channel',
  members: 'setup.members',
  template: 'setup.template',
  cadence: 'setup.cadence',
  pulseWeekday: 'setup.pulse_weekday',
  pulseTime: 'setup.pulse_time',
  timeZone: 'setup.time_zone',
  digestWeekday: 'setup.digest_weekday',
  digestTime: 'setup.digest_time',
  anonymous: 'setup.anonymous',
  threshold: 'setup.threshold',
  visibility: 'setup.visibility',
} as const;

export const CHECKIN_BLOCKS = {
  working: 'checkin.working',
  atRisk: 'checkin.at_risk',
  renegotiate: 'checkin.renegotiate',
  reason: 'checkin.reason',
  rating: (aspectId: string) => `rating:${aspectId}`,
  commitment: (promptId: string) => `commitment:${promptId}`,
  reservation: (reservationId: number | string) => `reservation:${reservationId}`,
} as const;

/** Inputs of the signals and celebration part (setup step 2 and settings). */
export const SIGNAL_BLOCKS = {
  enabled: 'signals.enabled',
  lowThreshold: 'signals.low_threshold',
  lowPulses: 'signals.low_pulses',
  drop: 'signals.drop',
  stdev: 'signals.stdev',
  participationPercent: 'signals.participation_percent',
  participationPulses: 'signals.participation_pulses',
  asksCount: 'signals.asks_count',
  reviewDays: 'signals.review_days',
  lingeringPulses: 'signals.lingering_pulses',
  snoozeWeeks: 'signals.snooze_weeks',
  celebrationKind: 'celebration.kind',
  celebrationThreshold: 'celebration.threshold',
  celebrationPulses: 'celebration.pulses',
} as const;

/** Inputs only the settings modal has. */
export const SETTINGS_BLOCKS = {
  openHours: 'settings.open_hours',
  reminderHours: 'settings.reminder_hours',
} as const;

export const SNOOZE_BLOCKS = {
  weeks: 'snooze.weeks',
  reason: 'snooze.reason',
} as const;

export const PROPOSE_BLOCKS = {
  text: 'propose.text',
} as const;

export const RESERVATION_BLOCKS = {
  concern: 'reservation.concern',
  watch: 'reservation.watch',
} as const;

/** The element inside every single-element input block. */
export const INPUT_ACTION = 'value';

/** Design-step inputs use the prompt id as block_id, prefixed so they never clash with others. */
export const promptBlockId = (promptId: string): string => `prompt:${promptId}`;
export const promptIdFromBlock = (blockId: string): string | null =>
  blockId.startsWith('prompt:') ? blockId.slice('prompt:'.length) : null;

export const BLOCKS = {
  helpUnknown: 'help_unknown',
  designActions: 'design.actions',
  consentActions: 'consent.actions',
} as const;
