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

/**
 * `app_uninstalled` and `tokens_revoked`: when Slack says it happened, and in an Enterprise Grid
 * organization whether it was the org-wide installation.
 */
export const accessLostEnvelopeSchema = eventEnvelopeSchema.extend({
  event_time: z.number().int().positive().optional(),
  enterprise_id: slackId.nullish(),
  authorizations: z
    .array(z.object({ enterprise_id: slackId.nullish(), is_enterprise_install: z.boolean().optional() }))
    .optional(),
});

export const tokensRevokedSchema = accessLostEnvelopeSchema.extend({
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
//
// Button values and private_metadata are kept short on the wire (Slack caps them), so each carries
// one-letter keys. Each codec below is the only place that knows them: parsing (zod's decode)
// turns the text into named fields, and `encode` writes named fields back as that text.

/**
 * A short-keyed JSON object on the wire, named fields inside the app, as one zod codec: parsing
 * decodes the text (JSON, then the wire shape, then the names), `encode` writes it back.
 */
function ref<Wire extends z.ZodObject, Named extends z.ZodObject>(
  wire: Wire,
  named: Named,
  decode: (wire: z.output<Wire>) => z.input<Named>,
  encode: (named: z.input<Named>) => z.input<Wire>,
) {
  return z.codec(z.string().max(3000), named, {
    decode: (text, ctx) => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        ctx.issues.push({ code: 'invalid_format', format: 'json', input: text, message: 'not JSON' });
        return z.NEVER;
      }
      const parsed = wire.safeParse(json);
      if (!parsed.success) {
        ctx.issues.push({ code: 'custom', input: text, message: 'not the expected shape' });
        return z.NEVER;
      }
      return decode(parsed.data);
    },
    encode: (value) => JSON.stringify(encode(value)),
  });
}

const positiveId = z.number().int().positive();
const editKeySchema = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/);

export const roundRef = ref(
  z.object({ a: allianceIdSchema, r: positiveId }),
  z.object({ allianceId: allianceIdSchema, roundId: positiveId }),
  (w) => ({ allianceId: w.a, roundId: w.r }),
  (n) => ({ a: n.allianceId, r: n.roundId }),
);
export type RoundRef = z.output<typeof roundRef>;

export const versionRef = ref(
  z.object({ a: allianceIdSchema, v: positiveId }),
  z.object({ allianceId: allianceIdSchema, versionId: positiveId }),
  (w) => ({ allianceId: w.a, versionId: w.v }),
  (n) => ({ a: n.allianceId, v: n.versionId }),
);
export type VersionRef = z.output<typeof versionRef>;

export const allianceRef = ref(
  z.object({ a: allianceIdSchema }),
  z.object({ allianceId: allianceIdSchema }),
  (w) => ({ allianceId: w.a }),
  (n) => ({ a: n.allianceId }),
);

export const flagRef = ref(
  z.object({ f: positiveId }),
  z.object({ flagId: positiveId }),
  (w) => ({ flagId: w.f }),
  (n) => ({ f: n.flagId }),
);

/** A pulse, and for an anonymous member's own answer the edit key only their DM button holds. */
export const pulseRef = ref(
  z.object({ p: positiveId, k: editKeySchema.optional() }),
  z.object({ pulseId: positiveId, editKey: editKeySchema.optional() }),
  (w) => (w.k ? { pulseId: w.p, editKey: w.k } : { pulseId: w.p }),
  (n) => (n.editKey ? { p: n.pulseId, k: n.editKey } : { p: n.pulseId }),
);
export type PulseRef = z.output<typeof pulseRef>;

/** Which step of the design prompts a modal shows. */
export const designStepRef = ref(
  z.object({ a: allianceIdSchema, r: positiveId, s: z.number().int().min(0).max(20) }),
  z.object({ allianceId: allianceIdSchema, roundId: positiveId, step: z.number().int().min(0).max(20) }),
  (w) => ({ allianceId: w.a, roundId: w.r, step: w.s }),
  (n) => ({ a: n.allianceId, r: n.roundId, s: n.step }),
);
export type DesignStepRef = z.output<typeof designStepRef>;

/** The channel `/alliance start` was typed in. */
export const setupRef = ref(
  z.object({ c: channelIdSchema }),
  z.object({ channelId: channelIdSchema }),
  (w) => ({ channelId: w.c }),
  (n) => ({ c: n.channelId }),
);

const nullableText = z.string().max(200).nullable();
const carriedForm = z.object({
  name: z.string().max(200),
  channelId: nullableText,
  members: z.array(userIdSchema).max(100).readonly(),
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
});

/** Step 1 of setup, carried to step 2 in private_metadata; re-validated there like any input. */
export const carriedSetup = ref(
  z.object({ c: channelIdSchema, f: carriedForm }),
  z.object({ channelId: channelIdSchema, form: carriedForm }),
  (w) => ({ channelId: w.c, form: w.f }),
  (n) => ({ c: n.channelId, f: n.form }),
);

/** A person's request to join an alliance, as the "Admit" button carries it. */
export const admissionRef = ref(
  z.object({ a: allianceIdSchema, u: userIdSchema }),
  z.object({ allianceId: allianceIdSchema, userId: userIdSchema }),
  (w) => ({ allianceId: w.a, userId: w.u }),
  (n) => ({ a: n.allianceId, u: n.userId }),
);

/** A proposed change of privacy settings. */
export const privacyChangeRef = ref(
  z.object({ c: positiveId }),
  z.object({ changeId: positiveId }),
  (w) => ({ changeId: w.c }),
  (n) => ({ c: n.changeId }),
);

/** A form that carries nothing of its own (who submits it is in the signed payload). */
export const emptyRef = ref(
  z.object({}),
  z.object({}),
  () => ({}),
  () => ({}),
);
