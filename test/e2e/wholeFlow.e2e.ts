import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchakel, type Schakel } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startLocaleShim, startPlayground, type LocaleShim, type Playground } from '../../scripts/playground.js';
import { playgroundConfigAs } from '../../scripts/playgroundUser.js';
import { ROOT } from '../../scripts/root.js';
import { SECTIONS } from '../../cards/referral/sections.js';
import type { FieldDef } from '../../cards/referral/fields.js';
import { planFields } from '../../cards/handover/fields.js';
import { translator } from '../../src/i18n/index.js';
import { FORM } from '../support/factories.js';
import { launchChromium, pickDate, sendChatMessage, type HeadlessBrowser } from './browser.js';

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
  const schakel = await startSchakel(config, createLogger('warn'));
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
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The accessible name of a card input: its label, with " *" when required. */
const named = (label: string) => new RegExp(`^${escape(label)}( \\*)?$`);
/** A checkbox of a card: the input's label, then the option's title. */
const option = (label: string, title: string) => new RegExp(`^${escape(label)}( \\*)? ${escape(title)}$`);

/** Shows the newest card as a person sees it, and saves the picture as step `name`. */
async function shot(name: string, card?: Locator) {
  const p = page();
  if (card) await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await p.screenshot({ path: join(SHOTS, `${name}.png`) });
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
        for (const v of value.split(',')) await card.getByRole('checkbox', { name: option(label, title(v)) }).first().check();
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
      if (section === 'pupil') await shot('flow-1-aanmelden', card);
      await card.getByRole('button', { name: /^Opslaan en (verder|controleren)$/ }).click();
      await expect.poll(() => referralCards().last().getByRole('heading', { name: `Aanmelding wijkteam — ${tr(SECTIONS[section].titleKey)}` }).count()).toBe(0);
    }
    const review = referralCards().last();
    await review.getByRole('button', { name: tr('review.submit') }).waitFor();
    await shot('flow-2-controleren', review);
    await review.getByRole('button', { name: tr('review.submit') }).click();
    await expect.poll(async () => (await running!.schakel.deps.referrals.listForSmw(SANNE, ['submitted'])).length).toBe(1);
    number = (await running!.schakel.deps.referrals.listForSmw(SANNE, ['submitted']))[0]!.number;
    await p.waitForTimeout(1000);
    await shot('flow-3-verstuurd', referralCards().last());
    console.log(await referralCards().last().ariaSnapshot());
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
    await shot('flow-4-kanaal');
    await takeOn.click();
    await p.getByText('Casusregisseur: Mehmet', { exact: false }).first().waitFor();
    await shot('flow-5-opgepakt');
  });

  it('plans the warme overdracht and books a slot', async () => {
    const p = page();
    await p.getByRole('treeitem', { name: /^Personal Chat/ }).click();
    const plan = p.locator('.ac-adaptiveCard').filter({ has: p.getByRole('button', { name: tr('handover.plan.search') }) }).last();
    await plan.waitFor();
    console.log(await plan.ariaSnapshot());
    await fill(plan, planFields(tr), { parentAvailability: '1-ochtend,2-ochtend,3-ochtend,4-middag,5-ochtend', meetingForm: 'school' });
    await shot('flow-6-plannen', plan);
    await plan.getByRole('button', { name: tr('handover.plan.search') }).click();
    await p.waitForTimeout(2000);
    const proposals = p.locator('.ac-adaptiveCard').last();
    await shot('flow-7-tijden', proposals);
    console.log(await proposals.ariaSnapshot());
  });
});
