import { mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchakel, type Schakel } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startLocaleShim, startPlayground, type LocaleShim, type Playground } from '../../scripts/playground.js';
import { playgroundConfigAs } from '../../scripts/playgroundUser.js';
import { ROOT } from '../../scripts/root.js';
import { launchChromium, sendChatMessage, type HeadlessBrowser } from './browser.js';

/**
 * Switching roles as a newcomer does: `npm run dev` as the SMW'er, Ctrl-C, `npm run dev -- --als
 * casusregisseur`. Schakel and the Playground are restarted on the same data folder; the time
 * moved with `tijdreis` is still there, and the Playground now speaks as the wijkteam member.
 */
const RESULTS = join(ROOT, 'test-results');
const dataDir = mkdtempSync(join(tmpdir(), 'schakel-e2e-roles-'));

let chromium: HeadlessBrowser;
let running: { schakel: Schakel; shim: LocaleShim; playground: Playground; page: Page } | undefined;

async function startAs(who: string) {
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000', SCHAKEL_DATA_DIR: dataDir });
  const schakel = await startSchakel(config, createLogger('warn'));
  const shim = await startLocaleShim(`${schakel.url}/api/messages`, 'nl-NL');
  const playground = await startPlayground({ botEndpoint: shim.endpoint, port: 0, logFile: join(RESULTS, 'playground-roles.log'), configPath: playgroundConfigAs(who, undefined, join(RESULTS, 'playground')).path });
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

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  chromium = await launchChromium();
});

afterAll(async () => {
  await stopRunning();
  await chromium?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('every role playable, data kept across switching', () => {
  it('moves the clock as the SMW\'er, then continues as the casusregisseur after a restart', async () => {
    const smw = await startAs('smw');
    await expect.poll(() => smw.page.getByText('Sanne Smit (SMW)').count()).toBeGreaterThan(0);
    await sendChatMessage(smw.page, 'tijdreis 2030-03-04 09:15');
    await expect.poll(() => smw.page.getByText('maandag 4 maart 2030 om 09:15').count()).toBeGreaterThan(0);
    await stopRunning();

    const cm = await startAs('casusregisseur');
    await expect.poll(() => cm.page.getByText('Mehmet Yılmaz (Wijkteam Feijenoord)').count()).toBeGreaterThan(0);
    await sendChatMessage(cm.page, 'tijdreis +1u');
    // The travelled time survived the restart: one hour after what the SMW'er set.
    await expect.poll(() => cm.page.getByText('maandag 4 maart 2030 om 10:15').count()).toBeGreaterThan(0);
    await cm.page.screenshot({ path: join(RESULTS, 'e2e-roles-casusregisseur.png') });
    if (process.env.UPDATE_DOCS_SCREENSHOT) copyFileSync(join(RESULTS, 'e2e-roles-casusregisseur.png'), join(ROOT, 'docs', 'images', 'local-chat-casusregisseur.png'));
  });
});
