import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type RenderContext, renderBlocks } from '../../src/demo/render/blocks.js';
import { renderHome, renderMessage, renderModal } from '../../src/demo/render/surfaces.js';
import { compileAgreement, consentProgress, contentHash } from '../../src/domain/agreement.js';
import type { DigestFigures } from '../../src/domain/digest.js';
import { DEFAULT_CELEBRATION, DEFAULT_SIGNALS } from '../../src/domain/signal-settings.js';
import { getTemplate } from '../../src/domain/templates/index.js';
import { buildAgreementMessages } from '../../src/slack/blocks/agreement.js';
import { buildDesignAnnouncement, buildDesignStepView } from '../../src/slack/blocks/design.js';
import { buildDigestMessages } from '../../src/slack/blocks/digest.js';
import { buildFlagMessage, buildSnoozeModal } from '../../src/slack/blocks/flags.js';
import { buildHelpMessage } from '../../src/slack/blocks/help.js';
import { buildHomeView } from '../../src/slack/blocks/home.js';
import type { ModalView } from '../../src/slack/blocks/kit.js';
import { buildCheckInView, buildPulseInvitation } from '../../src/slack/blocks/pulse.js';
import { buildSettingsModal } from '../../src/slack/blocks/settings-modal.js';
import { buildSetupModal, buildSetupSignalsModal } from '../../src/slack/blocks/setup-modal.js';
import { buildShowMessage } from '../../src/slack/blocks/show.js';

const ctx: RenderContext = {
  timeZone: 'Europe/Berlin',
  now: new Date('2026-01-05T08:00:00Z'),
  userName: (id) => ({ UALICE: 'Alice Martin', UBRUNO: 'Bruno Costa' })[id],
  channelName: (id) => (id === 'CTEAM' ? 'product-team' : undefined),
  people: [
    { id: 'UALICE', name: 'Alice Martin' },
    { id: 'UBRUNO', name: 'Bruno Costa' },
    { id: 'UCHEN', name: 'Chen Wei' },
  ],
  channels: [{ id: 'CTEAM', name: 'product-team' }],
  fileUrl: (id) => `/files/${id}`,
};

const NASTY = '<!channel> & <@UALICE> "quoted" <script>';
const template = getTemplate('team');

const setup = buildSetupModal({
  name: 'Core team',
  channelId: 'CTEAM',
  members: ['UALICE', 'UBRUNO'],
  templateId: 'team',
  cadence: 'weekly',
  pulseWeekday: 4,
  pulseTime: '10:00',
  timeZone: 'Europe/Berlin',
  digestWeekday: 1,
  digestTime: '09:30',
  anonymous: true,
  anonymityThreshold: 3,
  visibility: 'channel',
});
const signalsStep = buildSetupSignalsModal({
  allianceName: NASTY,
  carried: '{}',
  signals: DEFAULT_SIGNALS,
  celebration: DEFAULT_CELEBRATION,
});
const settings = buildSettingsModal({
  allianceId: 'al_0000000001',
  allianceName: 'Core team',
  members: ['UALICE'],
  settings: {
    timeZone: 'Europe/Berlin',
    pulse: { cadence: 'weekly', weekday: 4, localTime: '10:00', openHours: 48, reminderHoursBefore: 24 },
    scheduleAnchor: '2026-01-01T00:00:00.000Z',
    digest: { weekday: 1, localTime: '09:30' },
    anonymous: false,
    anonymityThreshold: 3,
    visibility: 'channel',
    signals: DEFAULT_SIGNALS,
    celebration: DEFAULT_CELEBRATION,
  },
});
const checkIn = buildCheckInView({
  pulseId: 1,
  allianceName: 'Core team',
  closesAt: new Date('2026-01-10T09:00:00Z'),
  anonymous: false,
  aspects: template.aspects,
  commitments: [{ promptId: 'co_responsibility.count_on', text: `I review ${NASTY}` }],
  reservations: [{ id: 3, userId: 'UBRUNO', concern: 'Reviews may slip' }],
});
const designStep = buildDesignStepView({
  allianceId: 'al_0000000001',
  roundId: 2,
  allianceName: 'Core team',
  template,
  step: 0,
  answers: new Map([['atmosphere.culture', NASTY]]),
});
const announcement = buildDesignAnnouncement({
  allianceId: 'al_0000000001',
  roundId: 2,
  allianceName: NASTY,
  channelId: 'CTEAM',
  starterId: 'UALICE',
  template,
  members: ['UALICE', 'UBRUNO'],
  finished: ['UBRUNO'],
});
const aspects = template.aspects.map((a, i) => ({
  id: a.id,
  label: a.label,
  mean: { kind: 'exact' as const, value: 4.2 - i },
  delta: i === 0 ? 0.3 : -0.5,
  sparkline: '▆▇',
  series: [4, 4.2 - i],
}));
const figures: DigestFigures = {
  heldForMembers: false,
  latest: { pulseId: 1, scheduledAt: new Date('2026-01-08T09:00:00Z'), answered: 4, invited: 5 },
  shown: true,
  threshold: 3,
  anonymous: false,
  aspects,
  celebration: { met: false, streak: 0, streakKey: null, target: DEFAULT_CELEBRATION },
  comments: { working: [NASTY], atRisk: ['Reviews wait for days'] },
  stillConcerns: 1,
  commitmentsAtRisk: 2,
  pulseLabels: ['Jan 1', 'Jan 8'],
};
const digest = buildDigestMessages({
  allianceName: 'Core team',
  figures,
  celebrate: false,
  nextPulseAt: new Date('2026-01-15T09:00:00Z'),
  agreementLink: 'https://northwind.slack.com/archives/CTEAM/p1767600000000100',
  openFlags: [],
});
const content = compileAgreement({
  template,
  name: 'Core team',
  members: ['UALICE', 'UBRUNO'],
  answers: new Map([['UALICE', new Map([['atmosphere.culture', NASTY]])]]),
});
const agreement = buildAgreementMessages({
  allianceId: 'al_0000000001',
  allianceName: 'Core team',
  starterId: 'UALICE',
  versionId: 1,
  versionNumber: 1,
  compiledAt: new Date('2026-01-05T10:00:00Z'),
  contentHash: contentHash(content),
  content,
  status: 'proposed',
  consent: consentProgress(['UALICE', 'UBRUNO'], new Set(['UALICE'])),
});

/** Every message and view the app builds here, for the coverage check. */
const SURFACES: readonly (readonly unknown[])[] = [
  setup.blocks,
  signalsStep.blocks,
  settings.blocks,
  checkIn.blocks,
  designStep.blocks,
  announcement.blocks,
  digest.main.blocks,
  digest.thread?.blocks ?? [],
  agreement.main.blocks,
  buildPulseInvitation({
    pulseId: 1,
    allianceName: 'Core team',
    channelId: 'CTEAM',
    closesAt: new Date('2026-01-10T09:00:00Z'),
    anonymous: true,
  }).blocks,
  buildFlagMessage({
    flagId: 1,
    kind: 'someoneAsks',
    evidence: { kind: 'someoneAsks', count: 1, reasons: [NASTY], threshold: 1, pulses: [1] },
    allianceName: 'Core team',
    state: 'open',
  }).blocks,
  buildSnoozeModal({ flagId: 1, weeks: 2, kind: 'lowScores' }).blocks,
  buildHelpMessage().blocks,
  buildHomeView({
    waiting: [
      { kind: 'check-in', allianceName: 'Core team', pulseId: 1, closesAt: new Date('2026-01-10T09:00:00Z') },
      { kind: 'admit', allianceId: 'al_0000000001', allianceName: 'Core team', userId: 'UBRUNO' },
    ],
    alliances: [
      {
        name: 'Core team',
        channelId: 'CTEAM',
        status: 'active',
        versionNumber: 1,
        proposed: null,
        renegotiating: null,
        openPulseClosesAt: new Date('2026-01-10T09:00:00Z'),
        answeredOpenPulse: false,
        nextPulseAt: null,
      },
    ],
  }).blocks,
  buildShowMessage({
    allianceName: 'Core team',
    allianceStatus: 'active',
    version: null,
    consent: null,
    members: ['UALICE'],
    openReservations: 0,
    permalink: null,
    versions: [],
  }).blocks,
];

/** The HTML of one input block of a view, found by its block_id. */
function inputHtml(view: ModalView, blockId: string, options = {}): string {
  const block = view.blocks.find((b) => b.block_id === blockId);
  if (!block) throw new Error(`no block ${blockId}`);
  return renderBlocks([block], ctx, options);
}

describe('Block Kit as the page shows it', () => {
  it('covers every block and element type the app sends', () => {
    const types = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') {
        const obj = value as Record<string, unknown>;
        if (typeof obj.type === 'string') types.add(obj.type);
        Object.values(obj).forEach(visit);
      }
    };
    visit(SURFACES);
    // If the app starts sending a new type, this list and the renderer grow together.
    expect([...types].sort()).toEqual(
      [
        'actions',
        'button',
        'checkboxes',
        'context',
        'conversations_select',
        'divider',
        'header',
        'input',
        'mrkdwn',
        'multi_users_select',
        'number_input',
        'plain_text',
        'plain_text_input',
        'radio_buttons',
        'section',
        'static_select',
        'timepicker',
      ].sort(),
    );
    for (const blocks of SURFACES) expect(renderBlocks(blocks, ctx)).not.toContain('bk-unsupported');
    // Every type the builders name is among those: a builder sending a new one must show up here.
    const dir = fileURLToPath(new URL('../../src/slack/blocks/', import.meta.url));
    const named = new Set(
      readdirSync(dir).flatMap((f) =>
        [...readFileSync(join(dir, f), 'utf8').matchAll(/type: '([a-z_]+)'/g)].map((m) => m[1]!),
      ),
    );
    for (const view of ['modal', 'home']) named.delete(view);
    expect([...named].filter((t) => !types.has(t))).toEqual([]);
  });

  it('header: plain text, escaped', () => {
    expect(renderBlocks([digest.main.blocks[0]!], ctx)).toBe(
      '<div class="bk-header">How we&#39;re doing: Core team</div>',
    );
  });

  it('section: mrkdwn with emoji, bold, a channel and a date in the reader’s zone', () => {
    const html = renderBlocks(
      buildPulseInvitation({
        pulseId: 1,
        allianceName: 'Core team',
        channelId: 'CTEAM',
        closesAt: new Date('2026-01-10T09:00:00Z'),
        anonymous: true,
      }).blocks.slice(0, 1),
      ctx,
    );
    expect(html).toContain('👋 <b>How is the alliance going?</b><br>');
    expect(html).toContain('<span class="mk-mention mk-channel" data-channel="CTEAM">#product-team</span>');
    expect(html).toContain('>Jan 10, 2026 at 10:00 AM</time>');
  });

  it('section fields: two columns of mrkdwn', () => {
    const fields = digest.main.blocks.find((b) => b.type === 'section' && 'fields' in b && b.fields)!;
    const html = renderBlocks([fields], ctx);
    expect(html).toContain('<div class="bk-fields">');
    expect(html).toContain('<div class="bk-field-text"><b>Atmosphere</b><br>4.2 ▲ 0.3   <code>▆▇</code></div>');
    expect(html.match(/bk-field-text/g)).toHaveLength(template.aspects.length);
  });

  it('context: small text with mentions by name and links to this workspace inside the page', () => {
    const withLink = renderBlocks([digest.main.blocks.at(-1)!], {
      ...ctx,
      internalLink: (url) => (url.includes('northwind') ? '#go=CTEAM:1767600000.000100' : undefined),
    });
    expect(withLink).toContain('<div class="bk-context">');
    expect(withLink).toContain('<a class="mk-link" href="#go=CTEAM:1767600000.000100">Read the agreement</a>');
    const progress = renderBlocks([announcement.blocks[2]!], ctx);
    expect(progress).toContain(
      '1 of 2 have answered: <span class="mk-mention" data-user="UBRUNO">@Bruno Costa</span>.',
    );
  });

  it('divider', () => {
    const divider = agreement.main.blocks.find((b) => b.type === 'divider')!;
    expect(renderBlocks([divider], ctx)).toBe('<hr class="bk-divider">');
  });

  it('actions: buttons carry what the click sends (action_id, value, block_id) and their style', () => {
    const actions = announcement.blocks.find((b) => b.type === 'actions')!;
    const html = renderBlocks([actions], ctx);
    const value = (actions as { elements: { value?: string }[] }).elements[0]!.value!;
    expect(html).toBe(
      '<div class="bk-actions" data-block-id="design.actions">' +
        `<button type="button" class="bk-button bk-primary" data-kind="button" data-action-id="design.add_answers" data-value="${value.replace(/"/g, '&quot;')}" data-block-id="design.actions">Add my answers</button>` +
        `<button type="button" class="bk-button" data-kind="button" data-action-id="design.compile_now" data-value="${value.replace(/"/g, '&quot;')}" data-block-id="design.actions">Compile now</button>` +
        '</div>',
    );
  });

  it('input with plain_text_input: label, placeholder, limit, required', () => {
    const html = inputHtml(setup, 'setup.name');
    expect(html).toContain('data-type="plain_text_input"');
    expect(html).toContain('data-required="true"');
    expect(html).toContain('<label class="bk-label">Name</label>');
    expect(html).toContain(
      '<input class="bk-field" type="text" name="setup.name:value" placeholder="e.g. Platform team alliance" required maxlength="80" value="Core team">',
    );
  });

  it('multiline plain_text_input: a textarea with the saved answer escaped, the hint, and (optional)', () => {
    const required = inputHtml(designStep, 'prompt:atmosphere.culture');
    expect(required).toContain(
      '<textarea class="bk-field" rows="3" name="prompt:atmosphere.culture:value" required maxlength="800">&lt;!channel&gt; &amp; &lt;@UALICE&gt; &quot;quoted&quot; &lt;script&gt;</textarea>',
    );
    expect(required).toContain('<div class="bk-hint">And how would we notice that we have it?');
    const optional = inputHtml(designStep, 'prompt:atmosphere.flourish');
    expect(optional).toContain('<span class="bk-optional">(optional)</span>');
    expect(optional).not.toContain('data-required');
  });

  it('conversations_select: the channels, the initial one selected', () => {
    expect(inputHtml(setup, 'setup.channel')).toContain(
      '<select class="bk-field" name="setup.channel:value" required><option value="">Select a channel</option><option value="CTEAM" selected>#product-team</option></select>',
    );
  });

  it('multi_users_select: one chip per person, the initial users checked', () => {
    const html = inputHtml(setup, 'setup.members');
    expect(html).toContain('data-type="multi_users_select"');
    expect(html).toContain('<input type="checkbox" name="setup.members:value" value="UALICE" checked>');
    expect(html).toContain('<input type="checkbox" name="setup.members:value" value="UBRUNO" checked>');
    expect(html).toContain('<input type="checkbox" name="setup.members:value" value="UCHEN">');
    expect(html).toContain('<span>Chen Wei</span>');
  });

  it('radio_buttons: options with descriptions, the initial option checked', () => {
    const html = inputHtml(setup, 'setup.template');
    expect(html).toContain(
      '<label class="bk-choice"><input type="radio" name="setup.template:value" value="team" checked><span class="bk-choice-text"><span>Team alliance</span><span class="bk-choice-description">For a whole team:',
    );
    expect(html).toContain('value="one_on_one">');
  });

  it('checkboxes: the initial options checked', () => {
    expect(inputHtml(setup, 'setup.anonymous')).toContain(
      '<input type="checkbox" name="setup.anonymous:value" value="anonymous" checked><span class="bk-choice-text"><span>Keep pulse answers anonymous</span>',
    );
    expect(inputHtml(checkIn, 'checkin.renegotiate')).toContain(
      '<input type="checkbox" name="checkin.renegotiate:value" value="yes"><span class="bk-choice-text"><span>I think we need to renegotiate our agreement</span>',
    );
  });

  it('number_input: whole or decimal, with its range and value', () => {
    expect(inputHtml(setup, 'setup.threshold')).toContain(
      '<input class="bk-field bk-number" type="number" step="1" min="3" max="50" name="setup.threshold:value" required value="3">',
    );
    expect(inputHtml(signalsStep, 'signals.low_threshold')).toContain(
      'type="number" step="any" min="1" max="5" name="signals.low_threshold:value" required value="3.0">',
    );
  });

  it('static_select: a placeholder when nothing is chosen, else the initial option', () => {
    expect(inputHtml(checkIn, 'rating:atmosphere')).toContain(
      '<select class="bk-field" name="rating:atmosphere:value" required><option value="" selected>Pick 1 to 5</option><option value="1">1 · Not at all</option>',
    );
    expect(inputHtml(setup, 'setup.cadence')).toContain('<option value="weekly" selected>Every week</option>');
  });

  it('timepicker: a time field with the initial time', () => {
    expect(inputHtml(setup, 'setup.pulse_time')).toContain(
      '<input class="bk-field bk-short" type="time" name="setup.pulse_time:value" required value="10:00">',
    );
  });

  it('datepicker and image blocks', () => {
    const html = renderBlocks(
      [
        {
          type: 'input',
          block_id: 'when',
          label: { type: 'plain_text', text: 'Review on' },
          element: { type: 'datepicker', action_id: 'value', initial_date: '2026-04-01' },
        },
        {
          type: 'image',
          block_id: 'chart',
          title: { type: 'plain_text', text: 'Trend' },
          image_url: 'https://example.com/chart.png',
          alt_text: 'A "line" chart',
        },
        { type: 'image', alt_text: 'uploaded', slack_file: { id: 'F123' } },
      ],
      ctx,
    );
    expect(html).toContain(
      '<input class="bk-field bk-short" type="date" name="when:value" required value="2026-04-01">',
    );
    expect(html).toContain(
      '<figure class="bk-image" data-block-id="chart"><div class="bk-image-title">Trend</div><img class="bk-image-img" src="https://example.com/chart.png" alt="A &quot;line&quot; chart"></figure>',
    );
    expect(html).toContain('<img class="bk-image-img" src="/files/F123" alt="uploaded">');
  });

  it('shows what the person entered (view state) over the initial values, and the app’s errors', () => {
    const html = renderBlocks(setup.blocks, ctx, {
      state: {
        'setup.name': { value: { type: 'plain_text_input', value: 'Typed <b>' } },
        'setup.members': { value: { type: 'multi_users_select', selected_users: ['UCHEN'] } },
      },
      errors: { 'setup.members': 'Pick at least two members <now>.' },
    });
    expect(html).toContain('value="Typed &lt;b&gt;"');
    expect(html).toContain('value="UCHEN" checked');
    expect(html).not.toContain('value="UALICE" checked');
    expect(html).toContain('<div class="bk-error" role="alert">Pick at least two members &lt;now&gt;.</div>');
    expect(html).toContain('class="bk-input bk-has-error" data-block-id="setup.members"');
  });

  it('escaped user text stays text everywhere: <!channel> pings no one', () => {
    for (const blocks of [announcement.blocks, signalsStep.blocks, digest.thread!.blocks, agreement.main.blocks]) {
      const html = renderBlocks(blocks, ctx);
      expect(html).toContain('&lt;!channel&gt; &amp; &lt;@UALICE&gt;');
      expect(html).not.toContain('mk-broadcast');
      expect(html).not.toContain('<script>');
    }
    expect(renderBlocks(checkIn.blocks, ctx)).toContain('“I review &lt;!channel&gt; &amp; &lt;@UALICE&gt;');
  });

  it('unknown blocks and elements say so instead of failing', () => {
    expect(renderBlocks([{ type: 'video' }], ctx)).toBe(
      '<div class="bk-unsupported">A video block (not shown in this demo)</div>',
    );
  });
});

describe('surfaces around the blocks', () => {
  it('a message with its author, time in the reader’s zone, the chart file and the thread link', () => {
    const html = renderMessage(
      {
        ts: '1767861000.000100',
        channel: 'CTEAM',
        author: { name: 'Alliance', initials: 'A', color: '#4a154b', isApp: true },
        text: 'Details',
        blocks: [],
        files: [
          { id: 'F1', title: 'Trend of the last 2 pulses', url: '/files/F1', isImage: true, altText: 'Line chart' },
        ],
        edited: true,
        ephemeral: false,
        pinned: false,
        replyCount: 2,
        replyAuthors: [{ name: 'Alliance', initials: 'A', color: '#4a154b', isApp: true }],
      },
      ctx,
    );
    expect(html).toContain('<span class="msg-author">Alliance</span><span class="app-badge">APP</span>');
    expect(html).toContain('>9:30 AM</time><span class="msg-edited">(edited)</span>');
    expect(html).toContain('<div class="bk-text">Details</div>');
    expect(html).toContain('<img src="/files/F1" alt="Line chart">');
    expect(html).toContain('data-open-thread="1767861000.000100"');
    expect(html).toContain('<span>2 replies</span>');
  });

  it('an ephemeral message says only you can see it', () => {
    const html = renderMessage(
      {
        ts: '1767861000.000100',
        channel: 'CTEAM',
        author: { name: 'Alliance', initials: 'A', color: '#4a154b', isApp: true },
        text: 'Only for you',
        blocks: buildHelpMessage('nope <!here>').blocks,
        files: [],
        edited: false,
        ephemeral: true,
        pinned: false,
        replyCount: 0,
        replyAuthors: [],
      },
      ctx,
    );
    expect(html).toContain('class="msg msg-ephemeral"');
    expect(html).toContain('Only visible to you');
    expect(html).toContain('🤔 Unknown subcommand ‘nope &lt;!here&gt;’');
  });

  it('a modal: title, its inputs, the close and submit buttons, and a back arrow when stacked', () => {
    const html = renderModal(
      {
        id: 'V1',
        hash: 'h',
        title: setup.title.text,
        submit: setup.submit!.text,
        close: setup.close!.text,
        blocks: setup.blocks,
        state: {},
        depth: 1,
      },
      ctx,
    );
    expect(html).toContain('data-view-id="V1"');
    expect(html).toContain('<h2 class="modal-title">Start an alliance</h2>');
    expect(html).toContain('<button type="button" class="bk-button modal-close" data-close-view>Cancel</button>');
    expect(html).toContain('<button type="submit" class="bk-button bk-primary modal-submit">Next</button>');
    expect(html).toContain('class="modal-back"');
    const notice = renderModal(
      { id: 'V2', hash: 'h', title: 'Check in', submit: null, close: 'Done', blocks: [], state: {}, depth: 0 },
      ctx,
    );
    expect(notice).not.toContain('modal-submit');
    expect(notice).not.toContain('modal-back');
  });

  it('the App Home', () => {
    const home = buildHomeView({ waiting: [], alliances: [] });
    const html = renderHome({ id: 'VH', blocks: home.blocks }, ctx);
    expect(html).toContain('data-view-id="VH"');
    expect(html).toContain('type <code>/alliance start</code> in your team’s channel');
  });
});
