import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, wherever the scripts are started from. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
