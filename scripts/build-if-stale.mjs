// Runs before `npm start`: bundles src/ and cards/ with the packages they use into dist/ when dist
// is missing or older than any source, so the bot starts as one module instead of resolving and
// reading a few thousand files of node_modules (about a third of its start-up), and runs plain
// JavaScript without a compiler at runtime.
//
//   node scripts/build-if-stale.mjs                  bundle when stale (npm start)
//   node scripts/build-if-stale.mjs --force --check  type-check (tsc --noEmit), then bundle (npm run build)
//   ... --outdir <dir>                               bundle somewhere else (the test of the built bot);
//                                                    inside the project, so the packages left out resolve
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const outdirAt = argv.indexOf('--outdir');
const OUTDIR = outdirAt >= 0 ? argv[outdirAt + 1] : 'dist';
const STAMP = join(OUTDIR, '.build-stamp');
const ENTRY = join(OUTDIR, 'main.js');
const SOURCES = ['src', 'cards', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/build-if-stale.mjs'];

/**
 * Packages left out of the bundle and loaded from node_modules at runtime: a native binary
 * (resvg), packages that read files beside their own code (the embedded Cosmos server, the
 * iCalendar time zones, `open`'s xdg-open), pino (its transports run files in worker threads)
 * and the chart libraries, loaded only for a report.
 */
const EXTERNAL = ['@resvg/resvg-js', '@vercel/cosmosdb-server', '@touch4it/ical-timezones', 'open', 'pino', 'pino-pretty', 'vega', 'vega-lite'];

/** Newest modification time under a file or folder, in ms. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : -1;
const changed = Math.max(...SOURCES.filter((p) => existsSync(p)).map(newest));
if (!argv.includes('--force') && built >= changed && existsSync(ENTRY)) process.exit(0);

const require = createRequire(import.meta.url);
let esbuild;
try {
  esbuild = require('esbuild');
} catch {
  process.stderr.write(`${OUTDIR}/ is missing or out of date and esbuild is not installed: run \`npm install\` (with dev dependencies) or \`npm run build\` where it is.\n`);
  process.exit(1);
}

if (argv.includes('--check')) {
  process.stdout.write('Type-checking …\n');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}

process.stdout.write(`Building Schakel into ${OUTDIR}/ …\n`);
const started = Date.now();
// From clean, so no chunk of an earlier build lingers.
rmSync(OUTDIR, { recursive: true, force: true });
try {
  await esbuild.build({
    entryPoints: { main: 'src/main.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // What is imported only when used (the embedded Cosmos server's wiring, Azure sign-in) stays in chunks of its own.
    splitting: true,
    outdir: OUTDIR,
    external: EXTERNAL,
    // The CommonJS packages inside call require() for Node's own modules; an ES module has no require of its own.
    banner: { js: "import { createRequire as __schakelRequire } from 'node:module'; const require = __schakelRequire(import.meta.url);" },
    // For reading a stack trace: `node --enable-source-maps dist/main.js`.
    sourcemap: 'linked',
    // Not minified: it saved no memory and made stack traces harder to read without the map.
    legalComments: 'linked',
    logLevel: 'warning',
  });
} catch {
  // esbuild has printed what went wrong.
  process.exit(1);
}
// V8 keeps a module's source text for as long as its functions live, as one byte per character
// only when every character fits in one: a single other character anywhere (a '…' in a comment,
// a full-width digit in a regular expression) doubles the whole 19 MB bundle to two bytes per
// character, about 20 MB more memory for as long as the bot runs. esbuild already writes strings,
// templates and names in ASCII; what is left is comments and regular expression literals, where
// `\uXXXX` means the same character.
for (const file of readdirSync(OUTDIR).filter((f) => f.endsWith('.js'))) {
  const path = join(OUTDIR, file);
  const text = readFileSync(path, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(path, ascii);
}
writeFileSync(STAMP, new Date().toISOString());
process.stdout.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
