/**
 * Block Kit validation as Slack's API enforces it, for the fake Web API and for unit tests of the
 * app's block builders.
 *
 * Every error is a string formatted exactly like the entries Slack puts in
 * `response_metadata.messages`, e.g.
 *   `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`
 * Slack phrases a `maxLength: N` failure as "must be less than N+1 characters", a `maxItems: N`
 * failure as "no more than N items allowed", a `minItems` failure as "must provide at least N
 * items", an empty string as "must be more than 0 characters", and an absent required property as
 * "missing required field: <name>" (all observed in real `invalid_blocks` / `invalid_arguments`
 * answers). Pointers for views are rooted at `/view`, as views.open/update/push/publish report them.
 *
 * Lengths are counted in Unicode code points. A few messages have no public sample to copy (duplicate
 * block_id, initial option not among the options, section without text or fields); those keep the
 * same `[ERROR] … [json-pointer:…]` shape so callers can match on the pointer.
 */

export type BlockKitSurface = 'message' | 'modal' | 'home';

/** The limits Slack documents; exported so tests can probe each boundary without magic numbers. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  url: 3000,
  blockId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputMaxLength: 3000,
  selectOptions: 100,
  selectOptionGroups: 100,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  placeholder: 150,
  viewTitle: 24,
  viewSubmit: 24,
  viewClose: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  imageAltText: 2000,
  imageTitle: 2000,
  markdownText: 12_000,
  overflowOptionsMin: 2,
  overflowOptionsMax: 5,
  checkboxOptions: 10,
  radioOptions: 10,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  accessibilityLabel: 75,
} as const;

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function charCount(value: string): number {
  return [...value].length;
}

export function formatError(message: string, pointer: string): string {
  return `[ERROR] ${message} [json-pointer:${pointer}]`;
}

/** Collects errors and the identifiers that must be unique across one message or view. */
class Ctx {
  readonly errors: string[] = [];
  readonly blockIds = new Map<string, string>();
  constructor(readonly surface: BlockKitSurface) {}

  err(message: string, pointer: string): void {
    this.errors.push(formatError(message, pointer));
  }

  maxLen(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && charCount(value) > max)
      this.err(`must be less than ${max + 1} characters`, pointer);
  }

  string(value: unknown, pointer: string, opts: { max?: number; min?: number } = {}): value is string {
    if (typeof value !== 'string') {
      this.err('must be a string', pointer);
      return false;
    }
    if (opts.min !== undefined && charCount(value) < opts.min)
      this.err(`must be more than ${opts.min - 1} characters`, pointer);
    if (opts.max !== undefined) this.maxLen(value, opts.max, pointer);
    return true;
  }

  optionalString(parent: Obj, key: string, pointer: string, max: number): void {
    if (parent[key] === undefined) return;
    this.string(parent[key], `${pointer}/${key}`, { max });
  }

  required(parent: Obj, key: string, pointer: string): boolean {
    if (parent[key] === undefined || parent[key] === null) {
      this.err(`missing required field: ${key}`, pointer);
      return false;
    }
    return true;
  }

  array(value: unknown, pointer: string, opts: { min?: number; max?: number }): value is unknown[] {
    if (!Array.isArray(value)) {
      this.err('must provide an array', pointer);
      return false;
    }
    if (opts.min !== undefined && value.length < opts.min) this.err(`must provide at least ${opts.min} items`, pointer);
    if (opts.max !== undefined && value.length > opts.max) this.err(`no more than ${opts.max} items allowed`, pointer);
    return true;
  }

  object(value: unknown, pointer: string): value is Obj {
    if (!isObject(value)) {
      this.err('must provide an object', pointer);
      return false;
    }
    return true;
  }

  bool(parent: Obj, key: string, pointer: string): void {
    if (parent[key] !== undefined && typeof parent[key] !== 'boolean')
      this.err('must be a boolean', `${pointer}/${key}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Composition objects
// ---------------------------------------------------------------------------------------------

interface TextRules {
  max?: number;
  plainOnly?: boolean;
}

/** A text object: `{ type: 'plain_text' | 'mrkdwn', text }`. */
function textObject(ctx: Ctx, value: unknown, pointer: string, rules: TextRules): void {
  if (!ctx.object(value, pointer)) return;
  const allowed = rules.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (!ctx.required(value, 'type', pointer)) return;
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    ctx.err('must be a valid enum value', `${pointer}/type`);
    return;
  }
  if (!ctx.required(value, 'text', pointer)) return;
  ctx.string(value.text, `${pointer}/text`, { min: 1, ...(rules.max !== undefined ? { max: rules.max } : {}) });
  // `emoji` exists only on plain_text; Slack rejects it on mrkdwn (a common builder mistake).
  if (value.type === 'mrkdwn' && value.emoji !== undefined) ctx.err('failed to match all allowed schemas', pointer);
  ctx.bool(value, 'emoji', pointer);
  ctx.bool(value, 'verbatim', pointer);
}

function optionalPlainText(ctx: Ctx, parent: Obj, key: string, pointer: string, max: number): void {
  if (parent[key] === undefined) return;
  textObject(ctx, parent[key], `${pointer}/${key}`, { plainOnly: true, max });
}

function requiredPlainText(ctx: Ctx, parent: Obj, key: string, pointer: string, max: number): void {
  if (!ctx.required(parent, key, pointer)) return;
  textObject(ctx, parent[key], `${pointer}/${key}`, { plainOnly: true, max });
}

function confirmObject(ctx: Ctx, value: unknown, pointer: string): void {
  if (!ctx.object(value, pointer)) return;
  requiredPlainText(ctx, value, 'title', pointer, LIMITS.confirmTitle);
  if (ctx.required(value, 'text', pointer)) textObject(ctx, value.text, `${pointer}/text`, { max: LIMITS.confirmText });
  requiredPlainText(ctx, value, 'confirm', pointer, LIMITS.confirmButton);
  requiredPlainText(ctx, value, 'deny', pointer, LIMITS.confirmButton);
  if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
    ctx.err('must be a valid enum value', `${pointer}/style`);
  }
}

interface OptionRules {
  plainOnly: boolean;
  allowUrl: boolean;
}

function optionObject(ctx: Ctx, value: unknown, pointer: string, rules: OptionRules): void {
  if (!ctx.object(value, pointer)) return;
  if (ctx.required(value, 'text', pointer)) {
    textObject(ctx, value.text, `${pointer}/text`, { plainOnly: rules.plainOnly, max: LIMITS.optionText });
  }
  if (ctx.required(value, 'value', pointer)) ctx.string(value.value, `${pointer}/value`, { max: LIMITS.optionValue });
  if (value.description !== undefined) {
    textObject(ctx, value.description, `${pointer}/description`, {
      plainOnly: rules.plainOnly,
      max: LIMITS.optionDescription,
    });
  }
  if (value.url !== undefined) {
    if (!rules.allowUrl) ctx.err('url is only allowed on overflow menu options', `${pointer}/url`);
    else ctx.string(value.url, `${pointer}/url`, { max: LIMITS.url });
  }
}

/** Two options are the same option when value and text agree (Slack compares the whole object). */
export function sameOption(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  const at = isObject(a.text) ? a.text : {};
  const bt = isObject(b.text) ? b.text : {};
  return a.value === b.value && at.text === bt.text && (at.type ?? 'plain_text') === (bt.type ?? 'plain_text');
}

/** Every option an element offers, flattening option_groups. */
export function elementOptions(element: Obj): Obj[] {
  const out: Obj[] = [];
  if (Array.isArray(element.options)) for (const o of element.options) if (isObject(o)) out.push(o);
  if (Array.isArray(element.option_groups)) {
    for (const g of element.option_groups) {
      if (isObject(g) && Array.isArray(g.options)) for (const o of g.options) if (isObject(o)) out.push(o);
    }
  }
  return out;
}

function checkInitialOptions(ctx: Ctx, element: Obj, pointer: string, multi: boolean): void {
  const offered = elementOptions(element);
  if (multi) {
    if (element.initial_options === undefined) return;
    if (!ctx.array(element.initial_options, `${pointer}/initial_options`, {})) return;
    element.initial_options.forEach((opt, i) => {
      if (!offered.some((o) => sameOption(o, opt)))
        ctx.err('must be one of the provided options', `${pointer}/initial_options/${i}`);
    });
  } else {
    if (element.initial_option === undefined) return;
    if (!offered.some((o) => sameOption(o, element.initial_option))) {
      ctx.err('must be one of the provided options', `${pointer}/initial_option`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Block elements
// ---------------------------------------------------------------------------------------------

const ACCESSORY_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'image',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'overflow',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'workflow_button',
]);
const ACTIONS_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'overflow',
  'radio_buttons',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'plain_text_input',
  'rich_text_input',
  'workflow_button',
  'email_text_input',
  'url_text_input',
  'number_input',
]);
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'timepicker',
  'url_text_input',
]);

function actionId(ctx: Ctx, element: Obj, pointer: string): void {
  ctx.optionalString(element, 'action_id', pointer, LIMITS.actionId);
}

function placeholder(ctx: Ctx, element: Obj, pointer: string): void {
  optionalPlainText(ctx, element, 'placeholder', pointer, LIMITS.placeholder);
}

function confirm(ctx: Ctx, element: Obj, pointer: string): void {
  if (element.confirm !== undefined) confirmObject(ctx, element.confirm, `${pointer}/confirm`);
}

function selectWithOptions(ctx: Ctx, element: Obj, pointer: string, multi: boolean): void {
  actionId(ctx, element, pointer);
  placeholder(ctx, element, pointer);
  confirm(ctx, element, pointer);
  const hasOptions = element.options !== undefined;
  const hasGroups = element.option_groups !== undefined;
  if (!hasOptions && !hasGroups) ctx.err('must define either `options` or `option_groups`', pointer);
  if (hasOptions && hasGroups) ctx.err('must define only one of `options` or `option_groups`', pointer);
  if (hasOptions && ctx.array(element.options, `${pointer}/options`, { min: 1, max: LIMITS.selectOptions })) {
    element.options.forEach((o, i) =>
      optionObject(ctx, o, `${pointer}/options/${i}`, { plainOnly: true, allowUrl: false }),
    );
  }
  if (
    hasGroups &&
    ctx.array(element.option_groups, `${pointer}/option_groups`, { min: 1, max: LIMITS.selectOptionGroups })
  ) {
    element.option_groups.forEach((g, gi) => {
      const gp = `${pointer}/option_groups/${gi}`;
      if (!ctx.object(g, gp)) return;
      requiredPlainText(ctx, g, 'label', gp, LIMITS.optionText);
      if (
        ctx.required(g, 'options', gp) &&
        ctx.array(g.options, `${gp}/options`, { min: 1, max: LIMITS.selectOptions })
      ) {
        g.options.forEach((o, i) => optionObject(ctx, o, `${gp}/options/${i}`, { plainOnly: true, allowUrl: false }));
      }
    });
  }
  if (multi && element.max_selected_items !== undefined) {
    if (typeof element.max_selected_items !== 'number' || element.max_selected_items < 1) {
      ctx.err('must be greater than or equal to 1', `${pointer}/max_selected_items`);
    }
  }
  checkInitialOptions(ctx, element, pointer, multi);
}

function elementCommon(ctx: Ctx, element: Obj, pointer: string): void {
  actionId(ctx, element, pointer);
  placeholder(ctx, element, pointer);
  confirm(ctx, element, pointer);
}

function validateElement(ctx: Ctx, value: unknown, pointer: string, allowed: Set<string>): void {
  if (!ctx.object(value, pointer)) return;
  const type = value.type;
  if (typeof type !== 'string' || !allowed.has(type)) {
    ctx.err('failed to match all allowed schemas', pointer);
    return;
  }
  const e = value;
  switch (type) {
    case 'button':
      requiredPlainText(ctx, e, 'text', pointer, LIMITS.buttonText);
      actionId(ctx, e, pointer);
      ctx.optionalString(e, 'url', pointer, LIMITS.url);
      ctx.optionalString(e, 'value', pointer, LIMITS.buttonValue);
      ctx.optionalString(e, 'accessibility_label', pointer, LIMITS.accessibilityLabel);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
        ctx.err('must be a valid enum value', `${pointer}/style`);
      confirm(ctx, e, pointer);
      return;
    case 'static_select':
      selectWithOptions(ctx, e, pointer, false);
      return;
    case 'multi_static_select':
      selectWithOptions(ctx, e, pointer, true);
      return;
    case 'external_select':
    case 'multi_external_select':
      elementCommon(ctx, e, pointer);
      if (e.initial_option !== undefined)
        optionObject(ctx, e.initial_option, `${pointer}/initial_option`, { plainOnly: true, allowUrl: false });
      return;
    case 'overflow':
      actionId(ctx, e, pointer);
      confirm(ctx, e, pointer);
      if (
        ctx.required(e, 'options', pointer) &&
        ctx.array(e.options, `${pointer}/options`, { min: LIMITS.overflowOptionsMin, max: LIMITS.overflowOptionsMax })
      ) {
        e.options.forEach((o, i) =>
          optionObject(ctx, o, `${pointer}/options/${i}`, { plainOnly: true, allowUrl: true }),
        );
      }
      return;
    case 'checkboxes':
    case 'radio_buttons': {
      actionId(ctx, e, pointer);
      confirm(ctx, e, pointer);
      const max = type === 'checkboxes' ? LIMITS.checkboxOptions : LIMITS.radioOptions;
      if (ctx.required(e, 'options', pointer) && ctx.array(e.options, `${pointer}/options`, { min: 1, max })) {
        e.options.forEach((o, i) =>
          optionObject(ctx, o, `${pointer}/options/${i}`, { plainOnly: false, allowUrl: false }),
        );
      }
      checkInitialOptions(ctx, e, pointer, type === 'checkboxes');
      return;
    }
    case 'plain_text_input': {
      elementCommon(ctx, e, pointer);
      const max = e.max_length;
      const min = e.min_length;
      if (
        max !== undefined &&
        (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > LIMITS.plainTextInputMaxLength)
      ) {
        ctx.err(`must be less than or equal to ${LIMITS.plainTextInputMaxLength}`, `${pointer}/max_length`);
      }
      if (
        min !== undefined &&
        (typeof min !== 'number' || !Number.isInteger(min) || min < 0 || min > LIMITS.plainTextInputMaxLength)
      ) {
        ctx.err(`must be less than or equal to ${LIMITS.plainTextInputMaxLength}`, `${pointer}/min_length`);
      }
      if (typeof min === 'number' && typeof max === 'number' && min > max)
        ctx.err('min_length must not exceed max_length', `${pointer}/min_length`);
      if (e.initial_value !== undefined && ctx.string(e.initial_value, `${pointer}/initial_value`)) {
        const limit =
          typeof max === 'number' ? Math.min(max, LIMITS.plainTextInputMaxLength) : LIMITS.plainTextInputMaxLength;
        ctx.maxLen(e.initial_value, limit, `${pointer}/initial_value`);
      }
      ctx.bool(e, 'multiline', pointer);
      return;
    }
    case 'datepicker':
      elementCommon(ctx, e, pointer);
      if (
        e.initial_date !== undefined &&
        (typeof e.initial_date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(e.initial_date))
      ) {
        ctx.err('must match the format YYYY-MM-DD', `${pointer}/initial_date`);
      }
      return;
    case 'timepicker':
      elementCommon(ctx, e, pointer);
      if (
        e.initial_time !== undefined &&
        (typeof e.initial_time !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(e.initial_time))
      ) {
        ctx.err('must match the format HH:mm', `${pointer}/initial_time`);
      }
      return;
    case 'datetimepicker':
      actionId(ctx, e, pointer);
      confirm(ctx, e, pointer);
      if (
        e.initial_date_time !== undefined &&
        (typeof e.initial_date_time !== 'number' || !Number.isInteger(e.initial_date_time))
      ) {
        ctx.err('must be an integer', `${pointer}/initial_date_time`);
      }
      return;
    case 'number_input':
      actionId(ctx, e, pointer);
      placeholder(ctx, e, pointer);
      if (ctx.required(e, 'is_decimal_allowed', pointer)) ctx.bool(e, 'is_decimal_allowed', pointer);
      return;
    case 'users_select':
    case 'multi_users_select':
    case 'conversations_select':
    case 'multi_conversations_select':
    case 'channels_select':
    case 'multi_channels_select':
    case 'email_text_input':
    case 'url_text_input':
    case 'rich_text_input':
    case 'file_input':
      elementCommon(ctx, e, pointer);
      return;
    case 'image':
      imageSource(ctx, e, pointer);
      return;
    case 'workflow_button':
      requiredPlainText(ctx, e, 'text', pointer, LIMITS.buttonText);
      actionId(ctx, e, pointer);
      ctx.required(e, 'workflow', pointer);
      return;
    default:
      return;
  }
}

/** image block / image element: `image_url` or `slack_file`, plus a required alt_text. */
function imageSource(ctx: Ctx, e: Obj, pointer: string): void {
  if (e.image_url === undefined && e.slack_file === undefined)
    ctx.err('must provide either `image_url` or `slack_file`', pointer);
  ctx.optionalString(e, 'image_url', pointer, LIMITS.url);
  if (ctx.required(e, 'alt_text', pointer)) ctx.string(e.alt_text, `${pointer}/alt_text`, { max: LIMITS.imageAltText });
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

function validateBlock(ctx: Ctx, value: unknown, pointer: string): void {
  if (!ctx.object(value, pointer)) return;
  const b = value;
  if (b.block_id !== undefined && ctx.string(b.block_id, `${pointer}/block_id`, { max: LIMITS.blockId })) {
    // block_id must be unique within one message or view (Slack: "block_id should be unique for each message").
    const first = ctx.blockIds.get(b.block_id);
    if (first !== undefined)
      ctx.err(`duplicate block_id: ${b.block_id} (first used at ${first})`, `${pointer}/block_id`);
    else ctx.blockIds.set(b.block_id, `${pointer}/block_id`);
  }
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) ctx.err('must define either `text` or `fields`', pointer);
      if (b.text !== undefined) textObject(ctx, b.text, `${pointer}/text`, { max: LIMITS.sectionText });
      if (b.fields !== undefined && ctx.array(b.fields, `${pointer}/fields`, { min: 1, max: LIMITS.sectionFields })) {
        b.fields.forEach((f, i) => textObject(ctx, f, `${pointer}/fields/${i}`, { max: LIMITS.sectionField }));
      }
      if (b.accessory !== undefined) validateElement(ctx, b.accessory, `${pointer}/accessory`, ACCESSORY_ELEMENTS);
      return;
    }
    case 'divider':
      return;
    case 'header':
      requiredPlainText(ctx, b, 'text', pointer, LIMITS.headerText);
      return;
    case 'context':
      if (
        ctx.required(b, 'elements', pointer) &&
        ctx.array(b.elements, `${pointer}/elements`, { min: 1, max: LIMITS.contextElements })
      ) {
        b.elements.forEach((el, i) => {
          const p = `${pointer}/elements/${i}`;
          if (isObject(el) && el.type === 'image') imageSource(ctx, el, p);
          else if (isObject(el) && (el.type === 'plain_text' || el.type === 'mrkdwn')) textObject(ctx, el, p, {});
          else ctx.err('failed to match all allowed schemas', p);
        });
      }
      return;
    case 'actions':
      if (
        ctx.required(b, 'elements', pointer) &&
        ctx.array(b.elements, `${pointer}/elements`, { min: 1, max: LIMITS.actionsElements })
      ) {
        b.elements.forEach((el, i) => validateElement(ctx, el, `${pointer}/elements/${i}`, ACTIONS_ELEMENTS));
      }
      return;
    case 'input':
      requiredPlainText(ctx, b, 'label', pointer, LIMITS.inputLabel);
      if (ctx.required(b, 'element', pointer)) validateElement(ctx, b.element, `${pointer}/element`, INPUT_ELEMENTS);
      optionalPlainText(ctx, b, 'hint', pointer, LIMITS.inputHint);
      ctx.bool(b, 'optional', pointer);
      ctx.bool(b, 'dispatch_action', pointer);
      return;
    case 'image':
      imageSource(ctx, b, pointer);
      optionalPlainText(ctx, b, 'title', pointer, LIMITS.imageTitle);
      return;
    case 'markdown':
      if (ctx.required(b, 'text', pointer)) ctx.string(b.text, `${pointer}/text`, { min: 1, max: LIMITS.markdownText });
      return;
    case 'rich_text':
      if (ctx.required(b, 'elements', pointer)) ctx.array(b.elements, `${pointer}/elements`, {});
      return;
    case 'file':
      if (ctx.surface !== 'message') ctx.err('failed to match all allowed schemas', pointer);
      ctx.required(b, 'external_id', pointer);
      ctx.required(b, 'source', pointer);
      return;
    case 'video':
      ctx.required(b, 'video_url', pointer);
      ctx.required(b, 'thumbnail_url', pointer);
      ctx.required(b, 'alt_text', pointer);
      ctx.required(b, 'title', pointer);
      return;
    case 'table':
      ctx.required(b, 'rows', pointer);
      return;
    default:
      ctx.err('failed to match all allowed schemas', pointer);
  }
}

function validateBlocks(ctx: Ctx, blocks: unknown, pointer: string, max: number): void {
  if (!ctx.array(blocks, pointer, { max })) return;
  blocks.forEach((b, i) => validateBlock(ctx, b, `${pointer}/${i}`));
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Slack's error code for a rejected message: which one depends on what was wrong. */
export type MessageErrorCode = 'no_text' | 'msg_too_long' | 'invalid_blocks';

export interface MessageValidation {
  /** null when the message is acceptable. */
  code: MessageErrorCode | null;
  messages: string[];
}

/**
 * Validate a message payload (`text`, `blocks`, `attachments`) as chat.postMessage, chat.update,
 * chat.postEphemeral and response_url would. Returns the error code Slack would answer with and the
 * `response_metadata.messages` it would attach.
 */
export function checkMessage(message: unknown): MessageValidation {
  const ctx = new Ctx('message');
  if (!isObject(message)) {
    ctx.err('must provide an object', '');
    return { code: 'invalid_blocks', messages: ctx.errors };
  }
  const { text, blocks, attachments } = message;
  const hasText = typeof text === 'string' && text.length > 0;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  // Slack accepts blocks (or attachments) without top-level text; only a message with nothing at all is no_text.
  if (!hasText && !hasBlocks && !hasAttachments) {
    return { code: 'no_text', messages: [formatError('missing required field: text', '')] };
  }
  if (text !== undefined && text !== null) {
    if (typeof text !== 'string') {
      ctx.err('must be a string', '/text');
      return { code: 'invalid_blocks', messages: ctx.errors };
    }
    if (charCount(text) > LIMITS.messageText) {
      return {
        code: 'msg_too_long',
        messages: [formatError(`must be less than ${LIMITS.messageText + 1} characters`, '/text')],
      };
    }
  }
  if (blocks !== undefined && blocks !== null) validateBlocks(ctx, blocks, '/blocks', LIMITS.messageBlocks);
  return { code: ctx.errors.length > 0 ? 'invalid_blocks' : null, messages: ctx.errors };
}

/** The errors Slack would report for a message; empty when the message is valid. */
export function validateMessage(message: unknown): string[] {
  return checkMessage(message).messages;
}

/** The errors Slack would report for a bare blocks array posted as a message's `blocks`. */
export function validateMessageBlocks(blocks: unknown): string[] {
  const ctx = new Ctx('message');
  validateBlocks(ctx, blocks, '/blocks', LIMITS.messageBlocks);
  return ctx.errors;
}

/**
 * The errors views.open / views.push / views.update / views.publish would report for a view
 * (`invalid_arguments` with these as `response_metadata.messages`); empty when the view is valid.
 */
export function validateView(view: unknown): string[] {
  const root = '/view';
  const type = isObject(view) ? view.type : undefined;
  const ctx = new Ctx(type === 'home' ? 'home' : 'modal');
  if (!ctx.object(view, root)) return ctx.errors;
  if (type !== 'modal' && type !== 'home') {
    ctx.err('must be a valid enum value', `${root}/type`);
    return ctx.errors;
  }
  if (type === 'modal') {
    requiredPlainText(ctx, view, 'title', root, LIMITS.viewTitle);
    optionalPlainText(ctx, view, 'submit', root, LIMITS.viewSubmit);
    optionalPlainText(ctx, view, 'close', root, LIMITS.viewClose);
  } else {
    optionalPlainText(ctx, view, 'title', root, LIMITS.viewTitle);
  }
  ctx.optionalString(view, 'private_metadata', root, LIMITS.privateMetadata);
  ctx.optionalString(view, 'callback_id', root, LIMITS.callbackId);
  ctx.optionalString(view, 'external_id', root, LIMITS.externalId);
  ctx.bool(view, 'clear_on_close', root);
  ctx.bool(view, 'notify_on_close', root);
  ctx.bool(view, 'submit_disabled', root);
  if (ctx.required(view, 'blocks', root)) {
    validateBlocks(ctx, view.blocks, `${root}/blocks`, LIMITS.viewBlocks);
    if (type === 'modal' && view.submit === undefined && Array.isArray(view.blocks)) {
      view.blocks.forEach((b, i) => {
        // Observed answer: "[ERROR] must define `submit` to use `input` block [json-pointer:/view/blocks/0/input]".
        if (isObject(b) && b.type === 'input')
          ctx.err('must define `submit` to use `input` block', `${root}/blocks/${i}/input`);
      });
    }
  }
  return ctx.errors;
}
