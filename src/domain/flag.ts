import { SIGNAL_NAMES, type SignalKind } from './signal-settings.js';
import type { Evidence } from './signals.js';

/** A signal raised for an alliance, with its evidence, and what the team did about it. */

export type FlagState = 'open' | 'snoozed' | 'renegotiating' | 'resolved';

export interface Flag {
  id: number;
  teamId: string;
  allianceId: string;
  kind: SignalKind;
  occurrenceKey: string;
  evidence: Evidence;
  state: FlagState;
  snoozedUntil: Date | null;
  snoozedBy: string | null;
  snoozeReason: string | null;
  roundId: number | null;
  messageChannel: string | null;
  messageTs: string | null;
  createdAt: Date;
}

/** How a renegotiation started from a flag is described in the version history. */
export function renegotiationReason(flag: Pick<Flag, 'kind' | 'evidence'>): string {
  if (flag.evidence.kind === 'membershipChange' && flag.evidence.cause === 'proposal') {
    return 'Signal: a newcomer proposed changes';
  }
  return `Signal: ${SIGNAL_NAMES[flag.kind].toLowerCase()}`;
}
