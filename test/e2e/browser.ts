import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * The Chromium binary to drive: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. No browser is
 * ever downloaded; a missing one fails the run with the prerequisite named.
 */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `Chromium not found (looked at ${candidates.join(', ')}). The end-to-end test drives the Agents Playground ` +
        'in a real browser: install it with `apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.',
    );
  }
  return found;
}

export interface HeadlessBrowser {
  context: BrowserContext;
  stop(): Promise<void>;
}

/** Headless Chromium with a fresh profile (its own --user-data-dir), Dutch locale, nothing that phones home. */
export async function launchChromium(): Promise<HeadlessBrowser> {
  const executablePath = chromiumPath();
  const profile = mkdtempSync(join(tmpdir(), 'schakel-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 1000 },
    locale: 'nl-NL',
    timezoneId: 'Europe/Amsterdam',
  });
  return {
    context,
    stop: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Types into the Playground's message box (a Lexical editor) and sends. */
export async function sendChatMessage(page: Page, text: string): Promise<void> {
  const editor = page.locator('[data-lexical-editor="true"]');
  await editor.click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * Picks an ISO date in an Adaptive Card Input.Date as a person does: the Playground renders it
 * as a Fluent DatePicker that takes no typed text, so open the calendar, go to the month view,
 * step to the year, and click month and day.
 */
export async function pickDate(page: Page, input: Locator, isoDate: string): Promise<void> {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  await input.click();
  const popup = page.locator('.fui-DatePicker__popupSurface');
  await popup.locator('.fui-CalendarDay__monthAndYear').click();
  const shown = popup.locator('.fui-CalendarPicker__currentItemButton');
  const [previous, next] = [popup.locator('.fui-CalendarPicker__navigationButton').nth(0), popup.locator('.fui-CalendarPicker__navigationButton').nth(1)];
  for (let guard = 0; guard < 200; guard++) {
    const current = Number(await shown.getAttribute('aria-label'));
    if (current === year) break;
    await (current > year ? previous : next).click();
  }
  const monthName = MONTHS[month - 1] ?? '';
  await popup.locator(`button[aria-label^="${monthName}"]`).first().click();
  await popup.locator(`button[aria-label="${day}, ${monthName}, ${year}"]`).click();
}
