import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedSendBudget } from '../../src/notify/sendBudget.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { FakeConnector, teamsRateLimitPolicy, type RateLimitStats } from '../support/fakeConnector.js';
import { openTestStore, quietLog } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let store: Store;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'schakel-budget');
});

afterAll(async () => {
  await store.close();
  await cosmos.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A budget with short timings, so a test sees instances come and go within seconds. */
function instance(owner: string, tenantId: string) {
  return new SharedSendBudget({ container: store.containers.config, tenantId, owner, log: quietLog(), heartbeatMs: 100, leaseMs: 400, windowMs: 200 });
}

/** Asks every budget for its share every 10 ms for `ms`; returns the largest sum seen. */
async function watch(budgets: SharedSendBudget[], ms: number): Promise<number> {
  let peak = 0;
  for (const until = Date.now() + ms; Date.now() < until; await sleep(10)) {
    peak = Math.max(peak, budgets.reduce((sum, b) => sum + b.perSecond(), 0));
  }
  return peak;
}

describe('the tenant send budget shared by instances through Cosmos', () => {
  it('gives a lone instance the whole limit once it asks', async () => {
    const a = instance('a', 'tenant-lone');
    try {
      expect(a.perSecond()).toBe(0); // nothing before the budget document says so
      await watch([a], 300);
      expect(a.perSecond()).toBe(50);
    } finally {
      await a.stop();
    }
  });

  it('splits the limit between three instances, never promising more than 50 at once, and returns a stopped one’s share', async () => {
    const [a, b, c] = [instance('a', 'tenant-three'), instance('b', 'tenant-three'), instance('c', 'tenant-three')];
    try {
      await watch([a], 300);
      expect(a.perSecond()).toBe(50);
      const peak = await watch([a, b, c], 2_000);
      expect(peak).toBeLessThanOrEqual(50);
      expect([a.perSecond(), b.perSecond(), c.perSecond()]).toEqual([17, 17, 16]); // 50 = 17 + 17 + 16
      await c.stop();
      expect(await watch([a, b], 1_500)).toBeLessThanOrEqual(50);
      expect([a.perSecond(), b.perSecond(), c.perSecond()]).toEqual([25, 25, 0]);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('counts a crashed instance’s share until its lease and one window have passed', async () => {
    const [a, b] = [instance('a', 'tenant-crash'), instance('b', 'tenant-crash')];
    try {
      await watch([a, b], 1_200);
      expect([a.perSecond(), b.perSecond()]).toEqual([25, 25]);
      // b stops renewing without giving its share back (as a killed process would).
      (b as unknown as { stopped: boolean }).stopped = true;
      const afterCrash = Date.now();
      let regained = 0;
      while (a.perSecond() < 50 && Date.now() - afterCrash < 3_000) await sleep(10);
      regained = Date.now() - afterCrash;
      expect(a.perSecond()).toBe(50);
      expect(regained).toBeGreaterThanOrEqual(200); // never before b's last sends left the window
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('the fake connector enforces the tenant limit', () => {
  it('answers 429 past 50 requests in a second across all conversations', async () => {
    const connector = await new FakeConnector().start();
    const stats: RateLimitStats = { throttled: 0, earlyAfterRetryAfter: 0 };
    connector.policy = teamsRateLimitPolicy(undefined, stats);
    try {
      const statuses = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          fetch(`${connector.url}v3/conversations/c${i}/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"message"}' }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
      expect(stats.tenantThrottled).toBe(10);
    } finally {
      await connector.stop();
    }
  });
});

describe('every Bot Connector request of the process counts against one budget', () => {
  it('paces channel posts of a command (the patient port) and proactive sends from the sender together', async () => {
    const { CloudAdapter, ConfigurationBotFrameworkAuthentication } = await import('botbuilder');
    const { TeamsSender } = await import('../../src/notify/sender.js');
    const { SenderTeamsPort } = await import('../../src/notify/teamsPort.js');
    const { LocalSendBudget } = await import('../../src/notify/sendBudget.js');
    const { MemoryDirectory } = await import('../support/memoryDirectory.js');
    const { seedDirectory, TENANT } = await import('../support/reminderHarness.js');
    const connector = await new FakeConnector().start();
    try {
      const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
      const directory = new MemoryDirectory();
      const users = Array.from({ length: 6 }, (_, i) => `paced${i}`);
      seedDirectory(directory, connector.url, users);
      // A budget of 5 per second for this process (as if four other instances held the rest).
      const sender = new TeamsSender({ adapter, appId: '', directory, tenantId: TENANT, serviceUrl: connector.url, log: quietLog(), budget: new LocalSendBudget(5), windowMarginMs: 0 });
      const port = new SenderTeamsPort(sender, '', { patient: true });
      const channel = (i: number) => ({ id: `c${i}`, kind: 'wijkteam' as const, wijkteamId: `wt${i}`, name: 'Wijkteam', tenantId: TENANT, teamId: `team${i}`, channelId: `19:channel${i}`, conversationId: `19:channel${i}`, serviceUrl: connector.url, linkedBy: 'x' });
      const started = Date.now();
      await Promise.all([
        ...users.map((u) => sender.send({ kind: 'user', aadObjectId: u }, { text: 'hallo' })),
        ...Array.from({ length: 6 }, (_, i) => port.postToChannel(channel(i) as Parameters<typeof port.postToChannel>[0], { text: 'aanmelding' })),
      ]);
      const times = connector.calls.map((c) => c.at).sort((a, b) => a - b);
      expect(times).toHaveLength(12);
      // 12 requests at 5 per second: the last two seconds after the first, never more than 5 in any second.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      // Arrival times at the connector jitter on a busy machine (two sends of one slot can land closer
      // than they left); the pacing itself is one second per five.
      for (let i = 5; i < times.length; i++) expect((times[i] as number) - (times[i - 5] as number)).toBeGreaterThanOrEqual(850);
    } finally {
      await connector.stop();
    }
  });
});
