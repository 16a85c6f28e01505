import { openStore, type Store } from '../../src/store/cosmos.js';
import { quietLog } from './reminderEngine.js';

export * from './reminderEngine.js';

/** Opens the store through the real Cosmos client (creates the containers on first use). */
export function openTestStore(endpoint: string, database = 'schakel-test', log = quietLog()): Promise<Store> {
  return openStore({ endpoint, database }, log);
}
