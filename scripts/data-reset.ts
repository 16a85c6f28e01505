/**
 * `npm run data:reset`: empties the local data folder (SCHAKEL_DATA_DIR, default ./.schakel-data)
 * on purpose. Refuses when COSMOS_ENDPOINT is set (that data lives elsewhere and is not ours to
 * delete) and when the folder holds anything Schakel did not write there.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDataFolderFile, lockOwner } from '../src/store/local/dataFolder.js';

if (process.env.COSMOS_ENDPOINT?.trim()) {
  process.stderr.write('COSMOS_ENDPOINT is set: data:reset only empties the local data folder, and refuses to run next to a real database.\n');
  process.exit(2);
}
const dir = resolve(process.env.SCHAKEL_DATA_DIR?.trim() || './.schakel-data');
if (!existsSync(dir)) {
  process.stdout.write(`Nothing to reset: ${dir} does not exist.\n`);
  process.exit(0);
}
const owner = lockOwner(dir);
if (owner !== undefined) {
  process.stderr.write(`${dir} is in use by process ${owner} (Schakel is running): stop it first.\n`);
  process.exit(2);
}
const files = readdirSync(dir);
const foreign = files.filter((f) => !isDataFolderFile(f));
if (foreign.length > 0) {
  process.stderr.write(`${dir} holds files Schakel did not write (${foreign.slice(0, 5).join(', ')}): not touching it.\n`);
  process.exit(2);
}
for (const f of files) rmSync(resolve(dir, f), { force: true });
process.stdout.write(`Emptied ${dir} (${files.length} files): the next start begins with no data and the real date.\n`);
