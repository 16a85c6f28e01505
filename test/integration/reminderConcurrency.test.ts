import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import type { ReminderDocument } from '../../src/store/reminders.js';
import { CosmosFaultProxy } from '../support/cosmosFaultProxy.js';
import { FakeConnector, combinePolicies, countDeliveries, randomFaultPolicy, teamsRateLimitPolicy, type RateLimitStats } from '../support/fakeConnector.js';
import { MemoryDirectory } from '../support/memoryDirectory.js';
import { buildEngine, conversationOf, makeReminders, openTestStore, seedDirectory, teamsRecipient, type Engine } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let admin: Store;
const opened: Store[] = [];

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  admin = await openTestStore(cosmos.endpoint);
});

afterAll(async () => {
  for (const s of opened) await s.close();
  await admin.close();
  await cosmos.close();
});

const USERS = Array.from({ length: 20 }, (_, i) => `user${i}`);

/** `count` reminders, each to three different users, all due a minute ago. */
function seed(prefix: string, count: number) {
  return makeReminders(count, new Date(Date.now() - 60_000), (i) => [0, 7, 13].map((k) => teamsRecipient(USERS[(i + k) % USERS.length] as string)), prefix);
}

async function openPending(prefix: string): Promise<number> {
  const { resources } = await admin.containers.reminders.items
    .query<ReminderDocument>({
      query: "SELECT * FROM c WHERE STARTSWITH(c.id, @p) AND c.status = 'pending'",
      parameters: [{ name: '@p', value: prefix }],
    })
    .fetchAll();
  return resources.length;
}

/** Runs all instances' ticks side by side until nothing with the prefix is pending. */
async function runUntilSent(engines: Engine[], prefix: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await Promise.all(engines.map((e) => e.scheduler.tick().catch(() => undefined)));
    if ((await openPending(prefix)) === 0) return;
    if (Date.now() > until) throw new Error('reminders still pending after the timeout');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function instances(count: number, endpoint: string, connector: FakeConnector, options: Parameters<typeof buildEngine>[0]['scheduler'] = {}, maxFailures = 5): Promise<Engine[]> {
  const engines: Engine[] = [];
  for (let i = 0; i < count; i++) {
    const store = await openTestStore(endpoint);
    opened.push(store);
    const directory = new MemoryDirectory();
    seedDirectory(directory, connector.url, USERS);
    engines.push(buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock: systemClock, owner: `instance-${i}`, scheduler: options, sender: { maxFailures } }));
  }
  return engines;
}

function expectExactlyOnce(connector: FakeConnector, reminderIds: string[], recipientsOf: (index: number) => string[]): void {
  const counts = countDeliveries(connector.calls);
  const expected = new Map<string, number>();
  reminderIds.forEach((id, i) => recipientsOf(i).forEach((u) => expected.set(`${conversationOf(u)}|${id}`, 1)));
  const duplicates = [...counts].filter(([, n]) => n > 1);
  const missing = [...expected.keys()].filter((k) => !counts.has(k));
  expect({ duplicates, missing, extra: [...counts.keys()].filter((k) => !expected.has(k)) }).toEqual({ duplicates: [], missing: [], extra: [] });
}

const recipientsOfSeed = (i: number) => [0, 7, 13].map((k) => USERS[(i + k) % USERS.length] as string);

describe('several scheduler instances against one database', () => {
  it('three instances deliver each reminder to each recipient exactly once', async () => {
    const connector = await new FakeConnector().start();
    try {
      const engines = await instances(3, cosmos.endpoint, connector);
      const reminders = seed('multi', 60);
      await engines[0]!.reminders.save(reminders);
      await runUntilSent(engines, 'multi', 20_000);
      expectExactlyOnce(connector, reminders.map((r) => r.id), recipientsOfSeed);
      const { resources } = await admin.containers.reminders.items
        .query<ReminderDocument>({ query: "SELECT * FROM c WHERE STARTSWITH(c.id, 'multi')" })
        .fetchAll();
      expect(resources.every((r) => r.status === 'sent' && r.recipients.every((x) => x.state === 'delivered' && x.attempts === 1))).toBe(true);
    } finally {
      await connector.stop();
    }
  });

  it('with ~20% connector faults (429/5xx), Teams rate limits and 10% failing Cosmos writes: all delivered, none twice', async () => {
    const connector = await new FakeConnector().start();
    const stats: RateLimitStats = { throttled: 0, earlyAfterRetryAfter: 0 };
    connector.policy = combinePolicies(randomFaultPolicy(0.2, 1), teamsRateLimitPolicy(undefined, stats));
    const proxy = await new CosmosFaultProxy(cosmos.endpoint, 0.1).start();
    try {
      const reminders = seed('faulty', 60);
      await admin.containers.reminders.items.create({ id: 'warm-up', bucket: 'x' }); // direct, not through the proxy
      const engines = await instances(3, proxy.url, connector, { leaseMs: 5_000 }, 12);
      const direct = buildEngine({ container: admin.containers.reminders, serviceUrl: connector.url, directory: new MemoryDirectory(), clock: systemClock });
      await direct.reminders.save(reminders);
      await runUntilSent(engines, 'faulty', 45_000);
      expectExactlyOnce(connector, reminders.map((r) => r.id), recipientsOfSeed);
      const faults = connector.calls.filter((c) => c.status >= 400).length;
      expect(faults).toBeGreaterThan(10);
      expect(proxy.stats.rejected + proxy.stats.dropped).toBeGreaterThan(10);
      // Retry-After is shared within an instance; separate instances may each meet a 429 once.
      expect(stats.throttled + faults).toBeGreaterThan(0);
    } finally {
      await proxy.stop();
      await connector.stop();
    }
  });
});
