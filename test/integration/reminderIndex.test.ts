import type { FeedOptions, SqlQuerySpec } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { REMINDER_INDEX_SINCE, ReminderStore, bucketOf, reminderIndexKey, toDocument, type ReminderIndexDocument } from '../../src/store/reminders.js';
import { makeReminders, openTestStore, teamsRecipient } from '../support/reminderHarness.js';
import { quietLog } from '../support/reminderEngine.js';
import { countItemReads } from '../support/spy.js';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { reminderPolicy } from '../../src/domain/reminders.js';
import { makeFullReferral } from '../support/factories.js';
import { StoredReminderPlanner } from '../../src/scheduler/planner.js';

let cosmos: LocalCosmosServer;
let store: Store;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'schakel-reminder-index');
});

afterAll(async () => {
  await store.close();
  await cosmos.close();
});

/** Records the options of every query the container is asked (a spy, the real query still runs). */
function spyQueries(): (FeedOptions | undefined)[] {
  const seen: (FeedOptions | undefined)[] = [];
  const items = store.containers.reminders.items;
  const query = items.query.bind(items);
  items.query = ((spec: string | SqlQuerySpec, options?: FeedOptions) => {
    seen.push(options);
    return query(spec, options);
  }) as typeof items.query;
  return seen;
}

const DAY = 24 * 3600_000;
const indexOf = async (referralId: string) => (await store.containers.reminders.item(reminderIndexKey(referralId), reminderIndexKey(referralId)).read()).resource as ReminderIndexDocument;

describe("a referral's pending reminders are found without a query", () => {
  it('its index lists the reminders saved and not withdrawn; finding them is one point read, no query', async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const base = Date.parse('2027-03-01T08:00:00.000Z');
    const own = [0, 1, 5].flatMap((d, k) =>
      makeReminders(1, new Date(base + d * DAY), () => [teamsRecipient('u1')], `x${k}`).map((r) => ({ ...r, id: `idx-${k}`, referralId: 'IDX-1' })),
    );
    const other = makeReminders(4, new Date(base + DAY), () => [teamsRecipient('u2')], 'idx-other');
    await reminders.save([...own, ...other]);
    await reminders.cancel([own[1]!]);

    const seen = spyQueries();
    expect((await reminders.pendingRefsOfReferral('IDX-1')).map((r) => r.id)).toEqual(['idx-0', 'idx-2']);
    expect((await reminders.pendingOfReferral('IDX-1')).map((r) => r.id)).toEqual(['idx-0', 'idx-2']);
    expect(seen).toEqual([]);

    const index = await indexOf('IDX-1');
    expect(index.reminders?.map((r) => r.id)).toEqual(['idx-0', 'idx-2']);
    expect(index.buckets).toEqual([0, 5].map((d) => bucketOf(new Date(base + d * DAY).toISOString())));
    // What it keeps chooses what to withdraw, and nothing more: no recipients, no addresses.
    expect(JSON.stringify(index)).not.toContain('u1');
    // The index is no reminder: the scheduler's sweep across every day does not see it.
    expect((await reminders.findDue('all', 100)).some((f) => f.doc.referralId === 'IDX-1' && !f.doc.kind)).toBe(false);
  });

  it('two instances planning one referral: each writes on the index it last wrote, and never trusts it to say "nothing to change"', async () => {
    const a = new ReminderStore(store.containers.reminders, systemClock);
    const b = new ReminderStore(store.containers.reminders, systemClock);
    const due = new Date(Date.parse('2027-04-01T08:00:00.000Z'));
    const [x, y] = makeReminders(2, due, () => [teamsRecipient('u1')], 'two').map((r, k) => ({ ...r, id: `two-${k}`, referralId: 'TWO-1' }));
    await a.save([x!]);
    await b.cancel([x!]);
    // A remembers an index with x; the stored one no longer has it. Planned again, x must be listed again.
    await a.save([x!]);
    expect((await indexOf('TWO-1')).reminders?.map((r) => r.id)).toEqual(['two-0']);
    // A's remembered ETag is stale after B's write: A's next change is made on the stored index, nothing lost.
    await b.save([y!]);
    await a.cancel([x!]);
    expect((await indexOf('TWO-1')).reminders?.map((r) => r.id)).toEqual(['two-1']);
    expect((await a.pendingRefsOfReferral('TWO-1')).map((r) => r.id)).toEqual(['two-1']);
  });

  it('a reminder that went out stays listed until a withdrawal finds it no longer pending; then it leaves', async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const [first, second] = [0, 2].map((d, k) =>
      makeReminders(1, new Date(Date.parse('2027-05-03T08:00:00.000Z') + d * DAY), () => [teamsRecipient('u4')], `went${k}`).map((r) => ({ ...r, id: `went-${k}`, referralId: 'IDX-WENT' }))[0]!,
    );
    await reminders.save([first!, second!]);
    expect(await reminders.markDone(first!.id, bucketOf(first!.dueAt), first!.recipients[0]!.key)).toBe(true);
    // The full read checks each listed reminder; only the pending one comes back.
    expect((await reminders.pendingOfReferral('IDX-WENT')).map((r) => r.id)).toEqual(['went-1']);
    expect((await reminders.pendingRefsOfReferral('IDX-WENT')).map((r) => r.id)).toEqual(['went-0', 'went-1']);
    // Withdrawing both: the done one stays done, the pending one is cancelled, neither is listed any more.
    expect(await reminders.cancel([first!, second!])).toBe(1);
    expect((await reminders.get(first!.id, bucketOf(first!.dueAt)))?.doc.status).toBe('done');
    expect(await reminders.pendingRefsOfReferral('IDX-WENT')).toEqual([]);
    expect((await indexOf('IDX-WENT')).buckets).toEqual([]);
    // Planned again, it is listed again (and comes back from cancelled).
    await reminders.save([second!]);
    expect((await reminders.pendingRefsOfReferral('IDX-WENT')).map((r) => r.id)).toEqual(['went-1']);
    expect((await reminders.get(second!.id, bucketOf(second!.dueAt)))?.doc.status).toBe('pending');
  });

  it('finds reminders saved before any index existed with one query across days', async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const [old] = makeReminders(1, new Date('2027-04-01T08:00:00.000Z'), () => [teamsRecipient('u3')], 'legacy');
    await store.containers.reminders.items.create(toDocument(old!, new Date()));
    expect((await reminders.pendingOfReferral(old!.referralId)).map((r) => r.id)).toEqual([old!.id]);
    expect((await reminders.pendingRefsOfReferral(old!.referralId, '2026-01-01T00:00:00.000Z')).map((r) => r.id)).toEqual([old!.id]);
  });

  it('asks no query for a referral newer than the index that has no reminders yet', async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const seen = spyQueries();
    expect(await reminders.pendingOfReferral('IDX-NEW', REMINDER_INDEX_SINCE)).toEqual([]);
    expect(await reminders.pendingRefsOfReferral('IDX-NEW', REMINDER_INDEX_SINCE)).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('an index that named only days is filled in once from a query per day; a save meanwhile adds only its day', async () => {
    const base = Date.parse('2027-06-07T08:00:00.000Z');
    const reminders = new ReminderStore(store.containers.reminders, new ManualClock(new Date(base - DAY)));
    const [a, b, c] = [0, 3, 8].map((d, k) =>
      makeReminders(1, new Date(base + d * DAY), () => [teamsRecipient('u5')], `days${k}`).map((r) => ({ ...r, id: `days-${k}`, referralId: 'IDX-DAYS' }))[0]!,
    );
    // As an older version stored them: the reminders, and an index with their days only.
    for (const r of [a!, b!]) await store.containers.reminders.items.create(toDocument(r, new Date(base - DAY)));
    const key = reminderIndexKey('IDX-DAYS');
    await store.containers.reminders.items.create({ id: key, bucket: key, type: 'reminderIndex', referralId: 'IDX-DAYS', buckets: [a, b].map((r) => bucketOf(r!.dueAt)), updatedAt: new Date(base - DAY).toISOString() });
    await reminders.save([c!]);
    const saved = await indexOf('IDX-DAYS');
    expect(saved.reminders).toBeUndefined();
    expect(saved.buckets).toEqual([a, b, c].map((r) => bucketOf(r!.dueAt)));

    const seen = spyQueries();
    expect((await reminders.pendingRefsOfReferral('IDX-DAYS')).map((r) => r.id)).toEqual(['days-0', 'days-1', 'days-2']);
    expect(seen.map((o) => o?.partitionKey).sort()).toEqual(saved.buckets);
    expect((await indexOf('IDX-DAYS')).reminders?.map((r) => r.id)).toEqual(['days-0', 'days-1', 'days-2']);
    expect((await reminders.pendingRefsOfReferral('IDX-DAYS')).map((r) => r.id)).toEqual(['days-0', 'days-1', 'days-2']);
    expect(seen).toHaveLength(3);
  });
});

describe('planning many reminders at once', () => {
  it('creates them in one bulk request; one already there stays, a cancelled one comes back, each counted', async () => {
    let requests: string[] = [];
    const counted = await startLocalCosmos({ onRequest: (req) => requests.push(`${req.method} ${req.url ?? ''}`) });
    const own = await openTestStore(counted.endpoint, 'schakel-reminder-bulk');
    try {
      const reminders = new ReminderStore(own.containers.reminders, systemClock);
      const base = Date.parse('2027-04-01T08:00:00.000Z');
      // Thirteen reminders over thirteen due days: thirteen partitions of the container.
      const planned = Array.from({ length: 13 }, (_, d) => makeReminders(1, new Date(base + d * DAY), () => [teamsRecipient('u1')], `bulk-${d}`).map((r) => ({ ...r, id: `bulk-${d}`, referralId: 'BULK-1' }))).flat();
      await reminders.save([planned[0]!, planned[1]!]);
      await reminders.cancel([planned[1]!]);

      requests = [];
      expect(await reminders.save(planned)).toEqual({ created: 12, existing: 1 });
      const creates = requests.filter((r) => r.startsWith('POST') && r.endsWith('/colls/reminders/docs'));
      // One bulk request for the thirteen (and the revived one's read and replace), not thirteen creates.
      expect(creates).toHaveLength(1);
      const stored = await Promise.all(planned.map((p) => reminders.get(p.id, bucketOf(p.dueAt))));
      expect(stored.map((s) => s?.doc.status)).toEqual(planned.map(() => 'pending'));
      expect((await reminders.pendingRefsOfReferral('BULK-1')).map((r) => r.id).sort()).toEqual(planned.map((p) => p.id).sort());
    } finally {
      await own.close();
      await counted.close();
    }
  });

  it('a planning step chooses on the index as this instance last wrote it (no read); changed by another instance meanwhile, it chooses again on the stored one', async () => {
    const a = new ReminderStore(store.containers.reminders, systemClock);
    const b = new ReminderStore(store.containers.reminders, systemClock);
    const planner = (reminders: ReminderStore) =>
      new StoredReminderPlanner({ store: reminders, calendar: new WorkingCalendar('Europe/Amsterdam'), clock: systemClock, policy: reminderPolicy(), norms: [], log: quietLog(), languageOf: async () => 'nl' });
    const referral = { ...makeFullReferral({ referralId: 'MEM-1', id: 'MEM-1' }), createdAt: REMINDER_INDEX_SINCE };
    const due = new Date(Date.parse('2027-05-03T08:00:00.000Z'));
    const [x, y, z] = makeReminders(3, due, () => [teamsRecipient('u1')], 'mem').map((r, k) => ({ ...r, id: `mem-${k}`, referralId: 'MEM-1' }));
    await a.save([x!]);
    const indexReads = countItemReads(store.containers.reminders, reminderIndexKey('MEM-1'));
    try {
      // Nobody else wrote: closing chooses on what A remembers and writes without reading the index.
      await a.save([y!]);
      const before = indexReads.count;
      await planner(a).referralClosed(referral);
      expect(indexReads.count - before).toBe(0);
      expect((await a.get(x!.id, bucketOf(x!.dueAt)))?.doc.status).toBe('cancelled');
      expect((await a.get(y!.id, bucketOf(y!.dueAt)))?.doc.status).toBe('cancelled');
      // B plans z behind A's back: A's memory lacks it, its write is refused, and it chooses again on the stored index.
      await b.save([z!]);
      await planner(a).referralClosed(referral);
      expect(indexReads.count - before).toBeGreaterThan(0);
      expect((await a.get(z!.id, bucketOf(z!.dueAt)))?.doc.status).toBe('cancelled');
      expect((await indexOf('MEM-1')).reminders).toEqual([]);
    } finally {
      indexReads.restore();
    }
  });
});
