import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMessage, LIMITS, validateMessage, validateView } from '../../src/simulator/block-kit.js';
import { FakeSlack } from '../../src/simulator/fake-slack.js';
import { fakeWebClient, platformError } from '../support/web-client.js';

const s = (n: number) => 'x'.repeat(n);
const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const button = (over: Record<string, unknown> = {}) => ({
  type: 'button',
  text: plain('Go'),
  action_id: 'go',
  ...over,
});
const option = (value: string, text = value) => ({ text: plain(text), value });
const options = (n: number) => Array.from({ length: n }, (_, i) => option(`v${i}`));
const msg = (...blocks: unknown[]) => ({ text: 'fallback', blocks });
const modal = (over: Record<string, unknown> = {}) => ({ type: 'modal', title: plain('Title'), blocks: [], ...over });
const input = (element: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: 'in',
  label: plain('Label'),
  element,
  ...over,
});

/**
 * Each case builds a payload with `n` of something; `limit` is Slack's maximum, so `limit` must pass
 * and `limit + 1` must fail with exactly `error`.
 */
interface BoundaryCase {
  name: string;
  limit: number;
  build: (n: number) => unknown;
  validate: (payload: unknown) => string[];
  error: string;
}

const cases: BoundaryCase[] = [
  {
    name: 'message blocks ≤ 50',
    limit: LIMITS.messageBlocks,
    validate: validateMessage,
    build: (n) => ({ text: 't', blocks: Array.from({ length: n }, () => ({ type: 'divider' })) }),
    error: '[ERROR] no more than 50 items allowed [json-pointer:/blocks]',
  },
  {
    name: 'view blocks ≤ 100',
    limit: LIMITS.viewBlocks,
    validate: validateView,
    build: (n) => modal({ blocks: Array.from({ length: n }, () => ({ type: 'divider' })) }),
    error: '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]',
  },
  {
    name: 'section text ≤ 3000',
    limit: 3000,
    validate: validateMessage,
    build: (n) => msg({ type: 'section', text: mrkdwn(s(n)) }),
    error: '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
  },
  {
    name: 'section field ≤ 2000',
    limit: 2000,
    validate: validateMessage,
    build: (n) => msg({ type: 'section', fields: [mrkdwn('a'), mrkdwn(s(n))] }),
    error: '[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/fields/1/text]',
  },
  {
    name: 'section fields ≤ 10',
    limit: 10,
    validate: validateMessage,
    build: (n) => msg({ type: 'section', fields: Array.from({ length: n }, () => mrkdwn('f')) }),
    error: '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]',
  },
  {
    name: 'header text ≤ 150',
    limit: 150,
    validate: validateMessage,
    build: (n) => msg({ type: 'header', text: plain(s(n)) }),
    error: '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]',
  },
  {
    name: 'context elements ≤ 10',
    limit: 10,
    validate: validateMessage,
    build: (n) => msg({ type: 'context', elements: Array.from({ length: n }, () => mrkdwn('c')) }),
    error: '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements]',
  },
  {
    name: 'actions elements ≤ 25',
    limit: 25,
    validate: validateMessage,
    build: (n) =>
      msg({ type: 'actions', elements: Array.from({ length: n }, (_, i) => button({ action_id: `a${i}` })) }),
    error: '[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]',
  },
  {
    name: 'button text ≤ 75',
    limit: 75,
    validate: validateMessage,
    build: (n) => msg({ type: 'actions', elements: [button({ text: plain(s(n)) })] }),
    error: '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
  },
  {
    name: 'button value ≤ 2000',
    limit: 2000,
    validate: validateMessage,
    build: (n) => msg({ type: 'actions', elements: [button({ value: s(n) })] }),
    error: '[ERROR] must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
  },
  {
    name: 'button action_id ≤ 255',
    limit: 255,
    validate: validateMessage,
    build: (n) => msg({ type: 'actions', elements: [button({ action_id: s(n) })] }),
    error: '[ERROR] must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
  },
  {
    name: 'button url ≤ 3000',
    limit: 3000,
    validate: validateMessage,
    build: (n) => msg({ type: 'section', text: mrkdwn('t'), accessory: button({ url: `https://e.x/${s(n - 12)}` }) }),
    error: '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/accessory/url]',
  },
  {
    name: 'block_id ≤ 255',
    limit: 255,
    validate: validateMessage,
    build: (n) => msg({ type: 'divider', block_id: s(n) }),
    error: '[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]',
  },
  {
    name: 'input label ≤ 2000',
    limit: 2000,
    validate: validateView,
    build: (n) =>
      modal({
        submit: plain('OK'),
        blocks: [input({ type: 'plain_text_input', action_id: 'a' }, { label: plain(s(n)) })],
      }),
    error: '[ERROR] must be less than 2001 characters [json-pointer:/view/blocks/0/label/text]',
  },
  {
    name: 'plain_text_input max_length ≤ 3000',
    limit: 3000,
    validate: validateView,
    build: (n) =>
      modal({ submit: plain('OK'), blocks: [input({ type: 'plain_text_input', action_id: 'a', max_length: n })] }),
    error: '[ERROR] must be less than or equal to 3000 [json-pointer:/view/blocks/0/element/max_length]',
  },
  {
    name: 'plain_text_input initial_value within max_length',
    limit: 10,
    validate: validateView,
    build: (n) =>
      modal({
        submit: plain('OK'),
        blocks: [input({ type: 'plain_text_input', action_id: 'a', max_length: 10, initial_value: s(n) })],
      }),
    error: '[ERROR] must be less than 11 characters [json-pointer:/view/blocks/0/element/initial_value]',
  },
  {
    name: 'static_select options ≤ 100',
    limit: 100,
    validate: validateMessage,
    build: (n) => msg({ type: 'actions', elements: [{ type: 'static_select', action_id: 's', options: options(n) }] }),
    error: '[ERROR] no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]',
  },
  {
    name: 'option text ≤ 75',
    limit: 75,
    validate: validateMessage,
    build: (n) =>
      msg({ type: 'actions', elements: [{ type: 'static_select', action_id: 's', options: [option('v', s(n))] }] }),
    error: '[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]',
  },
  {
    name: 'option value ≤ 150',
    limit: 150,
    validate: validateMessage,
    build: (n) =>
      msg({ type: 'actions', elements: [{ type: 'static_select', action_id: 's', options: [option(s(n), 'Label')] }] }),
    error: '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]',
  },
  {
    name: 'view title ≤ 24',
    limit: 24,
    validate: validateView,
    build: (n) => modal({ title: plain(s(n)) }),
    error: '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
  },
  {
    name: 'view submit ≤ 24',
    limit: 24,
    validate: validateView,
    build: (n) => modal({ submit: plain(s(n)) }),
    error: '[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]',
  },
  {
    name: 'view close ≤ 24',
    limit: 24,
    validate: validateView,
    build: (n) => modal({ close: plain(s(n)) }),
    error: '[ERROR] must be less than 25 characters [json-pointer:/view/close/text]',
  },
  {
    name: 'private_metadata ≤ 3000',
    limit: 3000,
    validate: validateView,
    build: (n) => modal({ private_metadata: s(n) }),
    error: '[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]',
  },
  {
    name: 'callback_id ≤ 255',
    limit: 255,
    validate: validateView,
    build: (n) => modal({ callback_id: s(n) }),
    error: '[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]',
  },
  {
    name: 'message text ≤ 40,000',
    limit: 40_000,
    validate: validateMessage,
    build: (n) => ({ text: s(n) }),
    error: '[ERROR] must be less than 40001 characters [json-pointer:/text]',
  },
];

describe('limits at and just beyond the boundary', () => {
  it.each(cases)('$name', ({ limit, build, validate, error }) => {
    expect(validate(build(limit))).toEqual([]);
    expect(validate(build(limit + 1))).toEqual([error]);
  });
});

describe('structural rules', () => {
  it('header text must be plain_text', () => {
    expect(validateMessage(msg({ type: 'header', text: mrkdwn('hi') }))).toEqual([
      '[ERROR] must be a valid enum value [json-pointer:/blocks/0/text/type]',
    ]);
  });

  it('empty text is refused', () => {
    expect(validateMessage(msg({ type: 'section', text: mrkdwn('') }))).toEqual([
      '[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ]);
  });

  it('block_id must be unique within a message or view', () => {
    const errors = validateMessage(msg({ type: 'divider', block_id: 'same' }, { type: 'divider', block_id: 'same' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\[ERROR\] duplicate block_id: same .*\[json-pointer:\/blocks\/1\/block_id\]$/);
    expect(
      validateView(
        modal({
          blocks: [
            { type: 'divider', block_id: 'a' },
            { type: 'divider', block_id: 'b' },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('input blocks need a label and an element', () => {
    const errors = validateView(modal({ submit: plain('OK'), blocks: [{ type: 'input', block_id: 'x' }] }));
    expect(errors).toEqual([
      '[ERROR] missing required field: label [json-pointer:/view/blocks/0]',
      '[ERROR] missing required field: element [json-pointer:/view/blocks/0]',
    ]);
  });

  it('a modal with input blocks must have submit', () => {
    const view = modal({ blocks: [input({ type: 'plain_text_input', action_id: 'a' })] });
    expect(validateView(view)).toEqual([
      '[ERROR] must define `submit` to use `input` block [json-pointer:/view/blocks/0/input]',
    ]);
    expect(validateView({ ...view, submit: plain('Save') })).toEqual([]);
  });

  it('initial_option must be one of the options', () => {
    const select = (initial: unknown) =>
      msg({
        type: 'actions',
        elements: [{ type: 'static_select', action_id: 's', options: options(3), initial_option: initial }],
      });
    expect(validateMessage(select(option('v1')))).toEqual([]);
    expect(validateMessage(select(option('v9')))).toEqual([
      '[ERROR] must be one of the provided options [json-pointer:/blocks/0/elements/0/initial_option]',
    ]);
    expect(validateMessage(select(option('v1', 'Other text')))).toHaveLength(1);
  });

  it('unknown block types and misplaced elements fail to match the schemas', () => {
    expect(validateMessage(msg({ type: 'carousel' }))).toEqual([
      '[ERROR] failed to match all allowed schemas [json-pointer:/blocks/0]',
    ]);
    expect(
      validateMessage(
        msg({ type: 'actions', elements: [{ type: 'image', image_url: 'https://e.x/i.png', alt_text: 'i' }] }),
      ),
    ).toEqual(['[ERROR] failed to match all allowed schemas [json-pointer:/blocks/0/elements/0]']);
  });

  it('views must be modal or home; home needs no title', () => {
    expect(validateView({ type: 'home', blocks: [] })).toEqual([]);
    expect(validateView({ type: 'dialog', blocks: [] })).toEqual([
      '[ERROR] must be a valid enum value [json-pointer:/view/type]',
    ]);
    expect(validateView({ type: 'modal', blocks: [] })).toEqual([
      '[ERROR] missing required field: title [json-pointer:/view]',
    ]);
  });

  it('a message with blocks but no text is valid (Slack accepts it); one with neither is no_text', () => {
    expect(validateMessage({ blocks: [{ type: 'divider' }] })).toEqual([]);
    expect(checkMessage({}).code).toBe('no_text');
    expect(checkMessage({ text: s(40_001) }).code).toBe('msg_too_long');
    expect(checkMessage(msg({ type: 'carousel' })).code).toBe('invalid_blocks');
  });

  it('accepts a realistic agreement message and modal', () => {
    const message = {
      text: 'Working agreement',
      blocks: [
        { type: 'header', text: plain('Our working agreement') },
        {
          type: 'section',
          text: mrkdwn('*1.* We review PRs within a day'),
          accessory: button({ action_id: 'edit', value: 'a1' }),
        },
        {
          type: 'context',
          elements: [
            mrkdwn('Agreed by 5 people'),
            { type: 'image', image_url: 'https://e.x/a.png', alt_text: 'avatar' },
          ],
        },
        {
          type: 'actions',
          elements: [
            button({ action_id: 'agree', style: 'primary', value: 'yes' }),
            button({ action_id: 'object', style: 'danger', value: 'no' }),
          ],
        },
        { type: 'divider' },
      ],
    };
    expect(validateMessage(message)).toEqual([]);
    const view = modal({
      callback_id: 'propose',
      submit: plain('Propose'),
      close: plain('Cancel'),
      private_metadata: JSON.stringify({ channel: 'C1' }),
      blocks: [
        input({
          type: 'plain_text_input',
          action_id: 'text',
          multiline: true,
          max_length: 500,
          initial_value: 'draft',
        }),
        input(
          { type: 'static_select', action_id: 'cadence', options: options(3), initial_option: option('v2') },
          { block_id: 'cadence' },
        ),
        input({ type: 'multi_users_select', action_id: 'people' }, { block_id: 'people', optional: true }),
        input({ type: 'datepicker', action_id: 'when', initial_date: '2025-01-31' }, { block_id: 'when' }),
      ],
    });
    expect(validateView(view)).toEqual([]);
  });
});

describe('the fake server applies the same validator', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    fake.addChannel({ id: 'C1', name: 'c', members: [], botIsMember: true });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('chat.postMessage answers invalid_blocks with every message', async () => {
    const client = fakeWebClient(fake);
    const err = await platformError(
      client.apiCall('chat.postMessage', {
        channel: 'C1',
        text: 't',
        blocks: [
          { type: 'header', text: plain(s(151)) },
          { type: 'actions', elements: [button({ value: s(2001) })] },
        ],
      }),
    );
    expect(err.data.error).toBe('invalid_blocks');
    expect(err.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] must be less than 2001 characters [json-pointer:/blocks/1/elements/0/value]',
    ]);
  });

  it('chat.postMessage answers invalid_blocks_format for blocks that are not an array', async () => {
    const client = fakeWebClient(fake);
    const err = await platformError(
      client.apiCall('chat.postMessage', { channel: 'C1', text: 't', blocks: 'not json' }),
    );
    expect(err.data.error).toBe('invalid_blocks_format');
  });
});
