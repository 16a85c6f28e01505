import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { ReminderStore, type ReminderDocument } from '../../src/store/reminders.js';
import { systemClock } from '../../src/domain/clock.js';
import { FakeConnector, countDeliveries } from '../support/fakeConnector.js';
import { conversationOf, makeReminders, openTestStore, teamsRecipient } from '../support/reminderHarness.js';

const CHILD = fileURLToPath(new URL('../support/schedulerChild.ts', import.meta.url));
const USERS = Array.from({ length: 50 }, (_, i) => `crash-user${i}`);
const KILLS = 10;
const REMINDERS = 150;

let cosmos: LocalCosmosServer;
let store: Store;
let connector: FakeConnector;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint);
  connector = await new FakeConnector().start();
});

const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await store.close();
  await connector.stop();
  await cosmos.close();
});

function startChild(run: number, concurrency = 1): Promise<ChildProcess> {
  // tsx's ESM loader only: its CommonJS hook would slow loading botbuilder and the Cosmos client threefold.
  const child = spawn(process.execPath, ['--import', 'tsx/esm', CHILD], {
    env: {
      ...process.env,
      CHILD_COSMOS_URL: cosmos.endpoint,
      CHILD_CONNECTOR_URL: connector.url,
      CHILD_USERS: USERS.join(','),
      CHILD_OWNER: `child-${run}`,
      CHILD_DATABASE: 'schakel-test',
      CHILD_CONCURRENCY: String(concurrency),
      CHILD_LEASE_MS: '800',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function pending(): Promise<number> {
  const { resources } = await store.containers.reminders.items
    .query<ReminderDocument>({ query: "SELECT * FROM c WHERE c.status = 'pending'" })
    .fetchAll();
  return resources.length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs at random moments: every reminder arrives, at most one duplicate per kill`, async () => {
    const recipientsOf = (i: number) => [USERS[i % USERS.length] as string, USERS[(i + 25) % USERS.length] as string];
    const reminders = makeReminders(REMINDERS, new Date(Date.now() - 60_000), (i) => recipientsOf(i).map((u) => teamsRecipient(u)), 'crash');
    await new ReminderStore(store.containers.reminders, systemClock).save(reminders);

    let kills = 0;
    // Two warm stand-bys load while one works, so a restart does not wait for module loading.
    const standby = [startChild(0), startChild(1)];
    for (let run = 0; run < KILLS; run++) {
      const child = await (standby.shift() as Promise<ChildProcess>);
      // Concurrency 1 while killing: only one send is ever in flight, so a kill can repeat at most one.
      standby.push(startChild(run + 2, run + 2 === KILLS ? 8 : 1));
      const before = connector.calls.length;
      child.stdin?.write('go\n');
      await connector.waitFor((calls) => calls.length > before, 15_000);
      await sleep(Math.random() * 150);
      child.kill('SIGKILL');
      await exited(child);
      kills++;
    }
    expect(await pending()).toBeGreaterThan(0); // the kills interrupted real work

    const last = await (standby.shift() as Promise<ChildProcess>);
    last.stdin?.write('go\n');
    const until = Date.now() + 30_000;
    while ((await pending()) > 0 && Date.now() < until) await sleep(100);
    last.kill('SIGTERM');
    await exited(last);
    for (const spare of standby) (await spare).kill('SIGKILL');

    const counts = countDeliveries(connector.calls);
    const missing: string[] = [];
    reminders.forEach((r, i) => recipientsOf(i).forEach((u) => counts.has(`${conversationOf(u)}|${r.id}`) || missing.push(`${u}|${r.id}`)));
    const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
    expect(missing).toEqual([]);
    expect(counts.size).toBe(REMINDERS * 2);
    expect(duplicates).toBeLessThanOrEqual(kills);
    expect(await pending()).toBe(0);
  }, 120_000); // ~45 s alone on 2 cores; most of it is the twelve processes loading their modules
});
