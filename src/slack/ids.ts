/**
 * Every action_id, callback_id and block_id the app uses, in one place: builders set them and
 * listeners match on them, so a rename cannot leave the two out of step.
 */

export const COMMAND = '/alliance';

export const SUBCOMMANDS = ['start', 'checkin', 'show', 'digest', 'renegotiate', 'settings', 'help'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export const ACTIONS = {} as const;

export const VIEWS = {} as const;

export const BLOCKS = {
  helpUnknown: 'help_unknown',
} as const;
