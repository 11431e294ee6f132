import { z } from 'zod';

/**
 * zod schemas for everything Slack sends us. Payloads, button values and private_metadata are
 * untrusted input: listeners parse them here and never read raw fields.
 */

const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);
export const userIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
export const channelIdSchema = z.string().regex(/^[CGD][A-Z0-9]{2,}$/);

export const commandPayloadSchema = z.object({
  team_id: slackId,
  channel_id: channelIdSchema,
  user_id: userIdSchema,
  command: z.string(),
  text: z.string().default(''),
  trigger_id: z.string().min(1),
  response_url: z.url(),
});
export type CommandPayload = z.infer<typeof commandPayloadSchema>;

/** `/alliance start Core team` → { subcommand: 'start', rest: 'Core team' }. */
export function splitCommandText(text: string): { subcommand: string | null; rest: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { subcommand: null, rest: '' };
  const [first = '', ...others] = trimmed.split(/\s+/);
  return { subcommand: first.toLowerCase(), rest: trimmed.slice(first.length).trim() };
}

export const eventEnvelopeSchema = z.object({
  team_id: slackId,
  event_id: z.string().min(1),
});
