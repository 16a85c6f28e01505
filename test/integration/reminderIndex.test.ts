import type { FeedOptions, SqlQuerySpec } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { REMINDER_INDEX_SINCE, ReminderStore, bucketOf, reminderIndexKey, toDocument } from '../../src/store/reminders.js';
import { makeReminders, openTestStore, teamsRecipient } from '../support/reminderHarness.js';

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

describe("a referral's pending reminders are found without a query across every day", () => {
  it('reads the index and queries only the days it names, each in its own partition', async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const day = 24 * 3600_000;
    const base = Date.parse('2027-03-01T08:00:00.000Z');
    const own = [0, 1, 5].flatMap((d, k) =>
      makeReminders(1, new Date(base + d * day), () => [teamsRecipient('u1')], `x${k}`).map((r) => ({ ...r, id: `idx-${k}`, referralId: 'IDX-1' })),
    );
    const other = makeReminders(4, new Date(base + day), () => [teamsRecipient('u2')], 'idx-other');
    await reminders.save([...own, ...other]);
    await reminders.cancel([own[1]!]);

    const seen = spyQueries();
    const pending = await reminders.pendingOfReferral('IDX-1');
    expect(pending.map((r) => r.id)).toEqual(['idx-0', 'idx-2']);
    const days = [0, 1, 5].map((d) => bucketOf(new Date(base + d * day).toISOString()));
    expect(seen.map((o) => o?.partitionKey).sort()).toEqual(days);

    const { resource: index } = await store.containers.reminders.item(reminderIndexKey('IDX-1'), reminderIndexKey('IDX-1')).read();
    expect(index.buckets).toEqual(days);
    // The index is no reminder: the scheduler's sweep across every day does not see it.
    expect((await reminders.findDue('all', 100)).some((f) => f.doc.referralId === 'IDX-1' && !f.doc.kind)).toBe(false);
  });

  it('finds reminders saved before the index existed with one query across days', async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const [old] = makeReminders(1, new Date('2027-04-01T08:00:00.000Z'), () => [teamsRecipient('u3')], 'legacy');
    await store.containers.reminders.items.create(toDocument(old!, new Date()));
    expect((await reminders.pendingOfReferral(old!.referralId)).map((r) => r.id)).toEqual([old!.id]);
    expect((await reminders.pendingOfReferral(old!.referralId, '2026-01-01T00:00:00.000Z')).map((r) => r.id)).toEqual([old!.id]);
  });

  it('asks no query for a referral newer than the index that has no reminders yet', async () => {
    const reminders = new ReminderStore(store.containers.reminders, systemClock);
    const seen = spyQueries();
    expect(await reminders.pendingOfReferral('IDX-NEW', REMINDER_INDEX_SINCE)).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('drops days well in the past that hold nothing pending any more; a save to such a day adds it again', async () => {
    const day = 24 * 3600_000;
    const base = Date.parse('2027-05-03T08:00:00.000Z');
    const clock = new ManualClock(new Date(base));
    const reminders = new ReminderStore(store.containers.reminders, clock);
    const [sent, kept, yesterday, later] = [0, 1, 6, 10].map((d, k) =>
      makeReminders(1, new Date(base + d * day), () => [teamsRecipient('u4')], `prune${k}`).map((r) => ({ ...r, id: `prune-${k}`, referralId: 'IDX-PRUNE' }))[0]!,
    );
    await reminders.save([sent!, kept!, yesterday!, later!]);
    const days = [sent!, kept!, yesterday!, later!].map((r) => bucketOf(r.dueAt));
    // A week on: the first reminder was marked done, the second is still pending (not sent yet), the third is done too.
    clock.set(new Date(base + 7 * day));
    expect(await reminders.markDone(sent!.id, days[0]!, sent!.recipients[0]!.key)).toBe(true);
    expect(await reminders.markDone(yesterday!.id, days[2]!, yesterday!.recipients[0]!.key)).toBe(true);

    expect((await reminders.pendingOfReferral('IDX-PRUNE')).map((r) => r.id)).toEqual(['prune-1', 'prune-3']);
    const indexed = async () => (await store.containers.reminders.item(reminderIndexKey('IDX-PRUNE'), reminderIndexKey('IDX-PRUNE')).read()).resource.buckets as string[];
    // The emptied day before yesterday is gone; yesterday's empty day stays (something may still be planned there).
    expect(await indexed()).toEqual([days[1], days[2], days[3]]);
    const seen = spyQueries();
    expect((await reminders.pendingOfReferral('IDX-PRUNE')).map((r) => r.id)).toEqual(['prune-1', 'prune-3']);
    expect(seen.map((o) => o?.partitionKey).sort()).toEqual([days[1], days[2], days[3]]);

    const [again] = makeReminders(1, new Date(base), () => [teamsRecipient('u4')], 'prune-again').map((r) => ({ ...r, id: 'prune-4', referralId: 'IDX-PRUNE' }));
    await reminders.save([again!]);
    expect(await indexed()).toEqual([days[0], days[1], days[2], days[3]]);
    expect((await reminders.pendingOfReferral('IDX-PRUNE')).map((r) => r.id)).toEqual(['prune-4', 'prune-1', 'prune-3']);
  });
});
