import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { RegistrationRepository } from '../../src/store/registration.js';
import { openTestStore } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let store: Store;
let repo: RegistrationRepository;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'registration-test');
  repo = new RegistrationRepository(store.containers.registration);
});
afterAll(async () => {
  await store.close();
  await cosmos.close();
});

const cell = { period: '2026', month: '2026-03', school: 'OBS De Regenboog / Zuid', wijkteamId: 'wt-feijenoord' };

describe('RegistrationRepository', () => {
  it('counts a transition once, however often it is applied (retries)', async () => {
    await repo.apply({ cell, counts: { sent: 1 }, key: 'r1:7:wt-feijenoord' });
    await repo.apply({ cell, counts: { sent: 1 }, key: 'r1:7:wt-feijenoord' });
    await repo.apply({ cell, counts: { sent: 1, accepted: 2 }, key: 'r2:3:wt-feijenoord' });
    await Promise.all([1, 2, 3].map(() => repo.apply({ cell, counts: { declined: 1 }, key: 'r3:4:wt-feijenoord' })));
    expect(await repo.cells('2026')).toEqual([{ ...cell, counts: { sent: 2, accepted: 2, declined: 1 } }]);
  });

  it("creates a month's new cell with its first counts (two requests), and counts racing first transitions once each", async () => {
    const fresh = { ...cell, month: '2026-05' };
    const before = repo.requests;
    await repo.apply({ cell: fresh, counts: { sent: 1 }, key: 'r5:1:wt-feijenoord' });
    expect(repo.requests - before).toBe(2);
    const racing = { ...cell, month: '2026-06' };
    await Promise.all([
      repo.apply({ cell: racing, counts: { sent: 1 }, key: 'a' }),
      repo.apply({ cell: racing, counts: { sent: 1 }, key: 'b' }),
      repo.apply({ cell: racing, counts: { sent: 1, accepted: 1 }, key: 'c' }),
      repo.apply({ cell: racing, counts: { sent: 1 }, key: 'a' }),
    ]);
    const cells = await repo.cells('2026');
    expect(cells.find((c) => c.month === '2026-05')!.counts).toEqual({ sent: 1 });
    expect(cells.find((c) => c.month === '2026-06')!.counts).toEqual({ sent: 3, accepted: 1 });
  });

  it('splits patches of more than ten counters', async () => {
    const counts = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`c${i}`, i + 1]));
    const other = { ...cell, month: '2026-04' };
    await repo.apply({ cell: other, counts, key: 'big:1' });
    await repo.apply({ cell: other, counts, key: 'big:1' });
    expect((await repo.cells('2026')).find((c) => c.month === '2026-04')!.counts).toEqual(counts);
  });

  it('keeps participants once per role, with the pairs they worked in', async () => {
    await repo.participate({ period: '2026', aadObjectId: 'a1', role: 'smw', school: 'S', wijkteamId: 'w1' });
    await repo.participate({ period: '2026', aadObjectId: 'a1', role: 'smw', school: 'S', wijkteamId: 'w1' });
    await repo.participate({ period: '2026', aadObjectId: 'a1', role: 'smw', school: 'T', wijkteamId: 'w2' });
    expect(await repo.participants('2026')).toEqual([{ aadObjectId: 'a1', role: 'smw', cells: ['S|w1', 'T|w2'] }]);
  });

  it('keeps the professionals of a transition in its cell, written with the counts (one request for a cell that exists), beside documents of their own', async () => {
    const year = { ...cell, period: '2027', month: '2027-02' };
    const smw = { period: '2027', aadObjectId: 'smw-9', role: 'smw' as const, school: year.school, wijkteamId: year.wijkteamId };
    const cm = { period: '2027', aadObjectId: 'cm-9', role: 'caseManager' as const, school: year.school, wijkteamId: year.wijkteamId };
    // The cell's first count creates it with the SMW'er (404, then the create).
    let before = repo.requests;
    await repo.apply({ cell: year, counts: { sent: 1 }, key: 'p1:1:sent' }, [smw]);
    expect(repo.requests - before).toBe(2);
    before = repo.requests;
    await repo.apply({ cell: year, counts: { accepted: 1 }, key: 'p1:2:accepted' }, [cm]);
    expect(repo.requests - before).toBe(1);
    // A repeat of the same transition changes nothing.
    await repo.apply({ cell: year, counts: { accepted: 1 }, key: 'p1:2:accepted' }, [cm]);
    // Another month, and a participation stored on its own (as before the cells held them).
    await repo.apply({ cell: { ...year, month: '2027-03' }, counts: { sent: 1 }, key: 'p2:1:sent' }, [smw]);
    await repo.participate({ ...smw, school: 'T', wijkteamId: 'w2' });
    expect(await repo.participants('2027')).toEqual(
      expect.arrayContaining([
        { aadObjectId: 'smw-9', role: 'smw', cells: [`${year.school}|${year.wijkteamId}`, 'T|w2'] },
        { aadObjectId: 'cm-9', role: 'caseManager', cells: [`${year.school}|${year.wijkteamId}`] },
      ]),
    );
    expect(await repo.participants('2027')).toHaveLength(2);
    expect((await repo.cells('2027')).find((c) => c.month === '2027-02')!.counts).toEqual({ sent: 1, accepted: 1 });
  });
});
