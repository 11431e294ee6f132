/**
 * The demo page in a real browser (Debian's Chromium, driven by playwright-core): a team lead's
 * first clicks, from starting an alliance to reading the weekly digest and its chart.
 * Screenshots go to test/output/browser/ (not committed).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoServer, startDemoServer } from '../../src/demo/server.js';
import { DemoWorkspace } from '../../src/demo/workspace.js';
import { tempDir } from '../support/temp-db.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const OUTPUT = fileURLToPath(new URL('../output/browser/', import.meta.url));
const installed = existsSync(CHROMIUM);

if (!installed && process.env.CI) {
  // CI must run this test: .ci/run installs Chromium when it is missing.
  describe('the demo in a browser', () => {
    it('needs Chromium', () => {
      throw new Error(`Chromium is not at ${CHROMIUM}; .ci/run installs it with apt-get (package chromium).`);
    });
  });
} else if (!installed) {
  console.warn(`Skipping the browser test: Chromium is not at ${CHROMIUM} (apt-get install chromium).`);
}

describe.skipIf(!installed)('the demo in a browser', () => {
  let dir: ReturnType<typeof tempDir>;
  let demo: DemoWorkspace;
  let server: DemoServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    dir = tempDir('alliance-browser-');
    demo = await DemoWorkspace.start({ start: new Date('2026-01-05T08:00:00Z'), databasePath: dir.file('demo.db') });
    server = await startDemoServer(demo, { port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await demo?.stop();
    dir?.cleanup();
  });

  const messages = () => page.locator('#messages .msg');
  const modal = () => page.locator('#overlay form.modal');
  const textOf = async (selector: string) => (await page.locator(selector).textContent()) ?? '';

  async function become(userId: string, conversation: 'channel' | 'app') {
    await page.click(`[data-person="${userId}"]`);
    await page.waitForFunction(`document.body.dataset.viewer === ${JSON.stringify(userId)}`);
    await page.click(conversation === 'channel' ? '[data-conversation="CTEAM"]' : '#sidebar-app');
  }

  async function submitModal(title: string) {
    await modal().locator('.modal-title', { hasText: title }).waitFor();
    const before = await modal().getAttribute('data-hash');
    await modal().locator('.modal-submit').click();
    // The app answers with a new view (update) or closes the modal.
    await page.waitForFunction(
      `document.querySelector('#overlay form.modal')?.getAttribute('data-hash') !== ${JSON.stringify(before)}`,
    );
  }

  it('starts an alliance, invites, agrees, checks in and shows the digest with its chart', async () => {
    await page.goto(server.url);
    await page.locator('#conversation-title', { hasText: 'product-team' }).waitFor();
    expect(await textOf('#clock-day')).toBe('Monday, January 5');

    // Alice starts an alliance with the slash command; the setup modal opens.
    await page.fill('#composer-text', '/alliance start Core team');
    await page.press('#composer-text', 'Enter');
    await modal().locator('.modal-title', { hasText: 'Start an alliance' }).waitFor();
    expect(await modal().locator('input[name="setup.name:value"]').inputValue()).toBe('Core team');
    // Everyone in the channel is suggested; the required inputs are filled in.
    expect(await modal().locator('input[name="setup.members:value"]:checked').count()).toBe(5);
    await page.screenshot({ path: `${OUTPUT}modal.png` });

    // An empty name is refused before anything is sent, as Slack's client does.
    await modal().locator('input[name="setup.name:value"]').fill('');
    await modal().locator('.modal-submit').click();
    await modal().locator('.bk-error', { hasText: 'Please complete this required field.' }).waitFor();
    await modal().locator('input[name="setup.name:value"]').fill('Core team');
    await submitModal('Start an alliance');
    await modal().locator('.bk-text', { hasText: 'Almost there' }).waitFor();
    await submitModal('Start an alliance');
    await modal().waitFor({ state: 'detached' });
    await messages().filter({ hasText: "Let's design our alliance: Core team" }).waitFor();

    // Bruno sees his invitation in his DM with Alliance, and answers the prompts.
    await become('UBRUNO', 'app');
    const invitation = messages().filter({ hasText: 'invited you to design Core team' });
    await invitation.waitFor();
    expect(await invitation.textContent()).toContain('Alice Martin invited you to design Core team with 4 others');
    await invitation.getByRole('button', { name: 'Add my answers' }).click();
    for (const title of ['The atmosphere', 'Co-responsibility', 'Behavioral agreements']) {
      await modal().locator('.bk-header', { hasText: title }).waitFor();
      for (const field of await modal().locator('.bk-input[data-required="true"] textarea').all()) {
        await field.fill(`Bruno on ${title}: <!channel> stays text`);
      }
      await submitModal('Design our alliance');
    }
    await modal().locator('.bk-text', { hasText: 'your answers for Core team are saved' }).waitFor();
    await modal().locator('.modal-close').click();
    await modal().waitFor({ state: 'detached' });

    // The others answer too (through the same Slack UI), and the agreement is shared in the channel.
    await page.click('[data-teammates="answer"]');
    await page.locator('#toast', { hasText: 'added their answers' }).waitFor();
    await become('UALICE', 'channel');
    const agreement = messages().filter({ hasText: 'Core team: version 1' });
    await agreement.waitFor();
    expect(await agreement.textContent()).toContain('Bruno on The atmosphere: <!channel> stays text');

    // Everyone agrees, one after the other.
    for (const person of ['UALICE', 'UBRUNO', 'UCHEN', 'UDANA', 'UESHA']) {
      await become(person, 'channel');
      await agreement.getByRole('button', { name: 'I agree' }).click();
      await messages()
        .filter({ hasText: 'Thank you, you agreed' })
        .or(agreement.filter({ hasText: 'Everyone agreed' }))
        .first()
        .waitFor();
    }
    await agreement.filter({ hasText: '🤝 Everyone agreed on Monday, January 5th, 2026' }).waitFor();

    // Next pulse: Thursday 10:00 in Berlin. Alice checks in from her DM.
    await page.click('[data-clock="pulse"]');
    await page.locator('#clock-day', { hasText: 'Thursday, January 8' }).waitFor();
    await become('UALICE', 'app');
    const pulse = messages().filter({ hasText: 'How is the alliance going?' });
    await pulse.getByRole('button', { name: 'Check in' }).click();
    await modal().locator('.modal-title', { hasText: 'Check in' }).waitFor();
    for (const select of await modal().locator('.bk-input[data-required="true"] select').all()) {
      await select.selectOption('4');
    }
    for (const group of await modal().locator('.bk-input[data-type="radio_buttons"][data-required="true"]').all()) {
      await group.locator('input[type=radio]').first().check();
    }
    await modal().locator('textarea[name="checkin.working:value"]').fill('Reviews are quick & kind');
    await page.screenshot({ path: `${OUTPUT}check-in-modal.png` });
    await submitModal('Check in');
    await modal().locator('.bk-text', { hasText: 'your check-in on Core team is saved' }).waitFor();
    await modal().locator('.modal-close').click();
    await messages().filter({ hasText: 'Thanks — you checked in' }).waitFor();

    // The teammates check in, the pulse closes, and Monday's digest comes with its chart.
    await page.click('[data-teammates="checkin"][data-mood="high"]');
    await page.locator('#toast', { hasText: 'checked in (high)' }).waitFor();
    await page.click('[data-clock="close"]');
    await page.locator('#toast', { hasText: 'The pulse closed and its results are in' }).waitFor();
    await page.click('[data-clock="digest"]');
    await page.locator('#clock-day', { hasText: 'Monday, January 12' }).waitFor();
    await page.click('[data-conversation="CTEAM"]');
    const digest = messages().filter({ hasText: "How we're doing: Core team" }).last();
    await digest.waitFor();
    expect(await digest.textContent()).toContain('5 of 5 answered the pulse of Jan 8, 2026');
    await digest.locator('.msg-replies').click();
    await page.locator('#thread-body').getByText('Reviews are quick & kind').waitFor();
    // The chart is a real PNG the browser could load from the file Slack stores.
    await page.waitForFunction(
      "(() => { const img = document.querySelector('#thread-body .msg-file img'); return img?.complete && img.naturalWidth > 0; })()",
    );
    expect(await page.locator('#thread-body .msg-file figcaption').textContent()).toContain('Trend of the last');
    await page.locator('#thread-body .msg-file img').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUTPUT}channel.png` });
  }, 180_000);
});
