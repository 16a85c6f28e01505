import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_CARD_BYTES, type AdaptiveCardJson } from '../../cards/render.js';
import { launchChromium } from '../e2e/browser.js';

/** Width of a card in a Teams chat on the desktop client (the card column, not the window). */
export const CARD_WIDTH_PX = 480;

/** What the visual check found on one rendered card; an empty `problems` list means it passed. */
export interface GalleryEntry {
  name: string;
  file: string;
  bytes: number;
  heightPx: number;
  problems: string[];
}

/**
 * Cards whose action rows are known to be too wide at Teams' card width, with the reason they are
 * still so. Each must still fail: when one is fixed, the test asks for it to be taken off the list.
 */
export const KNOWN_WIDE_ACTION_ROWS: Record<string, string> = {};

/** Teams-like host config: Segoe UI, horizontal action rows, at most six actions shown. */
const HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Liberation Sans', Arial, sans-serif",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  actions: { maxActions: 6, spacing: 'default', buttonSpacing: 8, showCard: { actionMode: 'inline', inlineTopMargin: 8 }, actionsOrientation: 'horizontal', actionAlignment: 'left' },
};

interface Measured {
  heightPx: number;
  unresolved: string[];
  overflowingRows: number;
  clippedButtons: string[];
  renderError?: string;
}


/**
 * Renders every card with the official `adaptivecards` renderer in headless Chromium, one page
 * for all of them, and writes one PNG per card plus an index (HTML and Markdown) to `outDir`.
 * Each entry lists what the visual check found: unresolved `${…}`, action rows wider than the
 * card or buttons cut off, and cards over the size budget.
 */
export async function renderGallery(cards: Record<string, AdaptiveCardJson>, outDir: string): Promise<GalleryEntry[]> {
  mkdirSync(outDir, { recursive: true });
  const require = createRequire(import.meta.url);
  const browser = await launchChromium();
  const entries: GalleryEntry[] = [];
  try {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: CARD_WIDTH_PX + 40, height: 800 });
    await page.setContent(`<!doctype html><html lang="nl"><head><meta charset="utf-8"><style>
      body { margin: 0; padding: 20px; background: #f5f5f5; font-family: 'Segoe UI', 'Liberation Sans', Arial, sans-serif; }
      #stage { background: #fff; border: 1px solid #e0e0e0; border-radius: 4px; }
      .ac-pushButton { font: 600 14px 'Segoe UI', 'Liberation Sans', Arial, sans-serif; padding: 4px 12px; border: 1px solid #d1d1d1; border-radius: 4px; background: #fff; color: #242424; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
      .ac-pushButton.style-positive { background: #5b5fc7; color: #fff; border-color: #5b5fc7; }
      .ac-pushButton.style-destructive { color: #c4314b; }
      .ac-input { font: 14px 'Segoe UI', 'Liberation Sans', Arial, sans-serif; box-sizing: border-box; width: 100%; }
    </style></head><body><div id="stage"></div></body></html>`);
    await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
    await page.addScriptTag({ path: fileURLToPath(new URL('./galleryPage.js', import.meta.url)) });
    for (const [name, card] of Object.entries(cards)) {
      const bytes = Buffer.byteLength(JSON.stringify(card));
      const measured = (await page.evaluate(`renderAndMeasure(${JSON.stringify(card)}, ${JSON.stringify(HOST_CONFIG)}, ${CARD_WIDTH_PX})`)) as Measured;
      const file = `${name.replace(/[^a-zA-Z0-9-]+/g, '-')}.png`;
      if (!measured.renderError) await page.locator('#stage').screenshot({ path: join(outDir, file) });
      const problems = [
        ...(measured.renderError ? [`does not render: ${measured.renderError}`] : []),
        ...measured.unresolved.map((binding) => `unresolved ${binding}`),
        ...(measured.overflowingRows > 0 ? [`${measured.overflowingRows} action row(s) wider than the card`] : []),
        ...measured.clippedButtons.map((title) => `button cut off: ${title}`),
        ...(bytes > MAX_CARD_BYTES ? [`${bytes} bytes, over the ${MAX_CARD_BYTES} byte budget`] : []),
      ];
      entries.push({ name, file, bytes, heightPx: measured.heightPx, problems });
    }
  } finally {
    await browser.stop();
  }
  writeFileSync(join(outDir, 'index.html'), indexHtml(entries));
  writeFileSync(join(outDir, 'README.md'), indexMarkdown(entries));
  return entries;
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function indexHtml(entries: GalleryEntry[]): string {
  const figures = entries
    .map((e) => `<figure id="${escapeHtml(e.name)}"><figcaption><code>${escapeHtml(e.name)}</code> · ${(e.bytes / 1024).toFixed(1)} KB · ${e.heightPx} px${e.problems.length ? ` · <strong>${escapeHtml(e.problems.join('; '))}</strong>` : ''}</figcaption><img src="${e.file}" alt="${escapeHtml(e.name)}" loading="lazy"></figure>`)
    .join('\n');
  return `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Schakel — kaarten</title><style>body{font-family:system-ui,sans-serif;margin:2rem;background:#fafafa}figure{display:inline-block;vertical-align:top;margin:0 1.5rem 2rem 0}figcaption{font-size:.85rem;margin-bottom:.4rem}img{border:1px solid #ddd}</style></head><body><h1>Schakel — every card from sample data</h1><p>Rendered with the <code>adaptivecards</code> renderer in headless Chromium at ${CARD_WIDTH_PX} px (<code>npm run cards:gallery</code>).</p>\n${figures}\n</body></html>\n`;
}

function indexMarkdown(entries: GalleryEntry[]): string {
  const rows = entries.map((e) => `| [${e.name}](${e.file}) | ${(e.bytes / 1024).toFixed(1)} KB | ${e.heightPx} px | ${e.problems.join('; ') || 'ok'} |`);
  return [
    '# Card gallery',
    '',
    `Every card of \`test/cards/samples.ts\`, rendered from sample data with the official \`adaptivecards\` renderer in headless Chromium at ${CARD_WIDTH_PX} px wide. Regenerate with \`npm run cards:gallery\`; \`npm run test:e2e\` runs the same check (unresolved \`\${…}\`, action rows wider than the card, buttons cut off, cards over ${MAX_CARD_BYTES / 1024} KB). Open [index.html](index.html) to see them side by side. Where the renderers differ: this one shows a compact multi-select (\`isMultiSelect\` with \`style: compact\`) as check boxes, Teams as one drop-down; date and time inputs follow the browser's locale.`,
    '',
    '| Card | Size | Height | Check |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
