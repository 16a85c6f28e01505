import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchakel, type Schakel } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import type { ReminderDocument } from '../../src/store/reminders.js';
import { startLocaleShim, startPlayground, type LocaleShim, type Playground } from '../../scripts/playground.js';
import { ROOT } from '../../scripts/root.js';
import { launchChromium, sendChatMessage, type HeadlessBrowser } from './browser.js';

/**
 * `npm run demo` as a newcomer meets it: the example tenant is seeded into a data folder, Schakel
 * and the Playground start on it, Sanne sees her cases, moves the clock with `tijdreis` to when
 * her reminder is due, and the reminder card arrives in the Playground chat and is marked done.
 */
const SANNE = '7d3f6a10-1b2c-4d5e-8f90-a1b2c3d4e501';
const RESULTS = join(ROOT, 'test-results');
const dataDir = mkdtempSync(join(tmpdir(), 'schakel-e2e-demo-'));
let chromium: HeadlessBrowser;
let schakel: Schakel;
let shim: LocaleShim;
let playground: Playground;
let page: Page;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

beforeAll(async () => {
  mkdirSync(RESULTS, { recursive: true });
  chromium = await launchChromium();
  const port = await freePort();
  const { COSMOS_ENDPOINT: _azure, ...env } = process.env;
  void _azure;
  const seeded = spawnSync(process.execPath, ['--import', 'tsx/esm', join(ROOT, 'scripts', 'demo.ts'), '--seed-only'], {
    env: { ...env, SCHAKEL_DATA_DIR: dataDir, PLAYGROUND_PORT: String(port) },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(seeded.status, seeded.stderr).toBe(0);
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000', SCHAKEL_DATA_DIR: dataDir });
  schakel = await startSchakel(config, createLogger('warn'));
  shim = await startLocaleShim(`${schakel.url}/api/messages`, 'nl-NL');
  playground = await startPlayground({ botEndpoint: shim.endpoint, port, logFile: join(RESULTS, 'playground-demo.log') });
  page = await chromium.context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(playground.url);
  await page.locator('[data-lexical-editor="true"]').waitFor({ timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  await chromium?.stop();
  await playground?.stop();
  await shim?.stop();
  await schakel?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run demo in the Playground', () => {
  it('shows the example cases, and a reminder arrives after tijdreis and is marked done', async () => {
    await sendChatMessage(page, 'mijn casussen');
    await expect.poll(() => page.getByText('Mijn casussen').count()).toBeGreaterThan(0);
    await expect.poll(async () => (await page.locator('body').innerText()).match(/AM-[0-9A-Z]{6}/g)?.length ?? 0).toBeGreaterThanOrEqual(3);

    const { resources } = await schakel.store.containers.reminders.items
      .query<ReminderDocument>({ query: "SELECT * FROM c WHERE c.status = 'pending' AND c.kind = 'agreementOnDay'" })
      .fetchAll();
    const mine = resources.filter((r) => r.recipients.some((x) => x.aadObjectId === SANNE)).sort((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
    expect(mine, 'the demo plans a reminder for Sanne').toBeDefined();
    const at = DateTime.fromISO(mine!.dueAt).plus({ minutes: 1 }).setZone('Europe/Amsterdam').toFormat('yyyy-MM-dd HH:mm');
    await sendChatMessage(page, `tijdreis ${at}`);
    await expect.poll(() => page.getByText('De klok van Schakel staat nu op').count()).toBeGreaterThan(0);

    const done = page.getByRole('button', { name: 'Gedaan' }).last();
    await done.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(RESULTS, 'e2e-demo-reminder.png') });
    if (process.env.UPDATE_DOCS_SCREENSHOT) copyFileSync(join(RESULTS, 'e2e-demo-reminder.png'), join(ROOT, 'docs', 'images', 'local-chat-reminder.png'));
    await done.click();
    await expect.poll(async () => (await schakel.deps.reminderStore.get(mine!.id, mine!.bucket))?.doc.status, { timeout: 10_000 }).toBe('done');
  });
});
