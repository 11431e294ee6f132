import { afterEach, describe, expect, it } from 'vitest';
import { ACTIONS, CHECKIN_BLOCKS, SETUP_BLOCKS, VIEWS } from '../../src/slack/ids.js';
import { bootAlliance, type Harness } from '../support/boot.js';
import { activateAlliance, dmsWith, press } from '../support/flows.js';
import { type Family, parsePrometheusText, sampleValue } from '../support/prometheus-text.js';

const MEMBERS = ['UALICE', 'UBOB', 'UCAROL'];
const FIRST_PULSE = '2026-01-08T09:00:00Z';
const ALLIANCE_NAME = 'Harbour crew';
const COMMENT = 'Standups run long; Bob keeps the notes';

async function scrape(h: Harness): Promise<{ text: string; families: Map<string, Family>; contentType: string }> {
  const res = await fetch(`http://127.0.0.1:${h.app.port}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, families: parsePrometheusText(text), contentType: res.headers.get('content-type') ?? '' };
}

/** Everything a person or their workspace could be recognised by, as it went through the app. */
function identifying(h: Harness): string[] {
  return [
    ...MEMBERS,
    'UDAVE',
    'CTEAM',
    'harbour-ops',
    h.fake.teamId,
    h.fake.teamName,
    h.fake.botUserId,
    ...MEMBERS.map((m) => h.fake.dmChannelId(m)),
    ALLIANCE_NAME,
    COMMENT,
    'Standups',
  ];
}

/** No label value and no line that could carry a Slack id or something a person typed. */
function expectNothingIdentifying(h: Harness, text: string, families: Map<string, Family>): void {
  for (const word of identifying(h)) expect(text.includes(word), word).toBe(false);
  for (const family of families.values()) {
    for (const sample of family.samples) {
      for (const value of Object.values(sample.labels)) {
        // Slack ids are upper-case letters and digits after U, W, C, G, D or T; ours are lower-case words.
        expect(value, `${sample.name} ${value}`).not.toMatch(/^[UWCGDTB][A-Z0-9]{2,}$/);
        expect(value.length, `${sample.name} ${value}`).toBeLessThanOrEqual(40);
      }
    }
  }
  expect(text).not.toMatch(/\b[UWCGDT][A-Z0-9]{6,}\b/);
}

describe('GET /metrics', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  async function boot(socketMode: boolean) {
    h = await bootAlliance({
      socketMode,
      fake: { teamName: 'Northwind Studio' },
      now: '2026-01-05T08:00:00Z',
      logLevel: 'error',
      arrange: (fake) => {
        for (const id of MEMBERS) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addUser({ id: 'UDAVE', name: 'dave', tz: 'Europe/Berlin' });
        fake.addUser({ id: 'UROBOT', name: 'robot', isBot: true });
        fake.addChannel({
          id: 'CTEAM',
          name: 'harbour-ops',
          members: [...MEMBERS, 'UDAVE', 'UROBOT'],
          botIsMember: true,
        });
      },
    });
  }

  it('starts every series at zero in a registry of its own, in Prometheus text with the process metrics', async () => {
    await boot(false);
    const { families, contentType } = await scrape(h);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const kind of ['command', 'action', 'view', 'event'])
      for (const outcome of ['ok', 'refused', 'failed'])
        expect(sampleValue(families, 'alliance_requests_total', { kind, outcome })).toBe(0);
    expect(families.get('alliance_requests_total')?.type).toBe('counter');
    expect(families.get('alliance_ack_seconds')?.type).toBe('histogram');
    expect(families.get('alliance_job_lag_seconds')?.type).toBe('histogram');
    expect(sampleValue(families, 'alliance_deliveries_total', { outcome: 'sent' })).toBe(0);
    expect(sampleValue(families, 'alliance_slack_rate_limited_total')).toBe(0);
    expect(sampleValue(families, 'alliance_pulses_opened_total')).toBe(0);
    expect(sampleValue(families, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(families.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('counts requests by kind and outcome, acks, deliveries, 429s, jobs and pulses, naming nobody (HTTP mode)', async () => {
    await boot(false);
    await h.slack.command({ userId: 'UDAVE', channelId: 'CTEAM', text: 'help' });
    // A setup form with a bot among the members is refused inline.
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: `start ${ALLIANCE_NAME}` });
    const refused = await h.slack.submitView({
      userId: 'UALICE',
      values: { [SETUP_BLOCKS.members]: [...MEMBERS, 'UROBOT'], [SETUP_BLOCKS.template]: 'team' },
    });
    expect(refused.outcome).toBe('errors');
    await h.slack.closeView({ userId: 'UALICE' });
    await activateAlliance(h, { channelId: 'CTEAM', starter: 'UALICE', members: MEMBERS, name: ALLIANCE_NAME });
    await h.slack.event({ type: 'member_joined_channel', user: 'UDAVE', channel: 'CTEAM', channel_type: 'C' });

    // The pulse: one invitation meets a 429 and is sent after its Retry-After.
    h.fake.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    await h.tickAt(FIRST_PULSE);
    const invite = dmsWith(h, 'UBOB', ACTIONS.checkIn)[0]!;
    await press(h, 'UBOB', invite, ACTIONS.checkIn);
    expect(h.fake.topView('UBOB')?.callback_id).toBe(VIEWS.checkIn);
    await h.slack.submitView({
      userId: 'UBOB',
      values: {
        [CHECKIN_BLOCKS.rating('atmosphere')]: '4',
        [CHECKIN_BLOCKS.rating('co_responsibility')]: '3',
        [CHECKIN_BLOCKS.rating('behavior')]: '4',
        [CHECKIN_BLOCKS.rating('overall')]: '4',
        [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
        [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'kept',
        [CHECKIN_BLOCKS.working]: COMMENT,
      },
    });
    // Slack fails to open Carol's form: the click failed, and she is told so.
    h.fake.failNext('views.open', { error: 'internal_error' });
    const carols = dmsWith(h, 'UCAROL', ACTIONS.checkIn)[0]!;
    await press(h, 'UCAROL', carols, ACTIONS.checkIn);
    await h.tickAt('2026-01-10T09:00:00Z');

    const { text, families } = await scrape(h);
    const requests = (kind: string, outcome: string) =>
      sampleValue(families, 'alliance_requests_total', { kind, outcome }) ?? Number.NaN;
    expect(requests('command', 'ok')).toBeGreaterThanOrEqual(3);
    expect(requests('view', 'refused')).toBe(1);
    expect(requests('view', 'ok')).toBeGreaterThanOrEqual(MEMBERS.length + 2);
    expect(requests('action', 'ok')).toBeGreaterThanOrEqual(MEMBERS.length * 2);
    expect(requests('action', 'failed')).toBe(1);
    expect(requests('event', 'ok')).toBe(1);
    const acked = (kind: string) => sampleValue(families, 'alliance_ack_seconds_count', { kind }) ?? Number.NaN;
    expect(acked('command')).toBe(requests('command', 'ok'));
    expect(acked('view')).toBe(requests('view', 'ok') + requests('view', 'refused'));
    expect(sampleValue(families, 'alliance_ack_seconds_bucket', { kind: 'command', le: '3' })).toBe(acked('command'));
    // Design invitations, agreements and pulse invitations, each sent once.
    expect(sampleValue(families, 'alliance_deliveries_total', { outcome: 'sent' })).toBeGreaterThanOrEqual(
      MEMBERS.length * 2,
    );
    expect(sampleValue(families, 'alliance_deliveries_total', { outcome: 'failed' })).toBe(0);
    expect(sampleValue(families, 'alliance_slack_rate_limited_total')).toBe(1);
    expect(sampleValue(families, 'alliance_jobs_total', { kind: 'pulse.open', outcome: 'done' })).toBe(1);
    expect(sampleValue(families, 'alliance_jobs_total', { kind: 'pulse.close', outcome: 'done' })).toBe(1);
    expect(sampleValue(families, 'alliance_job_lag_seconds_count', { kind: 'pulse.open' })).toBe(1);
    expect(sampleValue(families, 'alliance_pulses_opened_total')).toBe(1);
    expect(sampleValue(families, 'alliance_pulses_closed_total')).toBe(1);
    expectNothingIdentifying(h, text, families);
  });

  it('is served beside /healthz in Socket Mode too', async () => {
    await boot(true);
    await h.slack.command({ userId: 'UALICE', channelId: 'CTEAM', text: 'help' });
    await h.slack.event({ type: 'member_joined_channel', user: 'UDAVE', channel: 'CTEAM', channel_type: 'C' });
    const { text, families } = await scrape(h);
    expect(sampleValue(families, 'alliance_requests_total', { kind: 'command', outcome: 'ok' })).toBe(1);
    expect(sampleValue(families, 'alliance_ack_seconds_count', { kind: 'command' })).toBe(1);
    expect(sampleValue(families, 'alliance_requests_total', { kind: 'event', outcome: 'ok' })).toBe(1);
    expectNothingIdentifying(h, text, families);
  });
});

describe('the Prometheus text reader these tests use', () => {
  const ok = '# HELP a_total A counter.\n# TYPE a_total counter\na_total{kind="x"} 1\n';
  it('reads a well-formed exposition', () => {
    expect(sampleValue(parsePrometheusText(ok), 'a_total', { kind: 'x' })).toBe(1);
  });
  it.each([
    ['no final newline', ok.trimEnd()],
    ['an unquoted label value', '# TYPE a_total counter\na_total{kind=x} 1\n'],
    ['a value that is not a number', '# TYPE a_total counter\na_total one\n'],
    ['a second TYPE line', `${ok}# TYPE a_total counter\n`],
    ['a family split in two', `${ok}# TYPE b gauge\nb 1\na_total{kind="y"} 2\n`],
    [
      'buckets that are not cumulative',
      '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
    ],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
