import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchakel, type Schakel } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { ReminderDocument } from '../../src/store/reminders.js';
import { startLocaleShim, startPlayground, type LocaleShim, type Playground } from '../../scripts/playground.js';
import { playgroundConfigAs } from '../../scripts/playgroundUser.js';
import { ROOT } from '../../scripts/root.js';
import { SECTIONS } from '../../cards/referral/sections.js';
import type { FieldDef } from '../../cards/referral/fields.js';
import { agreementFields, planFields } from '../../cards/handover/fields.js';
import { translator } from '../../src/i18n/index.js';
import { FORM } from '../support/factories.js';
import { launchChromium, pickDate, sendChatMessage, type HeadlessBrowser } from './browser.js';

/**
 * The whole flow as a newcomer plays it with `npm run dev` (docs/LOCAL_CHAT.md, "The whole flow"):
 * the SMW'er fills in every part of the aanmelding and sends it; Schakel and the Playground are
 * restarted on the same data folder as the casusregisseur, who links the wijkteam channel, takes
 * the aanmelding on, plans and books the warme overdracht and confirms the afspraken; restarted as
 * the SMW'er again, `tijdreis` goes to the first agreed date, the reminder card arrives and is
 * marked done. Each step saves a picture (UPDATE_DOCS_SCREENSHOT=1 copies them to docs/images).
 *
 * The Playground keeps no chat history across a restart, so the channel is linked in the session
 * of the person who acts on it (here the casusregisseur, named coordinator for that session as a
 * tester does with COORDINATOR_AAD_IDS); the Playground's port stays the same across restarts, as
 * with `npm run dev`, so stored conversations stay reachable.
 */
const SANNE = '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e501';
const MEHMET = '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e502';
const PIETER = '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e506';
const RESULTS = join(ROOT, 'test-results');
const SHOTS = join(RESULTS, 'whole-flow');
const dataDir = mkdtempSync(join(tmpdir(), 'schakel-e2e-flow-'));

let chromium: HeadlessBrowser;
let playgroundPort = 0;
let running: { schakel: Schakel; shim: LocaleShim; playground: Playground; page: Page } | undefined;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function startAs(who: string) {
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000', SCHAKEL_DATA_DIR: dataDir, COORDINATOR_AAD_IDS: [SANNE, PIETER, ...(who === 'casusregisseur' ? [MEHMET] : [])].join(',') });
  const schakel = await startSchakel(config, createLogger('error'));
  const shim = await startLocaleShim(`${schakel.url}/api/messages`, 'nl-NL');
  const playground = await startPlayground({ botEndpoint: shim.endpoint, port: playgroundPort, logFile: join(RESULTS, 'playground-flow.log'), configPath: playgroundConfigAs(who, undefined, join(RESULTS, 'playground')).path });
  const page = await chromium.context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(playground.url);
  await page.locator('[data-lexical-editor="true"]').waitFor({ timeout: 30_000 });
  running = { schakel, shim, playground, page };
  return running;
}

async function stopRunning() {
  if (!running) return;
  await running.page.close();
  await running.playground.stop();
  await running.shim.stop();
  await running.schakel.stop();
  running = undefined;
}

const page = () => running!.page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  chromium = await launchChromium();
  playgroundPort = await freePort();
});

afterAll(async () => {
  if (running) await running.page.screenshot({ path: join(SHOTS, 'last-state.png') }).catch(() => undefined);
  await stopRunning();
  await chromium?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const tr = translator('nl');

/** Working day `n` after today (weekends skipped), as YYYY-MM-DD. */
function workday(n: number): string {
  let d = DateTime.now().setZone('Europe/Amsterdam').startOf('day');
  for (let left = n; left > 0; ) {
    d = d.plus({ days: 1 });
    if (d.weekday <= 5) left--;
  }
  return d.toISODate() ?? '';
}
/** The first agreed date: feedback to the SMW'er, a week after the planned conversation. */
const FEEDBACK_DATE = workday(8);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The accessible name of a card input: its label, with " *" when required. */
const named = (label: string) => new RegExp(`^${escape(label)}( \\*)?$`);
/** A checkbox of a card: the input's label, then the option's title. */
const option = (label: string, title: string) => new RegExp(`^${escape(label)}( \\*)? ${escape(title)}$`);

/** Scrolls a card to the top of the chat as a person would look at it, and saves the picture of step `name`. */
async function shot(name: string, card?: Locator) {
  const p = page();
  if (card) await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await p.screenshot({ path: join(SHOTS, `${name}.png`) });
  // UPDATE_DOCS_SCREENSHOT=1 npm run test:e2e refreshes the pictures of docs/LOCAL_CHAT.md.
  if (process.env.UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(join(SHOTS, `${name}.png`), join(ROOT, 'docs', 'images', `local-${name}.png`));
}

/** Fills one card's inputs as a person does, field by field, from the card's own field definitions. */
async function fill(card: Locator, defs: FieldDef[], values: Record<string, string>) {
  const p = page();
  for (const d of defs) {
    const value = values[d.id];
    if (value === undefined || value === '' || d.kind === 'heading' || d.kind === 'info') continue;
    const label = tr(d.labelKey, d.labelParams);
    const title = (v: string) => {
      const c = d.choices?.find((x) => x.value === v);
      return c?.label ?? tr(c?.labelKey ?? v);
    };
    switch (d.kind) {
      case 'text':
      case 'multiline':
        await card.getByRole('textbox', { name: named(label) }).first().fill(value);
        break;
      case 'date':
        await pickDate(p, card.getByRole('combobox', { name: named(label) }).first(), value);
        break;
      case 'choice':
        await card.getByRole('combobox', { name: named(label) }).first().click();
        await p.getByRole('option', { name: title(value), exact: true }).click();
        break;
      case 'toggle':
        if (value === 'true') await card.getByRole('checkbox', { name: option(label, tr(d.placeholderKey ?? '')) }).first().check();
        break;
      case 'radio':
        await card.getByRole('radiogroup', { name: named(label) }).first().getByRole('radio', { name: title(value), exact: true }).check();
        break;
      case 'multichoice':
        if (d.compact) {
          // One drop-down with check marks: open it, tick each option, close it.
          await card.getByRole('combobox', { name: named(label) }).first().click();
          for (const v of value.split(',')) await p.getByText(title(v), { exact: true }).last().click();
          await p.keyboard.press('Escape');
        } else {
          for (const v of value.split(',')) await card.getByRole('checkbox', { name: option(label, title(v)) }).first().check();
        }
        break;
      default:
        throw new Error(`no way to fill a ${d.kind} field (${d.id})`);
    }
  }
}

const referralCards = () => page().locator('.ac-adaptiveCard').filter({ hasText: 'Aanmelding wijkteam' });

describe('the whole flow across roles in the Playground', () => {
  let number = '';

  it('fills in all parts of the aanmelding as the SMW\'er and sends it', async () => {
    await startAs('smw');
    const p = page();
    await p.getByTitle('Hide log panel').click();
    await sendChatMessage(p, 'aanmelden');
    await referralCards().last().waitFor();
    const instruments = { etmOutcomes: [], lirikOutcomes: [] };
    for (const section of ['pupil', 'parents', 'request', 'safety', 'consent'] as const) {
      const card = referralCards().last();
      await card.getByRole('heading', { name: `Aanmelding wijkteam — ${tr(SECTIONS[section].titleKey)}` }).waitFor();
      const [draft] = await running!.schakel.deps.referrals.listForSmw(SANNE, ['draft']);
      await fill(card, SECTIONS[section].fields({ instruments, referral: draft }), FORM[section]);
      if (section === 'pupil') await shot('flow-01-aanmelden', card);
      await card.getByRole('button', { name: /^Opslaan en (verder|controleren)$/ }).click();
      await expect.poll(() => referralCards().last().getByRole('heading', { name: `Aanmelding wijkteam — ${tr(SECTIONS[section].titleKey)}` }).count()).toBe(0);
    }
    const review = referralCards().last();
    await review.getByRole('button', { name: tr('review.submit') }).waitFor();
    await shot('flow-02-controleren', review);
    await review.getByRole('button', { name: tr('review.submit') }).click();
    await expect.poll(async () => (await running!.schakel.deps.referrals.listForSmw(SANNE, ['submitted'])).length).toBe(1);
    number = (await running!.schakel.deps.referrals.listForSmw(SANNE, ['submitted']))[0]!.number;
    await p.waitForTimeout(1000);
    // The channel is linked later, by whoever is at the keyboard when the wijkteam looks (see below).
    // The card it was sent from is now the SMW'er's live case card, titled with the number.
    const caseCard = () => page().locator('.ac-adaptiveCard').filter({ hasText: `Aanmelding ${number}` }).last();
    await expect.poll(() => caseCard().innerText()).toContain('wacht op koppeling van het kanaal');
    await shot('flow-03-verstuurd', caseCard());
  });

  it('links the channel and takes the aanmelding on as the casusregisseur', async () => {
    await stopRunning();
    await startAs('casusregisseur');
    const p = page();
    await p.getByTitle('Hide log panel').click();
    await p.getByRole('treeitem', { name: 'Wijkteam Feijenoord - Aanmeldingen' }).click();
    await p.locator('[data-lexical-editor="true"]').click();
    await p.keyboard.type('@');
    await p.getByRole('menuitem', { name: /^Schakel/ }).click();
    await p.keyboard.type(' koppel wijkteam Feijenoord');
    await p.keyboard.press('Enter');
    await p.getByText('Dit kanaal ontvangt nu de aanmeldingen voor', { exact: false }).first().waitFor();
    const takeOn = p.getByRole('button', { name: tr('intake.takeOn') });
    await takeOn.waitFor();
    expect(await p.locator('.ac-adaptiveCard').filter({ has: takeOn }).innerText()).toContain(number);
    await shot('flow-04-kanaal');
    await takeOn.click();
    await p.getByText('Casusregisseur: Mehmet', { exact: false }).first().waitFor();
    await shot('flow-05-opgepakt');
  });

  it('plans the warme overdracht and books a slot', async () => {
    const p = page();
    await p.getByRole('treeitem', { name: /^Personal Chat/ }).click();
    const plan = p.locator('.ac-adaptiveCard').filter({ has: p.getByRole('button', { name: tr('handover.plan.search') }) }).last();
    await plan.waitFor();
    await fill(plan, planFields(tr), { parentAvailability: '1-ochtend,2-ochtend,3-ochtend,4-middag,5-ochtend', meetingForm: 'school' });
    await shot('flow-06-plannen', plan);
    await plan.getByRole('button', { name: tr('handover.plan.search') }).click();
    // The proposed times are one choice (the first preselected) with one "Kies" button.
    const slot = p.getByRole('radio', { name: /^\S+ \d+ \S+ \d{2}:\d{2}–\d{2}:\d{2}$/ }).first();
    await slot.waitFor();
    const proposals = p.locator('.ac-adaptiveCard').filter({ has: slot }).last();
    await shot('flow-07-tijden', proposals);
    await slot.check();
    await proposals.getByRole('button', { name: tr('handover.proposals.book'), exact: true }).click();
    await p.getByText(/Gepland: /).first().waitFor();
    await shot('flow-08-gepland', p.locator('.ac-adaptiveCard').filter({ hasText: 'Gepland: ' }).last());
  });

  it('records and confirms the afspraken', async () => {
    const p = page();
    await p.getByRole('button', { name: tr('handover.agreements.open') }).last().click();
    const form = p.locator('.ac-adaptiveCard').filter({ has: p.getByRole('button', { name: tr('handover.agreements.confirm') }) }).last();
    await form.waitFor();
    await fill(form, agreementFields(), {
      present: 'smw,caseManager,parent',
      feedback0To: 'smw',
      feedback0How: 'teams',
      feedback0Date: FEEDBACK_DATE,
      evaluationDate: workday(30),
      evaluationWith: 'smw,parent,caseManager',
      aftercareWhat: 'Wekelijks contact met de mentor over verzuim',
      aftercareWho: 'schoolContact',
      aftercareUntil: workday(80),
      parentsAgree: 'true',
      // The booked time lies ahead of the test's clock: the casusregisseur says the talk took place.
      meetingHeld: 'true',
    });
    await shot('flow-09-afspraken', form);
    await form.getByRole('button', { name: tr('handover.agreements.confirm') }).click();
    const confirmed = p.locator('.ac-adaptiveCard').filter({ hasText: tr('handover.confirmed.notice') }).last();
    await confirmed.waitFor();
    expect(await confirmed.innerText()).toContain('U krijgt een herinnering bij elke afgesproken datum.');
    await shot('flow-10-bevestigd', confirmed);
  });

  it('travels in time as the SMW\'er to the first agreed date; the reminder arrives and is marked done', async () => {
    await stopRunning();
    const { schakel } = await startAs('smw');
    const p = page();
    await p.getByTitle('Hide log panel').click();
    // The agreements card was sent while Sanne was not at the keyboard: she asks for it again.
    await sendChatMessage(p, `overdracht ${number}`);
    await expect.poll(() => p.locator('.ac-adaptiveCard').last().innerText()).toContain('Terugkoppeling aan SMW');
    const { resources } = await schakel.store.containers.reminders.items
      .query<ReminderDocument>({ query: "SELECT * FROM c WHERE c.status = 'pending' AND c.kind = 'agreementOnDay'" })
      .fetchAll();
    const mine = resources.filter((r) => r.recipients.some((x) => x.aadObjectId === SANNE)).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
    expect(mine, 'a reminder on the agreed feedback date').toBeDefined();
    expect(DateTime.fromISO(mine!.dueAt).setZone('Europe/Amsterdam').toISODate()).toBe(FEEDBACK_DATE);
    const at = DateTime.fromISO(mine!.dueAt).plus({ minutes: 1 }).setZone('Europe/Amsterdam').toFormat('yyyy-MM-dd HH:mm');
    await sendChatMessage(p, `tijdreis ${at}`);
    await p.getByText('De klok van Schakel staat nu op').first().waitFor();
    const done = p.getByRole('button', { name: tr('reminder.done'), exact: true }).last();
    await done.waitFor({ timeout: 20_000 });
    const reminder = p.locator('.ac-adaptiveCard').filter({ has: done }).last();
    expect(await reminder.innerText()).toContain(number);
    await shot('flow-11-herinnering', reminder);
    await done.click();
    await expect.poll(async () => (await schakel.deps.reminderStore.get(mine!.id, mine!.bucket))?.doc.status, { timeout: 10_000 }).toBe('done');
    await p.getByText(tr('reminder.markedDone')).first().waitFor();
    await shot('flow-12-gedaan', p.locator('.ac-adaptiveCard').filter({ hasText: tr('reminder.markedDone') }).last());
  });
});
