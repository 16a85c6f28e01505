import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KNOWN_WIDE_ACTION_ROWS, renderGallery, type GalleryEntry } from '../cards/gallery.js';
import { sampleCards } from '../cards/samples.js';


describe('card gallery: every sample card rendered by the adaptivecards renderer in Chromium', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'schakel-gallery-'));
  let entries: GalleryEntry[] = [];
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('renders each card to a PNG and lists them in index.html and README.md', async () => {
    const cards = sampleCards();
    entries = await renderGallery(cards, outDir);
    expect(entries.map((e) => e.name)).toEqual(Object.keys(cards));
    for (const e of entries) expect(statSync(join(outDir, e.file)).size, e.name).toBeGreaterThan(1000);
    const index = readFileSync(join(outDir, 'index.html'), 'utf8');
    const readme = readFileSync(join(outDir, 'README.md'), 'utf8');
    for (const e of entries) {
      expect(index).toContain(`src="${e.file}"`);
      expect(readme).toContain(`(${e.file})`);
    }
  }, 120_000);

  it('no card shows an unresolved ${…}, a cut-off button or is over the size budget', () => {
    const problems = entries
      .filter((e) => !(e.name in KNOWN_WIDE_ACTION_ROWS) && e.problems.length > 0)
      .map((e) => `${e.name}: ${e.problems.join('; ')}`);
    expect(problems).toEqual([]);
  });

  it('no card is exempt from the check: the list of known too-wide rows is empty', () => {
    expect(Object.keys(KNOWN_WIDE_ACTION_ROWS)).toEqual([]);
    expect(entries.filter((e) => e.problems.some((p) => p.includes('action row') || p.startsWith('button cut off'))).map((e) => e.name)).toEqual([]);
  });

  it('the check catches what it is there for', async () => {
    const bad = {
      type: 'AdaptiveCard' as const,
      version: '1.5',
      body: [{ type: 'TextBlock', text: 'Hallo ${name}' }],
      actions: ['Eerste lange knop', 'Tweede lange knop', 'Derde lange knop', 'Vierde lange knop', 'Vijfde lange knop'].map((title) => ({ type: 'Action.Execute', verb: 'x', title })),
    };
    const huge = { type: 'AdaptiveCard' as const, version: '1.5', body: [{ type: 'TextBlock', text: 'x'.repeat(90 * 1024) }] };
    const [badEntry, hugeEntry] = await renderGallery({ bad, huge }, join(outDir, 'self-check'));
    const found = badEntry?.problems.join('\n') ?? '';
    expect(found).toMatch(/unresolved \$\{name\}/);
    expect(found).toMatch(/button cut off: Vijfde lange knop|action row/);
    expect(hugeEntry?.problems.join('\n')).toMatch(/over the 81920 byte budget/);
  }, 60_000);
});
