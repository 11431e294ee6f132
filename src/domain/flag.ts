import type { SignalKind } from './signal-settings.js';
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
