// Runs before `npm start`: compiles src/ and cards/ to dist/ (tsconfig.build.json) when dist is
// missing or older than any source, so the bot runs plain JavaScript without a compiler at runtime.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const STAMP = 'dist/.build-stamp';
const SOURCES = ['src', 'cards', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

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
if (!process.argv.includes('--force') && built >= changed && existsSync('dist/src/main.js')) process.exit(0);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write('dist/ is missing or out of date and TypeScript is not installed: run `npm install` (with dev dependencies) or `npm run build` where it is.\n');
  process.exit(1);
}
process.stdout.write('Compiling Schakel to dist/ …\n');
const started = Date.now();
// From clean, so no module deleted from the sources lingers in dist/.
rmSync('dist', { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(STAMP, new Date().toISOString());
process.stdout.write(`Compiled in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
