import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchakel, type Schakel } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startLocaleShim, startPlayground, type LocaleShim, type Playground } from '../../scripts/playground.js';
import { ROOT } from '../../scripts/root.js';
import { LogCapture } from '../support/harness.js';
import { launchChromium, pickDate, sendChatMessage, type HeadlessBrowser } from './browser.js';

/** The current user of .m365agentsplayground.yml: the SMW'er who fills in the aanmelding. */
const SMW_AAD_OBJECT_ID = '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e501';
const RESULTS = join(ROOT, 'test-results');
const SCREENSHOT = join(RESULTS, 'e2e-aanmelden.png');

let schakel: Schakel;
let logs: LogCapture;
let shim: LocaleShim;
let playground: Playground;
let chromium: HeadlessBrowser;
let page: Page;

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  rmSync(SCREENSHOT, { force: true }); // afterAll keeps the last state when the run did not get that far
  // Fail first on the one prerequisite outside npm, before starting anything else.
  chromium = await launchChromium();
  logs = new LogCapture();
  // A data folder of its own: never the developer's ./.schakel-data.
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '1000', SCHAKEL_DATA_DIR: mkdtempSync(join(tmpdir(), 'schakel-e2e-')) });
  schakel = await startSchakel(config, createLogger(config.logLevel, logs));
  shim = await startLocaleShim(`${schakel.url}/api/messages`, 'nl-NL');
  playground = await startPlayground({ botEndpoint: shim.endpoint, port: 0, logFile: join(RESULTS, 'playground.log') });
  page = chromium.context.pages()[0] ?? (await chromium.context.newPage());
  page.setDefaultTimeout(15_000);
  await page.goto(playground.url);
  await page.locator('[data-lexical-editor="true"]').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  if (page && !existsSync(SCREENSHOT)) await page.screenshot({ path: join(RESULTS, 'e2e-last-state.png') }).catch(() => undefined);
  await chromium?.stop();
  await playground?.stop();
  await shim?.stop();
  await schakel?.stop();
});

/** The newest aanmeld card in the chat (the Playground renders each card as .ac-adaptiveCard). */
function referralCards(): Locator {
  return page.locator('.ac-adaptiveCard').filter({ hasText: 'Aanmelding wijkteam — ' });
}

/** The accessible name of a labelled input: required inputs end in " *". */
function named(label: string): RegExp {
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);
}

/** An Input.Text of a card by its label. */
function textbox(card: Locator, label: string): Locator {
  return card.getByRole('textbox', { name: named(label) });
}

/** The card container of one input: the input and the error line the bot puts right under it. */
function fieldBlock(card: Locator, label: string): Locator {
  return card.locator('.ac-container').filter({ has: page.getByRole('textbox', { name: named(label) }) }).last();
}

describe('chatting with Schakel in the Agents Playground (real browser)', () => {
  it('runs in the tenant of .m365agentsplayground.yml and is welcomed in Dutch', async () => {
    await expect.poll(() => page.getByText('Wijkteam Feijenoord').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('Aanmeldingen', { exact: true }).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('Sanne Smit (SMW)').count()).toBeGreaterThan(0);
    await page.getByText('Welkom bij Schakel', { exact: false }).first().waitFor({ timeout: 10_000 });
    expect(playground.output() + (await page.locator('body').innerText())).toContain('.m365agentsplayground.yml');
  });

  it('shows the aanmeld card after typing "aanmelden"', async () => {
    await sendChatMessage(page, 'aanmelden');
    const card = referralCards().last();
    await card.waitFor({ timeout: 15_000 });
    for (const label of ['Voornaam of voornamen', 'Achternaam', 'Postcode woonadres (bepaalt het wijkteam)', 'Huisnummer', 'School', 'Groep of klas']) {
      await expect.poll(() => textbox(card, label).count(), { message: label }).toBe(1);
    }
    expect(await card.getByRole('combobox', { name: named('Geboortedatum') }).count()).toBe(1);
    await expect.poll(() => card.getByRole('button', { name: 'Opslaan en verder' }).count()).toBe(1);
  });

  it('answers a wrong postcode with the Dutch error beside that field and keeps what was typed', async () => {
    const card = referralCards().last();
    await textbox(card, 'Voornaam of voornamen').fill('Noa Maria');
    await textbox(card, 'Achternaam').fill('de Vries');
    await pickDate(page, card.getByRole('combobox', { name: named('Geboortedatum') }), '2015-03-14');
    await card.getByRole('combobox', { name: named('Gender (optioneel)') }).click();
    await page.getByRole('option', { name: 'Meisje', exact: true }).click();
    await textbox(card, 'Postcode woonadres (bepaalt het wijkteam)').fill('30 11');
    await textbox(card, 'Huisnummer').fill('12a');
    await textbox(card, 'School').fill('OBS De Regenboog');
    await textbox(card, 'Groep of klas').fill('groep 6');
    await textbox(card, 'Talen thuis (optioneel)').fill('Nederlands, Arabisch');
    await card.getByText('Er is een tolk nodig').click();
    const cardsBefore = await referralCards().count();
    await card.getByRole('button', { name: 'Opslaan en verder' }).click();

    const error = 'Vul een postcode in als 1234 AB.';
    const updated = referralCards().last();
    await updated.getByText(error).waitFor({ timeout: 15_000 });
    const postcode = fieldBlock(updated, 'Postcode woonadres (bepaalt het wijkteam)');
    await expect.poll(() => postcode.innerText()).toContain(error);
    // Beside the field: the error line sits directly under the postcode input, not elsewhere on the card.
    const inputBox = await textbox(updated, 'Postcode woonadres (bepaalt het wijkteam)').boundingBox();
    const errorBox = await updated.getByText(error).boundingBox();
    expect(errorBox!.y).toBeGreaterThan(inputBox!.y);
    expect(errorBox!.y - (inputBox!.y + inputBox!.height)).toBeLessThan(40);
    expect(await updated.getByText('Niet alles is goed ingevuld', { exact: false }).count()).toBe(1);
    expect(await textbox(updated, 'Achternaam').inputValue()).toBe('de Vries');
    expect(await textbox(updated, 'Postcode woonadres (bepaalt het wijkteam)').inputValue()).toBe('30 11');
    expect(await referralCards().count()).toBe(cardsBefore); // replaced in place, no new message
    expect(await schakel.deps.referrals.listForSmw(SMW_AAD_OBJECT_ID, ['draft'])).toHaveLength(0);
  });

  it('saves the corrected card as a draft and updates the card in place', async () => {
    const card = referralCards().last();
    await textbox(card, 'Postcode woonadres (bepaalt het wijkteam)').fill('3072 ab');
    const cardsBefore = await referralCards().count();
    await card.getByRole('button', { name: 'Opslaan en verder' }).click();

    const saved = referralCards().last().getByText(/Concept opgeslagen om \d{2}:\d{2}/);
    await saved.waitFor({ timeout: 15_000 });
    expect(await referralCards().last().getByText('Vul een postcode in als 1234 AB.').count()).toBe(0);
    // the same card now asks the next section: replaced in place, no new message
    expect(await referralCards().last().getByText('Aanmelding wijkteam — Ouders/verzorgers').count()).toBe(1);
    expect(await referralCards().count()).toBe(cardsBefore);

    const drafts = await schakel.deps.referrals.listForSmw(SMW_AAD_OBJECT_ID, ['draft']);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.sections.pupil).toMatchObject({ firstNames: 'Noa Maria', surname: 'de Vries', dateOfBirth: '2015-03-14', gender: 'meisje', postcode: '3072 AB', interpreterNeeded: true });

    // The log panel shows the config file's absolute path: keep it out of the picture.
    await page.getByTitle('Hide log panel').click();
    await referralCards().last().evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: SCREENSHOT });
    // UPDATE_DOCS_SCREENSHOT=1 npm run test:e2e refreshes the picture in docs/LOCAL_CHAT.md.
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
      mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
      copyFileSync(SCREENSHOT, join(ROOT, 'docs', 'images', 'local-chat.png'));
    }
    expect(logs.lines.filter((l) => l.level >= 50)).toEqual([]);
  });

  it('shows one parent block; "Nog een ouder/verzorger" opens the next one and keeps what was typed', async () => {
    const card = referralCards().last();
    await expect.poll(() => textbox(card, 'Naam').count()).toBe(1);
    await textbox(card, 'Naam').fill('Fatima de Vries');
    await card.getByRole('button', { name: 'Nog een ouder/verzorger' }).click();
    await expect.poll(() => textbox(card, 'Naam').count()).toBe(2);
    expect(await textbox(card, 'Naam').first().inputValue()).toBe('Fatima de Vries');
    // The next "Nog een" belongs to the second block; the one clicked is gone.
    await expect.poll(() => card.getByRole('button', { name: 'Nog een ouder/verzorger' }).count()).toBe(1);
  });
});
