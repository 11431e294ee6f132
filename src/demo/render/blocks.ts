/**
 * Block Kit → HTML, for messages, modals and the App Home, as a simplified Slack client shows them.
 *
 * Pure functions of the JSON the app sent and of who is looking (names, time zone). Every string
 * from the blocks goes through `escapeHtml` or the mrkdwn renderer before it reaches the HTML.
 * Interactive parts carry data attributes (`data-action-id`, `data-block-id`, `data-type`) that
 * the page reads to send the click or the submission to the app, as Slack would.
 */
import { elementOptions, isObject } from '../../simulator/block-kit.js';
import { escapeHtml, type MrkdwnContext, renderMrkdwn, renderPlainText } from './mrkdwn.js';

export interface Person {
  id: string;
  name: string;
}

export interface RenderContext extends MrkdwnContext {
  /** Who can be picked in user pickers. */
  people: readonly Person[];
  /** Which conversations can be picked in conversation pickers. */
  channels: readonly Person[];
  /** Where the page can load a file Slack stores (images of `slack_file`). */
  fileUrl(fileId: string): string;
}

export interface BlocksOptions {
  /** The view's `state.values`: what the person last entered, shown instead of the initial values. */
  state?: Record<string, Record<string, unknown>>;
  /** `response_action: errors`: a message under each named input block. */
  errors?: Record<string, string>;
}

type Obj = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const attr = (name: string, value: string | undefined): string =>
  value === undefined ? '' : ` ${name}="${escapeHtml(value)}"`;

/** A text object (plain_text or mrkdwn). */
export function renderText(text: unknown, ctx: RenderContext): string {
  if (!isObject(text)) return '';
  const value = str(text.text) ?? '';
  if (text.type === 'mrkdwn') return renderMrkdwn(value, ctx);
  return renderPlainText(value, text.emoji !== false);
}

const plainOf = (text: unknown): string => (isObject(text) ? (str(text.text) ?? '') : '');

// ---------------------------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------------------------

function optionValue(option: unknown): string | undefined {
  return isObject(option) ? str(option.value) : undefined;
}

/** The element's current value: what was entered (view state) or else its initial value. */
function current(element: Obj, entered: Obj | undefined): unknown {
  const type = str(element.type);
  const has = (key: string) => entered !== undefined && Object.hasOwn(entered, key);
  switch (type) {
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input':
      return has('value') ? entered?.value : element.initial_value;
    case 'static_select':
    case 'radio_buttons':
    case 'external_select':
      return optionValue(has('selected_option') ? entered?.selected_option : element.initial_option);
    case 'checkboxes':
    case 'multi_static_select':
    case 'multi_external_select': {
      const list = has('selected_options') ? entered?.selected_options : element.initial_options;
      return Array.isArray(list) ? list.map(optionValue).filter((v) => v !== undefined) : [];
    }
    case 'users_select':
      return has('selected_user') ? entered?.selected_user : element.initial_user;
    case 'multi_users_select':
      return (has('selected_users') ? entered?.selected_users : element.initial_users) ?? [];
    case 'conversations_select':
      return has('selected_conversation') ? entered?.selected_conversation : element.initial_conversation;
    case 'multi_conversations_select':
      return (has('selected_conversations') ? entered?.selected_conversations : element.initial_conversations) ?? [];
    case 'channels_select':
      return has('selected_channel') ? entered?.selected_channel : element.initial_channel;
    case 'multi_channels_select':
      return (has('selected_channels') ? entered?.selected_channels : element.initial_channels) ?? [];
    case 'datepicker':
      return has('selected_date') ? entered?.selected_date : element.initial_date;
    case 'timepicker':
      return has('selected_time') ? entered?.selected_time : element.initial_time;
    case 'datetimepicker':
      return has('selected_date_time') ? entered?.selected_date_time : element.initial_date_time;
    default:
      return undefined;
  }
}

function button(element: Obj, blockId: string | undefined, ctx: RenderContext): string {
  const style = str(element.style);
  const cls = `bk-button${style === 'primary' || style === 'danger' ? ` bk-${style}` : ''}`;
  const label = renderText(element.text, ctx);
  const url = str(element.url);
  if (url !== undefined && /^https?:\/\//i.test(url)) {
    return `<a class="${cls}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
  }
  const confirm = isObject(element.confirm) ? element.confirm : undefined;
  return `<button type="button" class="${cls}" data-kind="button"${attr('data-action-id', str(element.action_id))}${attr('data-value', str(element.value))}${attr('data-block-id', blockId)}${
    confirm
      ? `${attr('data-confirm-title', plainOf(confirm.title))}${attr('data-confirm-text', plainOf(confirm.text))}${attr('data-confirm-yes', plainOf(confirm.confirm))}`
      : ''
  }>${label}</button>`;
}

function selectOptions(element: Obj, selected: unknown, placeholder: string): string {
  const chosen = typeof selected === 'string' ? selected : undefined;
  const option = (o: Obj) => {
    const value = optionValue(o) ?? '';
    return `<option value="${escapeHtml(value)}"${value === chosen ? ' selected' : ''}>${escapeHtml(plainOf(o.text))}</option>`;
  };
  let html = `<option value=""${chosen === undefined ? ' selected' : ''}>${escapeHtml(placeholder)}</option>`;
  if (Array.isArray(element.option_groups)) {
    for (const g of element.option_groups) {
      if (!isObject(g) || !Array.isArray(g.options)) continue;
      html += `<optgroup label="${escapeHtml(plainOf(g.label))}">${g.options.filter(isObject).map(option).join('')}</optgroup>`;
    }
  } else {
    html += elementOptions(element).map(option).join('');
  }
  return html;
}

function pickerOptions(list: readonly Person[], selected: unknown, placeholder: string): string {
  const chosen = typeof selected === 'string' ? selected : undefined;
  return [
    `<option value=""${chosen === undefined ? ' selected' : ''}>${escapeHtml(placeholder)}</option>`,
    ...list.map(
      (p) => `<option value="${escapeHtml(p.id)}"${p.id === chosen ? ' selected' : ''}>${escapeHtml(p.name)}</option>`,
    ),
  ].join('');
}

/** Toggle chips, one per choice: how multi-selects appear here (few choices, all in sight). */
function chips(choices: { value: string; label: string; avatar?: string }[], selected: unknown, name: string): string {
  const set = new Set(Array.isArray(selected) ? selected.map(String) : []);
  return `<div class="bk-chips">${choices
    .map(
      (c) =>
        `<label class="bk-chip"><input type="checkbox" name="${escapeHtml(name)}" ` +
        `value="${escapeHtml(c.value)}"${set.has(c.value) ? ' checked' : ''}>${c.avatar ?? ''}<span>${escapeHtml(c.label)}</span></label>`,
    )
    .join('')}</div>`;
}

function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0] ?? '')
    .join('');
  return letters.slice(0, 2).toUpperCase();
}

function miniAvatar(person: Person): string {
  const id = escapeHtml(person.id);
  return `<span class="bk-mini-avatar" data-user="${id}">${escapeHtml(initials(person.name))}</span>`;
}

function choiceList(element: Obj, selected: unknown, kind: 'radio' | 'checkbox', name: string, ctx: RenderContext) {
  const set = new Set(Array.isArray(selected) ? selected.map(String) : typeof selected === 'string' ? [selected] : []);
  return `<div class="bk-choices">${elementOptions(element)
    .map((o) => {
      const value = optionValue(o) ?? '';
      const description = isObject(o.description)
        ? `<span class="bk-choice-description">${renderText(o.description, ctx)}</span>`
        : '';
      return (
        `<label class="bk-choice"><input type="${kind}" name="${escapeHtml(name)}" ` +
        `value="${escapeHtml(value)}"${set.has(value) ? ' checked' : ''}><span ` +
        `class="bk-choice-text"><span>${renderText(o.text, ctx)}</span>${description}</span></label>`
      );
    })
    .join('')}</div>`;
}

function zonedLocal(seconds: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const p of format.formatToParts(new Date(seconds * 1000))) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/**
 * A form control for a stateful element. `name` groups radio buttons and chips; `required` is
 * true inside a non-optional input block (the page refuses to submit it empty, as Slack does).
 */
export function renderElement(
  element: unknown,
  ctx: RenderContext,
  options: { blockId?: string; entered?: Obj; required?: boolean; disabled?: boolean } = {},
): string {
  if (!isObject(element)) return '';
  const type = str(element.type) ?? '';
  const name = `${options.blockId ?? 'block'}:${str(element.action_id) ?? type}`;
  const value = current(element, options.entered);
  const placeholder = plainOf(element.placeholder);
  const req = options.required ? ' required' : '';
  const dis = options.disabled ? ' disabled' : '';
  const common = `${attr('name', name)}${attr('placeholder', placeholder || undefined)}${req}${dis}`;
  const text = typeof value === 'string' ? value : '';
  switch (type) {
    case 'button':
      return button(element, options.blockId, ctx);
    case 'plain_text_input':
    case 'rich_text_input': {
      const max = typeof element.max_length === 'number' ? attr('maxlength', String(element.max_length)) : '';
      const min = typeof element.min_length === 'number' ? attr('minlength', String(element.min_length)) : '';
      if (element.multiline === true || type === 'rich_text_input')
        return `<textarea class="bk-field" rows="3"${common}${max}${min}>${escapeHtml(text)}</textarea>`;
      return `<input class="bk-field" type="text"${common}${max}${min} value="${escapeHtml(text)}">`;
    }
    case 'email_text_input':
      return `<input class="bk-field" type="email"${common} value="${escapeHtml(text)}">`;
    case 'url_text_input':
      return `<input class="bk-field" type="url"${common} value="${escapeHtml(text)}">`;
    case 'number_input': {
      const decimal = element.is_decimal_allowed === true;
      return (
        `<input class="bk-field bk-number" type="number" ` +
        `step="${decimal ? 'any' : '1'}"${attr('min', str(element.min_value))}${attr('max', str(element.max_value))}${common} value="${escapeHtml(text)}">`
      );
    }
    case 'static_select':
    case 'external_select':
      return `<select class="bk-field"${attr('name', name)}${req}${dis}>${selectOptions(element, value, placeholder || 'Select an item')}</select>`;
    case 'multi_static_select':
    case 'multi_external_select':
      return chips(
        elementOptions(element).map((o) => ({ value: optionValue(o) ?? '', label: plainOf(o.text) })),
        value,
        name,
      );
    case 'users_select':
      return `<select class="bk-field"${attr('name', name)}${req}${dis}>${pickerOptions(ctx.people, value, placeholder || 'Select a person')}</select>`;
    case 'multi_users_select':
      return chips(
        ctx.people.map((p) => ({ value: p.id, label: p.name, avatar: miniAvatar(p) })),
        value,
        name,
      );
    case 'conversations_select':
    case 'channels_select':
      return `<select class="bk-field"${attr('name', name)}${req}${dis}>${pickerOptions(
        ctx.channels.map((c) => ({ id: c.id, name: `#${c.name}` })),
        value,
        placeholder || 'Select a channel',
      )}</select>`;
    case 'multi_conversations_select':
    case 'multi_channels_select':
      return chips(
        ctx.channels.map((c) => ({ value: c.id, label: `#${c.name}` })),
        value,
        name,
      );
    case 'radio_buttons':
      return choiceList(element, value, 'radio', name, ctx);
    case 'checkboxes':
      return choiceList(element, value, 'checkbox', name, ctx);
    case 'datepicker':
      return `<input class="bk-field bk-short" type="date"${common} value="${escapeHtml(text)}">`;
    case 'timepicker':
      return `<input class="bk-field bk-short" type="time"${common} value="${escapeHtml(text)}">`;
    case 'datetimepicker':
      return `<input class="bk-field bk-short" type="datetime-local"${common} value="${
        typeof value === 'number' ? escapeHtml(zonedLocal(value, ctx.timeZone)) : ''
      }">`;
    case 'image':
      return image(element, ctx, 'bk-accessory-image');
    case 'overflow':
      return `<span class="bk-overflow" title="More actions">⋯</span>`;
    default:
      return `<span class="bk-unsupported">${escapeHtml(type || 'element')} is not shown in this demo</span>`;
  }
}

function imageSource(image: Obj, ctx: RenderContext): string | undefined {
  const url = str(image.image_url);
  if (url !== undefined && /^https?:\/\//i.test(url)) return url;
  const file = isObject(image.slack_file) ? image.slack_file : undefined;
  if (file && typeof file.id === 'string') return ctx.fileUrl(file.id);
  return undefined;
}

function image(element: Obj, ctx: RenderContext, cls: string): string {
  const src = imageSource(element, ctx);
  const alt = str(element.alt_text) ?? '';
  if (src === undefined) return `<span class="bk-unsupported">${escapeHtml(alt)}</span>`;
  return `<img class="${cls}" src="${escapeHtml(src)}" alt="${escapeHtml(alt)}">`;
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

/** Element types that only make sense inside modals and the App Home (Slack's `state`). */
const INPUT_TYPES_SHOWN_IN_ACTIONS = new Set(['button', 'overflow']);

function renderBlock(block: unknown, ctx: RenderContext, options: BlocksOptions): string {
  if (!isObject(block)) return '';
  const blockId = str(block.block_id);
  const idAttr = attr('data-block-id', blockId);
  switch (block.type) {
    case 'header':
      return `<div class="bk-header"${idAttr}>${renderText(block.text, ctx)}</div>`;
    case 'divider':
      return `<hr class="bk-divider">`;
    case 'section': {
      const text = block.text !== undefined ? `<div class="bk-text">${renderText(block.text, ctx)}</div>` : '';
      const fields = Array.isArray(block.fields)
        ? `<div class="bk-fields">${block.fields.map((f) => `<div class="bk-field-text">${renderText(f, ctx)}</div>`).join('')}</div>`
        : '';
      const accessory =
        block.accessory !== undefined
          ? `<div class="bk-accessory">${renderElement(block.accessory, ctx, {
              ...(blockId !== undefined ? { blockId } : {}),
              disabled: isObject(block.accessory) && !INPUT_TYPES_SHOWN_IN_ACTIONS.has(String(block.accessory.type)),
            })}</div>`
          : '';
      return `<div class="bk-section"${idAttr}><div class="bk-section-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return `<div class="bk-context"${idAttr}>${elements
        .map((el) =>
          isObject(el) && el.type === 'image'
            ? image(el, ctx, 'bk-context-image')
            : `<span class="bk-context-text">${renderText(el, ctx)}</span>`,
        )
        .join('')}</div>`;
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return `<div class="bk-actions"${idAttr}>${elements
        .map((el) =>
          renderElement(el, ctx, {
            ...(blockId !== undefined ? { blockId } : {}),
            disabled: isObject(el) && !INPUT_TYPES_SHOWN_IN_ACTIONS.has(String(el.type)),
          }),
        )
        .join('')}</div>`;
    }
    case 'input': {
      const element = isObject(block.element) ? block.element : {};
      const optional = block.optional === true;
      const entered = blockId !== undefined ? options.state?.[blockId]?.[str(element.action_id) ?? ''] : undefined;
      const error = blockId !== undefined ? options.errors?.[blockId] : undefined;
      const control = renderElement(element, ctx, {
        ...(blockId !== undefined ? { blockId } : {}),
        ...(isObject(entered) ? { entered } : {}),
        required: !optional,
      });
      const hint = block.hint !== undefined ? `<div class="bk-hint">${renderText(block.hint, ctx)}</div>` : '';
      const errorHtml = error !== undefined ? `<div class="bk-error" role="alert">${escapeHtml(error)}</div>` : '';
      return `<div class="bk-input${error !== undefined ? ' bk-has-error' : ''}"${idAttr}${attr('data-type', str(element.type))}${attr('data-action-id', str(element.action_id))}${optional ? '' : ' data-required="true"'}><label class="bk-label">${renderText(block.label, ctx)}${optional ? ' <span class="bk-optional">(optional)</span>' : ''}</label>${control}${hint}${errorHtml}</div>`;
    }
    case 'image': {
      const title =
        block.title !== undefined ? `<div class="bk-image-title">${renderText(block.title, ctx)}</div>` : '';
      return `<figure class="bk-image"${idAttr}>${title}${image(block, ctx, 'bk-image-img')}</figure>`;
    }
    case 'markdown':
      return `<div class="bk-markdown"${idAttr}>${renderMrkdwn(str(block.text) ?? '', ctx)}</div>`;
    default:
      return (
        `<div class="bk-unsupported"${idAttr}>A ${escapeHtml(String(block.type))} block (not ` +
        `shown in this demo)</div>`
      );
  }
}

/** A list of blocks: a message's, a modal's or the App Home's. */
export function renderBlocks(blocks: readonly unknown[], ctx: RenderContext, options: BlocksOptions = {}): string {
  return blocks.map((b) => renderBlock(b, ctx, options)).join('');
}
