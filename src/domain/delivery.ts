/** A direct message queued in the outbox, and where it stands. */

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'unreachable' | 'failed' | 'cancelled';

export interface Delivery {
  id: number;
  teamId: string;
  allianceId: string;
  kind: string;
  subjectId: number;
  userId: string;
  state: DeliveryState;
  attempts: number;
  dmChannelId: string | null;
  ts: string | null;
  error: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Every kind of direct message the outbox sends; each is rendered when it is sent. */
export const DELIVERY_KINDS = {
  designInvite: 'design_invite',
  pulseInvite: 'pulse_invite',
  pulseReminder: 'pulse_reminder',
  newcomerWelcome: 'newcomer_welcome',
  joinInvitation: 'join_invitation',
  reportUnreachable: 'report_unreachable',
} as const;
