import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { makeUser } from '../support/activities.js';
import { PLAN, lastCardTo, meet, updatesOf } from '../support/handoverFlow.js';
import { effectsSettled, startHarness, type Harness } from '../support/harness.js';
import { feijenoord, linkWijkteams, referralFlow } from '../support/referralFlow.js';
import { launchChromium, type HeadlessBrowser } from './browser.js';

/**
 * The parent's page in a real browser: the parent opens the link from the SMW'er's card, picks a
 * proposed time, and the meeting is booked; the Arabic page is laid out right to left; axe-core
 * finds no serious or critical accessibility violations on the Dutch and the Arabic page.
 */
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const clock = new ManualClock('2026-11-23T08:00:00Z');

let h: Harness;
let chromium: HeadlessBrowser;
const { takenOn, clickAndWait } = referralFlow(() => h);

beforeAll(async () => {
  h = await startHarness({ env: { COORDINATOR_AAD_IDS: coordinator.aadObjectId }, clock });
  h.connector.rosters.set(feijenoord.id, [{ id: karim.id, aadObjectId: karim.aadObjectId, name: karim.name }]);
  await linkWijkteams(h, coordinator);
  await meet(h, [
    { user: smw, email: 'sanne.smit@school.example' },
    { user: karim, email: 'karim@wijkteam.example' },
  ]);
  chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.stop();
  await h?.stop();
});

async function linkForNewReferral() {
  const { referralId } = await takenOn(smw, karim);
  const smwCard = lastCardTo(h, smw);
  const karimCard = lastCardTo(h, karim);
  const proposals = await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, PLAN, smwCard.activityId);
  const link = /"Link voor ouders","value":"([^"]+\/ouder\/[^"]+)"/.exec(JSON.stringify(proposals))?.[1];
  if (!link) throw new Error('no parent link on the SMW\'er\'s card');
  return { referralId, link, karimCard };
}

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
  // Evaluated through the debugging protocol: the page's own CSP (rightly) refuses any inline script.
  await page.evaluate(AXE);
  const result = (await page.evaluate("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })")) as {
    violations: { id: string; impact: string | null; nodes: unknown[] }[];
  };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact ?? '', nodes: v.nodes.length }));
}

describe("the parent's page in Chromium", () => {
  it('the parent opens the link and picks a time: the meeting is booked and the casusregisseur\'s card says so', async () => {
    const { referralId, link, karimCard } = await linkForNewReferral();
    const page = await chromium.context.newPage();
    const refusedByCsp: string[] = [];
    // Anything the page's CSP refused would show here (the browser's own /favicon.ico request is not the page's).
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) refusedByCsp.push(m.text());
    });
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Uw pagina voor het gesprek met school en wijkteam');
    expect(await page.evaluate('document.documentElement.lang')).toBe('nl');
    // The stylesheet loaded under the strict CSP (no inline styles on the page).
    expect(await page.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor")).toBe('rgb(11, 79, 138)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('dinsdag 24 november 2026, 08:30–09:30').check();
    await page.getByRole('button', { name: 'Deze tijd kiezen' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Dank u. Het gesprek is gepland op dinsdag 24 november 2026, 08:30–09:30.');
    const doc = (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
    expect(doc.state).toBe('handoverScheduled');
    expect(doc.handover?.meeting?.bookedBy).toBe('parent-link');
    // The professionals' cards follow from the booking's effects.
    await effectsSettled(h.bot);
    expect(JSON.stringify(updatesOf(h, karim, karimCard.activityId).at(-1))).toContain('De warme overdracht is gepland.');
    expect(refusedByCsp).toEqual([]);
    await page.close();
  });

  it('the Arabic page is right to left and passes axe-core', async () => {
    const { link } = await linkForNewReferral();
    const page = await chromium.context.newPage();
    await page.goto(`${link}?taal=ar`);
    expect(await page.evaluate('getComputedStyle(document.documentElement).direction')).toBe('rtl');
    expect(await page.evaluate("getComputedStyle(document.querySelector('main')).direction")).toBe('rtl');
    expect(await page.evaluate('document.documentElement.lang')).toBe('ar');
    expect(await page.locator('h1').textContent()).toBe('صفحتك الخاصة بالمقابلة مع المدرسة وفريق الحي');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
