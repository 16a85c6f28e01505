import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { FakeConnector, countDeliveries } from '../support/fakeConnector.js';
import { MemoryDirectory } from '../support/memoryDirectory.js';
import { buildEngine, makeReminders, openTestStore, seedDirectory, teamsRecipient } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let store: Store;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'schakel-prefetch');
});

afterAll(async () => {
  await store.close();
  await cosmos.close();
});

describe('the scheduler queries the next batch while the current one is being sent', () => {
  it('asks for more before the first batch has drained, and sends every reminder once in one round', async () => {
    const connector = await new FakeConnector().start();
    try {
      const users = Array.from({ length: 30 }, (_, i) => `prefetch${i}`);
      const directory = new MemoryDirectory();
      seedDirectory(directory, connector.url, users);
      const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock: systemClock, scheduler: { batchSize: 20, concurrency: 4 } });
      await engine.reminders.save(makeReminders(60, new Date(Date.now() - 60_000), (i) => [teamsRecipient(users[i % users.length] as string)], 'prefetch'));

      // Spy (not a fake): how many reminders had been delivered when each query started.
      const deliveredAtQuery: number[] = [];
      const findDue = engine.reminders.findDue.bind(engine.reminders);
      engine.reminders.findDue = (buckets, limit) => {
        deliveredAtQuery.push(countDeliveries(connector.calls).size);
        return findDue(buckets, limit);
      };
      const round = await engine.scheduler.tick();

      expect(round.finished).toBe(60);
      expect(countDeliveries(connector.calls).size).toBe(60);
      expect([...countDeliveries(connector.calls).values()].every((n) => n === 1)).toBe(true);
      // The second query started while at least half of the first batch of 20 was still unsent.
      expect(deliveredAtQuery.length).toBeGreaterThanOrEqual(3);
      expect(deliveredAtQuery[1]).toBeLessThanOrEqual(12);
    } finally {
      await connector.stop();
    }
  });
});
