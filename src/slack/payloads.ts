import { z } from 'zod';

/**
 * zod schemas for everything Slack sends us. Payloads, button values and private_metadata are
 * untrusted input: listeners parse them here and never read raw fields. A value that does not
 * parse is treated as tampered or stale.
 */

const slackId = z.string().regex(/^[A-Z0-9]{2,}$/);
export const userIdSchema = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
export const channelIdSchema = z.string().regex(/^[CGD][A-Z0-9]{2,}$/);
export const allianceIdSchema = z.string().regex(/^al_[a-z0-9]{10,}$/);

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
  void others;
  return { subcommand: first.toLowerCase(), rest: trimmed.slice(first.length).trim() };
}

export const eventEnvelopeSchema = z.object({
  team_id: slackId,
  event_id: z.string().min(1),
});

export const tokensRevokedSchema = eventEnvelopeSchema.extend({
  event: z.object({
    type: z.literal('tokens_revoked'),
    tokens: z.object({ bot: z.array(z.string()).optional(), oauth: z.array(z.string()).optional() }),
  }),
});

export const homeOpenedSchema = eventEnvelopeSchema.extend({
  event: z.object({ type: z.literal('app_home_opened'), user: userIdSchema, tab: z.string().optional() }),
});

export const userChangeSchema = eventEnvelopeSchema.extend({
  event: z.object({
    type: z.literal('user_change'),
    user: z.object({ id: userIdSchema, deleted: z.boolean().default(false) }),
  }),
});

export const membershipEventSchema = eventEnvelopeSchema.extend({
  event: z.object({
    type: z.enum(['member_joined_channel', 'member_left_channel']),
    user: userIdSchema,
    channel: channelIdSchema,
  }),
});

/** Parses a JSON string (button value, private_metadata) and then its shape. */
export function jsonOf<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .max(3000)
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

// ---- Block Kit state -------------------------------------------------------------------------

const optionValue = z.object({ value: z.string() });
const elementState = z
  .object({
    type: z.string(),
    value: z.string().nullish(),
    selected_option: optionValue.nullish(),
    selected_options: z.array(optionValue).nullish(),
    selected_users: z.array(z.string()).nullish(),
    selected_user: z.string().nullish(),
    selected_conversation: z.string().nullish(),
    selected_channel: z.string().nullish(),
    selected_time: z.string().nullish(),
  })
  .loose();
export const stateValuesSchema = z.record(z.string(), z.record(z.string(), elementState));
export type StateValues = z.infer<typeof stateValuesSchema>;

/** Reads one element's value out of `view.state.values`, whatever kind of input it is. */
export function stateReader(values: StateValues, actionId: string) {
  const element = (blockId: string) => values[blockId]?.[actionId];
  return {
    text: (blockId: string): string => element(blockId)?.value ?? '',
    option: (blockId: string): string | null => element(blockId)?.selected_option?.value ?? null,
    options: (blockId: string): string[] => (element(blockId)?.selected_options ?? []).map((o) => o.value),
    users: (blockId: string): string[] => element(blockId)?.selected_users ?? [],
    conversation: (blockId: string): string | null =>
      element(blockId)?.selected_conversation ?? element(blockId)?.selected_channel ?? null,
    time: (blockId: string): string | null => element(blockId)?.selected_time ?? null,
  };
}

// ---- Interactive payloads --------------------------------------------------------------------

const viewSchema = z.object({
  id: z.string().min(1),
  callback_id: z.string(),
  private_metadata: z.string().default(''),
  hash: z.string().optional(),
  state: z.object({ values: stateValuesSchema }).default({ values: {} }),
});

const viewPayload = <T extends 'view_submission' | 'view_closed'>(type: T) =>
  z.object({
    type: z.literal(type),
    team: z.object({ id: slackId }),
    user: z.object({ id: userIdSchema }),
    view: viewSchema,
  });

export const viewSubmissionSchema = viewPayload('view_submission');
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

export const viewClosedSchema = viewPayload('view_closed');
export type ViewClosed = z.infer<typeof viewClosedSchema>;

export const blockActionSchema = z.object({
  type: z.literal('block_actions'),
  team: z.object({ id: slackId }),
  user: z.object({ id: userIdSchema }),
  trigger_id: z.string().min(1),
  response_url: z.url().optional(),
  channel: z.object({ id: channelIdSchema }).optional(),
  container: z
    .object({
      type: z.string(),
      channel_id: z.string().optional(),
      message_ts: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
      view_id: z.string().optional(),
    })
    .optional(),
  actions: z
    .array(z.object({ action_id: z.string(), block_id: z.string().optional(), value: z.string().optional() }))
    .min(1),
});
export type BlockAction = z.infer<typeof blockActionSchema>;

// ---- Our own values: buttons and private_metadata ----------------------------------------------

export const roundRefSchema = jsonOf(z.object({ a: allianceIdSchema, r: z.number().int().positive() }));
export const versionRefSchema = jsonOf(z.object({ a: allianceIdSchema, v: z.number().int().positive() }));
export const setupMetadataSchema = jsonOf(z.object({ c: channelIdSchema }));
export const stepMetadataSchema = jsonOf(
  z.object({ a: allianceIdSchema, r: z.number().int().positive(), s: z.number().int().min(0).max(20) }),
);

export const pulseRefSchema = jsonOf(
  z.object({
    p: z.number().int().positive(),
    k: z
      .string()
      .regex(/^[A-Za-z0-9_-]{20,64}$/)
      .optional(),
  }),
);

const nullableText = z.string().max(200).nullable();
/** Step 1 of setup, carried to step 2 in private_metadata; re-validated there like any input. */
export const carriedSetupSchema = jsonOf(
  z.object({
    c: channelIdSchema,
    f: z.object({
      name: z.string().max(200),
      channelId: nullableText,
      members: z.array(userIdSchema).max(100),
      templateId: nullableText,
      cadence: nullableText,
      pulseWeekday: nullableText,
      pulseTime: nullableText,
      timeZone: nullableText,
      digestWeekday: nullableText,
      digestTime: nullableText,
      anonymous: z.boolean(),
      anonymityThreshold: z.string().max(10),
      visibility: nullableText,
    }),
  }),
);

export const flagRefSchema = jsonOf(z.object({ f: z.number().int().positive() }));

export const allianceRefSchema = jsonOf(z.object({ a: allianceIdSchema }));

export const encode = (value: Record<string, unknown>): string => JSON.stringify(value);
