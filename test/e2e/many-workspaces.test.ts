import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alliance } from '../../src/domain/alliance.js';
import { JOB_KINDS } from '../../src/domain/job.js';
import type { FakeSlack } from '../../src/simulator/fake-slack.js';
import {
  ACTIONS,
  CHECKIN_BLOCKS,
  PROPOSE_BLOCKS,
  RESERVATION_BLOCKS,
  SETUP_BLOCKS,
  SNOOZE_BLOCKS,
  VIEWS,
} from '../../src/slack/ids.js';
import {
  admissionRef,
  allianceRef,
  carriedSetup,
  designStepRef,
  emptyRef,
  flagRef,
  privacyChangeRef,
  pulseRef,
  roundRef,
  setupRef,
  versionRef,
} from '../../src/slack/payloads.js';
import type { Db } from '../../src/store/db.js';
import { bootMany, type ManyHarness, type WorkspaceHarness } from '../support/boot-many.js';
import { activateAlliance, dmsWith, hasAction, stepAnswers } from '../support/flows.js';
import { setupForm } from '../support/forms.js';

const ACME = 'T0ACME';
const BETA = 'T0BETA';
const ACME_PEOPLE = ['UANNA', 'UARNE', 'UAVA'];
const BETA_PEOPLE = ['UBEN', 'UBEA', 'UBO'];
/**
 * One person in both workspaces, a member of both alliances (an Enterprise Grid user keeps one id
 * across the organization's workspaces): only the workspace a request comes from tells them apart.
 */
const SAM = 'WSAM';
// Pulses Thursday 10:00 Berlin (09:00Z).
const PULSE = '2026-01-08T09:00:00Z';
const DAY = 86_400_000;

function arrange(fake: FakeSlack): void {
  const acme = fake.teamId === ACME;
  const people = [...(acme ? ACME_PEOPLE : BETA_PEOPLE), SAM];
  for (const id of people) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
  fake.addChannel({ id: acme ? 'CACME' : 'CBETA', name: 'team', members: people, botIsMember: true });
  if (!acme) fake.addChannel({ id: 'CBETA2', name: 'other-team', members: people, botIsMember: true });
}

const WORKSPACES = [
  { teamId: ACME, teamName: 'Acme', botUserId: 'UBOTACME', botId: 'BACME', botToken: 'xoxb-acme-fake' },
  { teamId: BETA, teamName: 'Beta', botUserId: 'UBOTBETA', botId: 'BBETA', botToken: 'xoxb-beta-fake' },
];

/** A check-in with the lowest ratings and every commitment kept. */
const LOWEST_CHECK_IN: Record<string, string> = {
  [CHECKIN_BLOCKS.rating('atmosphere')]: '1',
  [CHECKIN_BLOCKS.rating('co_responsibility')]: '1',
  [CHECKIN_BLOCKS.rating('behavior')]: '1',
  [CHECKIN_BLOCKS.rating('overall')]: '1',
  [CHECKIN_BLOCKS.commitment('co_responsibility.count_on')]: 'kept',
  [CHECKIN_BLOCKS.commitment('co_responsibility.commit')]: 'kept',
};

/** Every row of every table (but the event-id ledger), in a stable order: equal means nothing was written. */
/** Every row of every table, or with `teamId` only the rows that workspace holds. */
function fingerprint(db: Db, teamId?: string): string {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'processed_events' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  return JSON.stringify(
    tables.map((t) => [
      t,
      (db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[])
        .filter((r) => teamId === undefined || !('team_id' in r) || r.team_id === teamId)
        .map((r) => JSON.stringify(r))
        .sort(),
    ]),
  );
}

/** The rows each table holds for a workspace: by team_id, and for tables without one through their parent. */
function rowsOf(db: Db, teamId: string): Record<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[];
    if (columns.includes('team_id')) {
      counts[table] =
        (db.prepare(`SELECT COUNT(*) FROM "${table}" WHERE team_id = ?`).pluck().get(teamId) as number) ?? 0;
      continue;
    }
    // A table without team_id must hang off one that has it (ON DELETE CASCADE), or hold nobody's data.
    const parents = db.prepare('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)').all(table) as {
      table: string;
      from: string;
      to: string;
    }[];
    const parent = parents.find((p) =>
      (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(p.table) as string[]).includes('team_id'),
    );
    if (parent) {
      counts[table] = db
        .prepare(
          `SELECT COUNT(*) FROM "${table}" c JOIN "${parent.table}" p ON p."${parent.to}" = c."${parent.from}" WHERE p.team_id = ?`,
        )
        .pluck()
        .get(teamId) as number;
    } else {
      expect(table, `${table} has no team_id and no parent with one`).toBe('schema_migrations');
    }
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

describe('Alliance installed in many workspaces', () => {
  let h: ManyHarness;
  afterEach(async () => h?.close());

  async function bootBoth(oauth: Parameters<typeof bootMany>[0]['oauth'] = {}) {
    h = await bootMany({ workspaces: WORKSPACES, arrange, oauth });
    expect((await h.install(ACME)).status).toBe(200);
    expect((await h.install(BETA)).status).toBe(200);
    const a = h.workspaces[ACME] as WorkspaceHarness;
    const b = h.workspaces[BETA] as WorkspaceHarness;
    const acme = await activateAlliance(a, {
      channelId: 'CACME',
      starter: 'UANNA',
      members: [...ACME_PEOPLE, SAM],
      name: 'Acme crew',
    });
    const beta = await activateAlliance(b, {
      channelId: 'CBETA',
      starter: 'UBEN',
      members: [...BETA_PEOPLE, SAM],
      name: 'Beta crew',
    });
    return { a, b, acme, beta };
  }

  /** What Slack saw of a workspace since the `from`th call: calls the hub forwarded there or refused for it. */
  const callsFor = (teamId: string, from = 0) =>
    h.hub
      .calls()
      .slice(from)
      .filter((c) => c.method !== 'oauth.v2.access' && c.teamId === teamId);

  it('installs in two workspaces through OAuth; each runs its own alliance, and pulses go out with its own token', async () => {
    h = await bootMany({ workspaces: WORKSPACES, arrange });
    const acme = await h.install(ACME);
    expect(acme.status).toBe(200);
    expect(acme.page).toContain('Alliance is now installed in <strong>Acme</strong>');
    expect(acme.page).toContain('<code>/alliance start</code>');
    expect(acme.authorizeUrl.origin + acme.authorizeUrl.pathname).toBe(h.hub.authorizeUrl);
    expect(acme.authorizeUrl.searchParams.get('scope')?.split(',')).toEqual(
      JSON.parse(readFileSync(new URL('../../manifest.oauth.json', import.meta.url), 'utf8')).oauth_config.scopes.bot,
    );
    expect((await h.install(BETA)).page).toContain('<strong>Beta</strong>');

    const a = h.workspaces[ACME] as WorkspaceHarness;
    const b = h.workspaces[BETA] as WorkspaceHarness;
    await activateAlliance(a, { channelId: 'CACME', starter: 'UANNA', members: ACME_PEOPLE });
    await activateAlliance(b, { channelId: 'CBETA', starter: 'UBEN', members: BETA_PEOPLE });
    h.hub.clearCalls();
    await h.tickAt(PULSE);
    for (const id of ACME_PEOPLE) expect(dmsWith(a, id, ACTIONS.checkIn)).toHaveLength(1);
    for (const id of BETA_PEOPLE) expect(dmsWith(b, id, ACTIONS.checkIn)).toHaveLength(1);
    // The scheduled job had no request to take a token from: each workspace's came from the store.
    const acmeTokens = h.hub.tokensOf(ACME).map((t) => t.token);
    const betaTokens = h.hub.tokensOf(BETA).map((t) => t.token);
    expect(callsFor(ACME).length).toBeGreaterThan(3);
    expect(callsFor(BETA).length).toBeGreaterThan(3);
    expect(callsFor(ACME).every((c) => acmeTokens.includes(c.token ?? ''))).toBe(true);
    expect(callsFor(BETA).every((c) => betaTokens.includes(c.token ?? ''))).toBe(true);
    expect(h.hub.calls().every((c) => c.error === undefined)).toBe(true);

    // The tokens are in the database only sealed, and in no log line.
    const raw = JSON.stringify(h.app.store.db.prepare('SELECT * FROM installations').all());
    for (const token of [...acmeTokens, ...betaTokens]) {
      expect(raw).not.toContain(token);
      expect(h.logs.join('\n')).not.toContain(token);
    }
  });

  it('an install the person cancels, or a redirect without its browser cookie, installs nothing', async () => {
    h = await bootMany({ workspaces: WORKSPACES, arrange });
    const cancelled = await h.install(ACME, { deny: true });
    expect(cancelled.status).toBe(400);
    expect(cancelled.page).toContain(
      'The installation was cancelled, or Slack did not confirm it. Nothing was installed.',
    );
    expect(cancelled.page).toContain('<a href="/slack/install">');
    // Someone else's link: Slack's redirect arrives in a browser that did not start the install.
    const start = await fetch(`${h.baseUrl}/slack/install`, { redirect: 'manual' });
    const authorize = new URL(start.headers.get('location') ?? '');
    authorize.searchParams.set('team', ACME);
    const back = (await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? '';
    const stolen = await fetch(back, { redirect: 'manual' });
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toContain('opened in a different browser');
    expect(h.app.store.installations.count()).toBe(0);
    expect(h.hub.calls('oauth.v2.access')).toHaveLength(0);
  });

  /** Everything Beta's people were shown: messages, ephemeral replies, modals, response_url posts. */
  const shownIn = (fake: FakeSlack, extra: string[] = []) =>
    JSON.stringify([
      fake.allMessages(),
      fake.ephemerals(),
      fake.users().map((u) => fake.openViews(u.id)),
      fake.closedViewHistory(),
      fake.responses(),
      extra,
    ]);

  it('a request from one workspace naming another workspace’s ids, by any button or form, reads and writes nothing', async () => {
    const { a, b, acme } = await bootBoth();
    await h.tickAt(PULSE);
    const store = h.app.store;
    const now = h.clock.now();
    const pulse = store.pulses.openPulse(acme.id);
    if (!pulse) throw new Error('Acme has no open pulse');
    const flag = store.flags.raise({
      teamId: ACME,
      allianceId: acme.id,
      kind: 'someoneAsks',
      key: 'forged',
      evidence: { kind: 'someoneAsks', count: 1, reasons: ['UANNA on the evidence'], threshold: 1, pulses: [pulse.id] },
      now,
    });
    if (!flag) throw new Error('no flag');
    const change = store.privacyChanges.propose({
      teamId: ACME,
      allianceId: acme.id,
      proposedBy: 'UANNA',
      changes: { anonymous: true },
      now,
    });
    store.admissions.request(acme.id, ACME, 'UAXEL', now);
    const answers = (values: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(values).map(([block, value]) => [
          block,
          { value: { type: 'plain_text_input', value, selected_option: { value } } },
        ]),
      );
    const form = setupForm({
      name: 'Taken over',
      channelId: 'CACME',
      members: [...ACME_PEOPLE, SAM],
      timeZone: 'Europe/Berlin',
    });
    const base = {
      team: { id: BETA, domain: 'beta' },
      user: { id: SAM, username: 'wsam', name: 'wsam', team_id: BETA },
      api_app_id: 'A0ALLIANCE',
      token: 'fake-verification-token',
      is_enterprise_install: false,
      enterprise: null,
    };
    const forged = (payload: Record<string, unknown>) =>
      b.slack.raw({
        body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      });
    /** Sam, in Beta, submits a modal of Alliance with this private_metadata and these answers. */
    const forgedSubmission = (callbackId: string, metadata: string, values: Record<string, string>) =>
      forged({
        ...base,
        type: 'view_submission',
        trigger_id: b.fake.mintTriggerId(SAM),
        view: {
          id: `VFORGED${callbackId.length}`,
          team_id: BETA,
          type: 'modal',
          callback_id: callbackId,
          private_metadata: metadata,
          state: { values: answers(values) },
          hash: '1.forged',
          app_id: 'A0ALLIANCE',
          bot_id: 'BBETA',
        },
      });

    /** Sam, in Beta, presses every button and submits every form of Alliance, each naming Acme's current ids. */
    async function sweep(phase: string) {
      const version = store.agreements.versions(acme.id).at(-1);
      const round = store.design.currentOpenRound(acme.id) ?? store.design.round(version?.roundId ?? 0);
      if (!version || !round) throw new Error(`${phase}: no version or round`);
      const ids = { allianceId: acme.id, roundId: round.id, versionId: version.id };
      const buttons: Record<string, string> = {
        [ACTIONS.addAnswers]: roundRef.encode(ids),
        [ACTIONS.compileNow]: roundRef.encode(ids),
        [ACTIONS.agree]: versionRef.encode(ids),
        [ACTIONS.reservations]: versionRef.encode(ids),
        [ACTIONS.amend]: versionRef.encode(ids),
        [ACTIONS.commit]: versionRef.encode(ids),
        [ACTIONS.proposeChanges]: versionRef.encode(ids),
        [ACTIONS.checkIn]: pulseRef.encode({ pulseId: pulse?.id ?? 0 }),
        [ACTIONS.editCheckIn]: pulseRef.encode({ pulseId: pulse?.id ?? 0 }),
        [ACTIONS.startRenegotiation]: flagRef.encode({ flagId: flag?.id ?? 0 }),
        [ACTIONS.notNow]: flagRef.encode({ flagId: flag?.id ?? 0 }),
        [ACTIONS.flagDetails]: flagRef.encode({ flagId: flag?.id ?? 0 }),
        [ACTIONS.viewDigest]: allianceRef.encode(ids),
        [ACTIONS.askToJoin]: allianceRef.encode(ids),
        [ACTIONS.admit]: admissionRef.encode({ allianceId: acme.id, userId: 'UAXEL' }),
        [ACTIONS.agreePrivacyChange]: privacyChangeRef.encode({ changeId: change.id }),
        [ACTIONS.keepPrivacy]: privacyChangeRef.encode({ changeId: change.id }),
        [ACTIONS.renegotiateFromHome]: allianceRef.encode(ids),
      };
      // Every modal, with private_metadata naming Acme's, and answers a person could give.
      const forms: Record<string, [string, Record<string, string>]> = {
        [VIEWS.setup]: [setupRef.encode({ channelId: 'CACME' }), {}],
        [VIEWS.designStep]: [designStepRef.encode({ ...ids, step: 0 }), stepAnswers('team', 0, SAM, ' (forged)')],
        [VIEWS.reservation]: [
          versionRef.encode(ids),
          { [RESERVATION_BLOCKS.concern]: 'Forged concern', [RESERVATION_BLOCKS.watch]: 'Forged watch' },
        ],
        [VIEWS.checkIn]: [pulseRef.encode({ pulseId: pulse?.id ?? 0 }), LOWEST_CHECK_IN],
        [VIEWS.settings]: [allianceRef.encode(ids), {}],
        [VIEWS.setupSignals]: [carriedSetup.encode({ channelId: 'CACME', form }), {}],
        [VIEWS.snooze]: [
          flagRef.encode({ flagId: flag?.id ?? 0 }),
          { [SNOOZE_BLOCKS.weeks]: '2', [SNOOZE_BLOCKS.reason]: 'Forged quiet' },
        ],
        [VIEWS.propose]: [versionRef.encode(ids), { [PROPOSE_BLOCKS.text]: 'Forged proposal' }],
        [VIEWS.confirmLeave]: [allianceRef.encode(ids), {}],
        [VIEWS.confirmArchive]: [allianceRef.encode(ids), {}],
      };
      expect(Object.keys(buttons).sort()).toEqual(Object.values(ACTIONS).sort());
      // Forgetting names no alliance: it acts on the submitter in their own workspace (checked at the end).
      expect([...Object.keys(forms), VIEWS.confirmForget].sort()).toEqual(Object.values(VIEWS).sort());

      const before = fingerprint(store.db);
      const since = h.hub.calls().length;
      const acmeCalls = a.fake.calls().length;
      const acks: string[] = [];
      for (const [actionId, value] of Object.entries(buttons)) {
        const answer = await forged({
          ...base,
          type: 'block_actions',
          trigger_id: b.fake.mintTriggerId(SAM),
          response_url: b.fake.responseUrl({ channel: 'CBETA', userId: SAM }),
          channel: { id: 'CBETA', name: 'team' },
          container: { type: 'message', channel_id: 'CBETA', message_ts: '1767600000.000100' },
          actions: [{ type: 'button', action_id: actionId, block_id: 'forged', value, action_ts: '1767600000.1' }],
        });
        expect(answer.status, `${phase}: ${actionId}`).toBe(200);
        acks.push(answer.text);
      }
      for (const [callbackId, [metadata, values]] of Object.entries(forms)) {
        const answer = await forgedSubmission(callbackId, metadata, values);
        expect(answer.status, `${phase}: ${callbackId}`).toBe(200);
        acks.push(answer.text);
      }
      await h.app.idle();
      expect(fingerprint(store.db), `${phase}: something was written`).toBe(before);
      expect(a.fake.calls(), `${phase}: Acme's Slack was called`).toHaveLength(acmeCalls);
      expect(callsFor(ACME, since)).toEqual([]);
      // Nothing of Acme's alliance (its name, its members' words) was shown in Beta.
      const shown = shownIn(b.fake, acks);
      expect(shown, phase).not.toContain('Acme crew');
      expect(shown, phase).not.toContain('UANNA on');
    }

    // 1. Version 1 in effect, a pulse open, a flag, a privacy change and a request to join waiting.
    await sweep('in effect');
    // 2. A renegotiation round open for answers.
    await a.slack.command({ userId: 'UANNA', channelId: 'CACME', text: 'renegotiate We have grown' });
    expect(store.design.currentOpenRound(acme.id)).toBeDefined();
    await sweep('round open');
    // 3. Everyone answered: version 2 waits for consent.
    const announcement = a.fake
      .messages('CACME')
      .filter((m) => hasAction(m, ACTIONS.addAnswers))
      .at(-1);
    if (!announcement) throw new Error('no announcement');
    for (const userId of [...ACME_PEOPLE, SAM]) {
      await a.slack.clickButton({ userId, channelId: 'CACME', ts: announcement.ts, actionId: ACTIONS.addAnswers });
      await a.slack.submitView({ userId });
      await a.slack.submitView({ userId });
      await a.slack.submitView({ userId });
    }
    expect(store.agreements.versions(acme.id).map((v) => v.status)).toEqual(['active', 'proposed']);
    await sweep('version 2 proposed');
    // Sam, in Acme, can still do all of it: the refusals were about where the request came from.
    const v2 = a.fake
      .messages('CACME')
      .filter((m) => !m.thread_ts && hasAction(m, ACTIONS.agree))
      .at(-1);
    if (!v2) throw new Error('no version 2 post');
    await a.slack.clickButton({ userId: SAM, channelId: 'CACME', ts: v2.ts, actionId: ACTIONS.agree });
    expect(store.agreements.consents(store.agreements.versions(acme.id)[1]?.id ?? 0)).toContain(SAM);

    // Sam asks Beta to forget them: Beta's rows about Sam go, Acme's stay exactly as they were.
    const acmeBefore = fingerprint(store.db, ACME);
    const acmeCallsBefore = a.fake.calls().length;
    const answer = await forgedSubmission(VIEWS.confirmForget, emptyRef.encode({}), {});
    expect(answer.status).toBe(200);
    await h.app.idle();
    expect(
      store.db
        .prepare('SELECT COUNT(*) FROM alliance_members WHERE team_id = ? AND user_id = ?')
        .pluck()
        .get(BETA, SAM),
    ).toBe(0);
    expect(fingerprint(store.db, ACME)).toBe(acmeBefore);
    expect(a.fake.calls()).toHaveLength(acmeCallsBefore);
  });

  it('forged private_metadata in real modals: another workspace’s channel, alliance or pulse is refused', async () => {
    const { a, b, acme } = await bootBoth();
    await h.tickAt(PULSE);
    const store = h.app.store;
    const acmePulse = store.pulses.openPulse(acme.id);
    if (!acmePulse) throw new Error('no pulse');
    const before = fingerprint(store.db);
    const acmeCalls = a.fake.calls().length;

    // Setup: step 2 carries step 1 back in private_metadata; it now names Acme's channel and people.
    await b.slack.command({ userId: 'UBEN', channelId: 'CBETA2', text: 'start Sneaky' });
    const step1 = await b.slack.submitView({
      userId: 'UBEN',
      values: { [SETUP_BLOCKS.members]: BETA_PEOPLE, [SETUP_BLOCKS.template]: 'team' },
    });
    expect(step1.outcome).toBe('updated');
    const step2 = b.fake.topView('UBEN');
    if (!step2) throw new Error('no step 2');
    const carried = carriedSetup.parse(step2.private_metadata);
    b.fake.tamperViewMetadata(
      step2.id,
      carriedSetup.encode({ channelId: 'CACME', form: { ...carried.form, channelId: 'CACME', members: ACME_PEOPLE } }),
    );
    const created = await b.slack.submitView({ userId: 'UBEN' });
    expect(created.outcome).toBe('updated');
    expect(JSON.stringify(created.view?.blocks)).not.toContain('Sneaky');

    // Settings: the modal of Beta's alliance, pointed at Acme's.
    await b.slack.command({ userId: SAM, channelId: 'CBETA', text: 'settings' });
    const settings = b.fake.topView(SAM);
    if (!settings) throw new Error('no settings modal');
    b.fake.tamperViewMetadata(settings.id, allianceRef.encode({ allianceId: acme.id }));
    const saved = await b.slack.submitView({ userId: SAM, values: { [SETUP_BLOCKS.pulseTime]: '15:00' } });
    expect(saved.outcome).not.toBe('closed');

    // Check-in: Beta's own pulse modal, pointed at Acme's pulse.
    const invite = dmsWith(b, SAM, ACTIONS.checkIn).at(-1);
    if (!invite) throw new Error('no invitation');
    await b.slack.clickButton({ userId: SAM, channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
    const checkIn = b.fake.topView(SAM);
    if (!checkIn) throw new Error('no check-in modal');
    b.fake.tamperViewMetadata(checkIn.id, pulseRef.encode({ pulseId: acmePulse.id }));
    const answered = await b.slack.submitView({
      userId: SAM,
      values: LOWEST_CHECK_IN,
    });
    expect(answered.outcome).toBe('updated');

    await h.app.idle();
    expect(fingerprint(store.db)).toBe(before);
    expect(store.alliances.get(acme.id)?.name).toBe('Acme crew');
    expect(a.fake.calls()).toHaveLength(acmeCalls);
    expect(a.fake.messages('CACME').some((m) => m.text.includes('Sneaky'))).toBe(false);
  });

  async function uninstallEvents(b: WorkspaceHarness, order: string[], at: Date) {
    for (const type of order) {
      const event =
        type === 'app_uninstalled'
          ? { type: 'app_uninstalled' }
          : { type: 'tokens_revoked', tokens: { bot: [b.fake.botUserId] } };
      const answer = await b.slack.event(event, { eventTime: Math.floor(at.getTime() / 1000) });
      expect(answer.status).toBe(200);
    }
  }

  it('uninstalled (either order, repeated): tokens deleted at once, jobs stopped, the other workspace untouched; a reinstall resumes', async () => {
    const { a, b, acme, beta } = await bootBoth();
    const acmeJobs = () => h.app.store.jobs.forSubject(acme.id).filter((j) => j.state === 'pending');

    // Acme uninstalls: Slack revokes the tokens and sends both events, app_uninstalled first, one twice.
    h.hub.uninstall(ACME);
    await uninstallEvents(a, ['app_uninstalled', 'tokens_revoked', 'app_uninstalled'], h.clock.now());
    expect(h.app.store.installations.forTeam(ACME, null)).toBeUndefined();
    expect(h.app.store.installations.forTeam(BETA, null)).toBeDefined();
    expect(h.app.store.tenancy.uninstalledAt(ACME)).toEqual(h.clock.now());
    const purge = h.app.store.jobs.forSubject(ACME).filter((j) => j.kind === JOB_KINDS.workspacePurge);
    expect(purge.map((j) => [j.state, j.runAt])).toEqual([['pending', new Date(h.clock.now().getTime() + 30 * DAY)]]);
    expect(h.logs.some((l) => l.includes(`workspace ${ACME}: app uninstalled; scheduled work stopped`))).toBe(true);

    // Pulse time: Beta's pulse opens; Acme's job waits, and nothing is sent to Acme.
    const pendingBefore = acmeJobs().map((j) => j.id);
    const since = h.hub.calls().length;
    const uninstalledAt = h.clock.now();
    await h.tickAt(PULSE);
    for (const id of BETA_PEOPLE) expect(dmsWith(b, id, ACTIONS.checkIn)).toHaveLength(1);
    for (const id of ACME_PEOPLE) expect(dmsWith(a, id, ACTIONS.checkIn)).toHaveLength(0);
    expect(callsFor(ACME, since)).toEqual([]);
    expect(acmeJobs().map((j) => j.id)).toEqual(pendingBefore);
    expect(h.app.store.pulses.openPulse(beta.id)).toBeDefined();
    expect(h.app.store.pulses.openPulse(acme.id)).toBeUndefined();

    // Reinstalled within the grace period: the schedule resumes with the new token, the purge is called off.
    const reinstalled = await h.install(ACME);
    expect(reinstalled.status).toBe(200);
    expect(h.app.store.tenancy.uninstalledAt(ACME)).toBeNull();
    expect(h.app.store.jobs.forSubject(ACME).filter((j) => j.kind === JOB_KINDS.workspacePurge)[0]?.state).toBe(
      'cancelled',
    );
    await h.tickAt(new Date(Date.parse(PULSE) + 60_000));
    for (const id of ACME_PEOPLE) expect(dmsWith(a, id, ACTIONS.checkIn)).toHaveLength(1);
    const fresh = h.hub.tokensOf(ACME).filter((t) => t.usable);
    expect(fresh).toHaveLength(1);
    expect(callsFor(ACME, since).every((c) => c.token === fresh[0]?.token)).toBe(true);

    // A late tokens_revoked from before the reinstall is about the old installation: nothing changes.
    await uninstallEvents(a, ['tokens_revoked'], new Date(uninstalledAt.getTime() + 1000));
    expect(h.app.store.installations.forTeam(ACME, null)).toBeDefined();
    expect(h.app.store.tenancy.uninstalledAt(ACME)).toBeNull();

    // Uninstalled again, tokens_revoked first this time: the same.
    h.clock.advance(60_000);
    h.hub.uninstall(ACME);
    await uninstallEvents(a, ['tokens_revoked', 'app_uninstalled', 'tokens_revoked'], h.clock.now());
    expect(h.app.store.installations.forTeam(ACME, null)).toBeUndefined();
    expect(h.app.store.tenancy.uninstalledAt(ACME)).toEqual(h.clock.now());
    // Beta is untouched: installed, its alliance and pulse as they were, its token still working.
    expect(h.app.store.tenancy.uninstalledAt(BETA)).toBeNull();
    expect(h.app.store.installations.forTeam(BETA, null)).toBeDefined();
    expect(h.hub.tokensOf(BETA).every((t) => t.usable)).toBe(true);
    expect(h.app.store.alliances.get(beta.id)?.status).toBe('active');
  });

  it('past the grace period the purge job deletes everything of the workspace, in every table; the other keeps all', async () => {
    const { a, acme, beta } = await bootBoth();
    await h.tickAt(PULSE);
    // Acme has rows in many tables by now (alliance, members, answers, versions, consents, pulses, outbox, DM channels…).
    const acmeBefore = rowsOf(h.app.store.db, ACME);
    expect(Object.values(acmeBefore).filter((n) => n > 0).length).toBeGreaterThan(12);
    const betaBefore = rowsOf(h.app.store.db, BETA);

    h.hub.uninstall(ACME);
    const uninstalledAt = h.clock.now();
    await uninstallEvents(a, ['app_uninstalled', 'tokens_revoked'], uninstalledAt);
    // One day short of the grace period: kept.
    await h.tickAt(new Date(uninstalledAt.getTime() + 29 * DAY));
    expect(rowsOf(h.app.store.db, ACME).alliances).toBe(1);

    const report = await h.tickAt(new Date(uninstalledAt.getTime() + 30 * DAY));
    expect(report.ran).toContainEqual(expect.objectContaining({ kind: JOB_KINDS.workspacePurge, outcome: 'done' }));
    const after = rowsOf(h.app.store.db, ACME);
    expect(after).toEqual(Object.fromEntries(Object.keys(after).map((t) => [t, 0])));
    expect(total(after)).toBe(0);
    expect(h.app.store.alliances.get(acme.id)).toBeUndefined();
    expect(
      h.logs.some((l) =>
        /workspace T0ACME: grace period over; 1 alliance\(s\) and \d+ other rows deleted, from every table/.test(l),
      ),
    ).toBe(true);
    // Beta kept everything it had (and went on with its pulses meanwhile).
    const betaAfter = rowsOf(h.app.store.db, BETA);
    for (const [table, n] of Object.entries(betaBefore)) expect(betaAfter[table], table).toBeGreaterThanOrEqual(n);
    expect(h.app.store.alliances.get(beta.id)?.status).toBe('active');
    const integrity = h.app.store.db.pragma('foreign_key_check') as unknown[];
    expect(integrity).toEqual([]);

    // Acme can install again and start from nothing.
    expect((await h.install(ACME)).status).toBe(200);
    expect(h.app.store.alliances.liveInChannel(ACME, 'CACME')).toBeUndefined();
  });

  it('a grace period set in the configuration is the one kept', async () => {
    const { a } = await bootBoth({ uninstallGraceDays: 3 });
    h.hub.uninstall(ACME);
    await uninstallEvents(a, ['app_uninstalled'], h.clock.now());
    const purge = h.app.store.jobs.forSubject(ACME).find((j) => j.kind === JOB_KINDS.workspacePurge);
    expect(purge?.runAt).toEqual(new Date(h.clock.now().getTime() + 3 * DAY));
    // Made longer before it ran: the job moves to the new end instead of deleting early.
    await h.restart({ uninstallGraceDays: 10 });
    const uninstalledAt = h.app.store.tenancy.uninstalledAt(ACME) ?? new Date(0);
    await h.tickAt(new Date(uninstalledAt.getTime() + 3 * DAY));
    expect(rowsOf(h.app.store.db, ACME).alliances).toBe(1);
    const moved = h.app.store.jobs
      .forSubject(ACME)
      .filter((j) => j.kind === JOB_KINDS.workspacePurge && j.state === 'pending');
    expect(moved.map((j) => j.runAt)).toEqual([new Date(uninstalledAt.getTime() + 10 * DAY)]);
  });
});

describe('token rotation, for scheduled jobs with no request', () => {
  let h: ManyHarness;
  afterEach(async () => h?.close());

  it('a pulse opening days after the install renews the expired token first, once, and sends with the new one', async () => {
    h = await bootMany({
      workspaces: [WORKSPACES[0] ?? { teamId: ACME }],
      arrange,
      hub: { tokenRotation: { expiresInSeconds: 43_200 } },
    });
    expect((await h.install(ACME)).status).toBe(200);
    const a = h.workspaces[ACME] as WorkspaceHarness;
    const alliance: Alliance = await activateAlliance(a, {
      channelId: 'CACME',
      starter: 'UANNA',
      members: ACME_PEOPLE,
    });
    const [first] = h.hub.tokensOf(ACME);
    expect(h.hub.calls('oauth.v2.access').filter((c) => c.grantType === 'refresh_token')).toHaveLength(0);

    // Three days on, no request came in: the first token expired long ago.
    h.hub.clearCalls();
    await h.tickAt(PULSE);
    expect(first?.usable).toBe(true);
    expect(h.hub.tokensOf(ACME).find((t) => t.token === first?.token)?.usable).toBe(false);
    const refreshes = h.hub.calls('oauth.v2.access');
    expect(refreshes.map((c) => [c.grantType, c.error])).toEqual([['refresh_token', undefined]]);
    const renewed = h.hub.tokensOf(ACME).at(-1);
    expect(renewed?.usable).toBe(true);
    const sent = h.hub.calls().filter((c) => c.method !== 'oauth.v2.access');
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.every((c) => c.token === renewed?.token && c.error === undefined)).toBe(true);
    for (const id of ACME_PEOPLE) expect(dmsWith(a, id, ACTIONS.checkIn)).toHaveLength(1);
    expect(h.app.store.pulses.openPulse(alliance.id)).toBeDefined();
    expect(h.logs.some((l) => l.includes(`workspace ${ACME}: bot token renewed`))).toBe(true);
    expect(h.logs.join('\n')).not.toContain(renewed?.token ?? '-');

    // A person's click the next day uses the renewed token too (Bolt asks the same store).
    h.clock.advance(DAY);
    const invite = dmsWith(a, 'UARNE', ACTIONS.checkIn).at(-1);
    if (!invite) throw new Error('no invitation');
    await a.slack.clickButton({ userId: 'UARNE', channelId: invite.channel, ts: invite.ts, actionId: ACTIONS.checkIn });
    expect(a.fake.topView('UARNE')?.callback_id).toBe(VIEWS.checkIn);
    expect(h.hub.calls('oauth.v2.access').filter((c) => c.grantType === 'refresh_token')).toHaveLength(2);
    expect(h.hub.calls('views.open').every((c) => c.error === undefined)).toBe(true);
    expect(hasAction(invite, ACTIONS.checkIn)).toBe(true);
  });
});

describe('an Enterprise Grid organization installing Alliance org-wide', () => {
  let h: ManyHarness;
  afterEach(async () => h?.close());

  const GRID = 'E0GRID';
  const ONE = 'T0GONE';
  const TWO = 'T0GTWO';

  it('one org-wide installation serves each workspace of the organization, keyed by organization and workspace', async () => {
    h = await bootMany({
      workspaces: [
        { teamId: ONE, teamName: 'Grid one', botUserId: 'UBOTGRID', botId: 'BGRID', enterpriseId: GRID },
        { teamId: TWO, teamName: 'Grid two', botUserId: 'UBOTGRID', botId: 'BGRID', enterpriseId: GRID },
      ],
      arrange: (fake) => {
        const people = fake.teamId === ONE ? ACME_PEOPLE : BETA_PEOPLE;
        for (const id of people) fake.addUser({ id, name: id.toLowerCase(), tz: 'Europe/Berlin' });
        fake.addChannel({
          id: fake.teamId === ONE ? 'CONE' : 'CTWO',
          name: 'team',
          members: people,
          botIsMember: true,
        });
      },
    });
    h.hub.addOrganization({ id: GRID, name: 'Grid Org', botUserId: 'UBOTGRID', botId: 'BGRID' });
    const installed = await h.install(GRID);
    expect(installed.status).toBe(200);
    expect(installed.page).toContain('Alliance is now installed in <strong>Grid Org</strong>');
    expect(h.app.store.installations.get({ enterpriseId: GRID, teamId: null })).toMatchObject({
      isEnterpriseInstall: true,
      enterpriseName: 'Grid Org',
      botUserId: 'UBOTGRID',
    });

    // The first request from a workspace of the organization names it (as Slack does in Grid).
    const one = h.workspaces[ONE] as WorkspaceHarness;
    const help = await one.slack.raw({
      body: new URLSearchParams({
        team_id: ONE,
        team_domain: 'gridone',
        enterprise_id: GRID,
        enterprise_name: 'Grid Org',
        is_enterprise_install: 'true',
        channel_id: 'CONE',
        channel_name: 'team',
        user_id: 'UANNA',
        user_name: 'uanna',
        command: '/alliance',
        text: 'help',
        api_app_id: 'A0ALLIANCE',
        response_url: one.fake.responseUrl({ channel: 'CONE', userId: 'UANNA' }),
        trigger_id: one.fake.mintTriggerId('UANNA'),
      }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(help.text).toContain('/alliance start');
    expect(h.app.store.tenancy.enterpriseOf(ONE)).toBe(GRID);

    // From then on the workspace's requests and its scheduled work find the organization's token.
    await activateAlliance(one, { channelId: 'CONE', starter: 'UANNA', members: ACME_PEOPLE });
    h.hub.clearCalls();
    await h.tickAt(PULSE);
    for (const id of ACME_PEOPLE) expect(dmsWith(one, id, ACTIONS.checkIn)).toHaveLength(1);
    const orgToken = h.hub.tokensOf(GRID)[0]?.token;
    expect(h.hub.calls().length).toBeGreaterThan(3);
    expect(h.hub.calls().every((c) => c.teamId === ONE && c.token === orgToken && c.error === undefined)).toBe(true);
    // The other workspace, never seen, has no data and nothing was sent there.
    expect(h.app.store.tenancy.enterpriseOf(TWO)).toBeNull();
    expect((h.workspaces[TWO] as WorkspaceHarness).fake.calls()).toHaveLength(0);

    // The organization uninstalls: the org-wide installation goes, and its workspaces stop.
    h.hub.uninstall(GRID);
    const envelope = {
      token: 'fake-verification-token',
      team_id: ONE,
      enterprise_id: GRID,
      api_app_id: 'A0ALLIANCE',
      event: { type: 'app_uninstalled', event_ts: '1767862800.000100' },
      type: 'event_callback',
      event_id: 'EvGRIDGONE',
      event_time: Math.floor(h.clock.now().getTime() / 1000),
      authorizations: [
        { enterprise_id: GRID, team_id: null, user_id: 'UBOTGRID', is_bot: true, is_enterprise_install: true },
      ],
      is_ext_shared_channel: false,
    };
    const gone = await one.slack.raw({ body: JSON.stringify(envelope), contentType: 'application/json' });
    expect(gone.status).toBe(200);
    expect(h.app.store.installations.get({ enterpriseId: GRID, teamId: null })).toBeUndefined();
    expect(h.app.store.tenancy.uninstalledAt(ONE)).toEqual(h.clock.now());
    expect(h.app.store.jobs.forSubject(ONE).some((j) => j.kind === JOB_KINDS.workspacePurge)).toBe(true);
  });
});
