import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/cosmos.js';
import { EffectIndex } from '../../src/store/effectIndex.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { openTestStore } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let store: Store;
let index: EffectIndex;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'effect-index-test');
  index = new EffectIndex(store.containers.effects);
});
afterAll(async () => {
  await store.close();
  await cosmos.close();
});

const now = new Date('2026-12-07T10:00:00Z');
const due = () => index.due('2026-12-07T10:00:00.000Z', 10);

describe('the due marks of the effect runner', () => {
  it('a runner that has not yet seen the commit that marked the referral keeps the mark (once), so that commit is never stranded', async () => {
    // The runner holds the lease and read the referral at sequence 1; a commit of sequence 2 marks it and is being saved.
    await index.mark('r-1', '2026-12-07T09:59:00.000Z', 1);
    const lease = await index.claim('r-1', 'runner-a', now, 1_000);
    await index.mark('r-1', '2026-12-07T09:59:30.000Z', 2);
    // The commit's mark changed the document: the release is refused and the runner claims again.
    expect(await index.release('r-1', lease!, undefined, 1, now.toISOString())).toBe(false);
    const again = await index.claim('r-1', 'runner-a', now, 1_000);
    expect(again?.seq).toBe(2);
    // It still reads sequence 1 (the save has not landed): nothing due, yet the mark stays, due at once.
    expect(await index.release('r-1', again!, undefined, 1, now.toISOString())).toBe(true);
    expect(await due()).toEqual(['r-1']);
    // Looked at again with the commit seen (or never landed): now it goes.
    const third = await index.claim('r-1', 'runner-a', now, 1_000);
    expect(third?.seq).toBe(1);
    expect(await index.release('r-1', third!, undefined, 1, now.toISOString())).toBe(true);
    expect(await due()).toEqual([]);
  });

  it('a lease held by another runner is not taken before it runs out', async () => {
    await index.mark('r-2', '2026-12-07T09:00:00.000Z', 1);
    expect(await index.claim('r-2', 'runner-a', now, 60_000)).toBeDefined();
    expect(await index.claim('r-2', 'runner-b', now, 60_000)).toBeUndefined();
    expect(await index.claim('r-2', 'runner-b', new Date(now.getTime() + 61_000), 60_000)).toBeDefined();
  });
});
