/**
 * Errors a person can cause (clicking a stale button, starting a second alliance...). Each has a
 * code for tests and logs and a message written for the person, telling them what happened and
 * what they can do next. Anything that is not an AllianceError is a bug or an outage.
 */
export type AllianceErrorCode =
  | 'alliance_exists'
  | 'no_alliance'
  | 'not_a_member'
  | 'not_the_starter'
  | 'stale_action'
  | 'invalid_input'
  | 'not_allowed_now'
  | 'pulse_closed'
  | 'no_open_pulse'
  | 'version_not_found'
  | 'channel_unreachable';

export class AllianceError extends Error {
  override readonly name = 'AllianceError';
  constructor(
    readonly code: AllianceErrorCode,
    readonly userMessage: string,
  ) {
    super(`${code}: ${userMessage}`);
  }
}

export const isAllianceError = (error: unknown): error is AllianceError => error instanceof AllianceError;
