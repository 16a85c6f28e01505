import { join } from 'node:path';
import { KNOWN_WIDE_ACTION_ROWS, renderGallery } from '../test/cards/gallery.js';
import { sampleCards } from '../test/cards/samples.js';

/** `npm run cards:gallery`: renders every sample card to docs/cards/ and fails when the visual check does. */
const outDir = join(process.cwd(), 'docs', 'cards');
const entries = await renderGallery(sampleCards(), outDir);
const flagged = entries.filter((e) => e.problems.length > 0);
for (const e of flagged) console.error(`${e.name in KNOWN_WIDE_ACTION_ROWS ? 'known' : 'NEW'} ${e.name}: ${e.problems.join('; ')}`);
const failed = flagged.filter((e) => !(e.name in KNOWN_WIDE_ACTION_ROWS));
console.log(`${entries.length} cards rendered to ${outDir}; ${flagged.length} with problems, ${failed.length} not on the known list`);
process.exitCode = failed.length > 0 ? 1 : 0;
