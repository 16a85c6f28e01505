/**
 * Reminder dispatch benchmark: N due reminders over M personal conversations, one scheduler
 * instance, against a fake Bot Connector that enforces Teams' per-conversation limits with
 * 429 + Retry-After. Prints figures; asserts nothing.
 *
 *   npm run bench:reminders            (2,000 reminders over 400 conversations)
 *   BENCH_REMINDERS=500 BENCH_CONVERSATIONS=50 npm run bench:reminders
 *
 * Theoretical floor: under a set of sliding windows (limit L_i per D_i ms) the earliest start
 * of the k-th of n requests to one key (0-based) is t_k = max_i (t_{k-L_i} + D_i) for k >= L_i,
 * else 0 (sending as early as every window allows is optimal for a single key). The floor of
 * the whole load is the latest such start over every key the sender must respect:
 *   floor = max( max over conversations c of t_{n_c - 1}(per-conversation windows),
 *                t_{N - 1}(per-tenant windows) )
 * It ignores latency and storage work, so real runs can only be slower.
 */
import { systemClock } from '../src/domain/clock.js';
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS, type RateWindow } from '../src/notify/rateLimiter.js';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import type { ReminderDocument } from '../src/store/reminders.js';
import { FakeConnector, countDeliveries, teamsRateLimitPolicy, type RateLimitStats } from '../test/support/fakeConnector.js';
import { MemoryDirectory } from '../test/support/memoryDirectory.js';
import { buildEngine, conversationOf, makeReminders, openTestStore, seedDirectory, teamsRecipient } from '../test/support/reminderHarness.js';

const REMINDERS = Number(process.env.BENCH_REMINDERS ?? 2_000);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const MARGIN_MS = 50;

/** Start of the last of `n` requests to one key when each goes as early as the windows allow. */
export function floorMs(n: number, windows: RateWindow[]): number {
  const t: number[] = [];
  for (let k = 0; k < n; k++) {
    let at = 0;
    for (const w of windows) if (k >= w.limit) at = Math.max(at, (t[k - w.limit] as number) + w.ms);
    t.push(at);
  }
  return n === 0 ? 0 : (t[n - 1] as number);
}

const fmtWindows = (ws: RateWindow[]) => ws.map((w) => `${w.limit}/${w.ms >= 3_600_000 ? `${w.ms / 3_600_000}h` : `${w.ms / 1000}s`}`).join(', ');

async function main(): Promise<void> {
  const cosmos = await startLocalCosmos();
  const store = await openTestStore(cosmos.endpoint, 'schakel-bench');
  const connector = await new FakeConnector().start();
  const stats: RateLimitStats = { throttled: 0, earlyAfterRetryAfter: 0 };
  connector.policy = teamsRateLimitPolicy(undefined, stats);

  const users = Array.from({ length: CONVERSATIONS }, (_, i) => `bench-user${i}`);
  const directory = new MemoryDirectory();
  seedDirectory(directory, connector.url, users);
  const recipientOf = (i: number) => users[i % users.length] as string;
  const reminders = makeReminders(REMINDERS, new Date(Date.now() - 60_000), (i) => [teamsRecipient(recipientOf(i))], 'bench');

  const engine = buildEngine({
    container: store.containers.reminders,
    serviceUrl: connector.url,
    directory,
    clock: systemClock,
    scheduler: { concurrency: CONCURRENCY, batchSize: 200, leaseMs: 60_000, intervalMs: 50 },
    sender: { windowMarginMs: MARGIN_MS },
  });
  const seedStart = performance.now();
  await engine.reminders.save(reminders);
  const seedMs = performance.now() - seedStart;

  const perConversation = new Map<string, number>();
  reminders.forEach((_, i) => perConversation.set(recipientOf(i), (perConversation.get(recipientOf(i)) ?? 0) + 1));
  const conversationFloor = Math.max(...[...perConversation.values()].map((n) => floorMs(n, TEAMS_CONVERSATION_WINDOWS)));
  const tenantFloor = floorMs(REMINDERS, TEAMS_TENANT_WINDOWS);
  const floor = Math.max(conversationFloor, tenantFloor);

  const start = performance.now();
  engine.scheduler.start();
  const deadline = Date.now() + 15 * 60_000;
  let delivered = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    delivered = [...countDeliveries(connector.calls).values()].length;
    if (delivered >= REMINDERS) break;
  }
  const totalMs = performance.now() - start;
  await engine.scheduler.stop();

  const counts = countDeliveries(connector.calls);
  let losses = 0;
  reminders.forEach((r, i) => {
    if (!counts.has(`${conversationOf(recipientOf(i))}|${r.id}`)) losses++;
  });
  const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const { resources: open } = await store.containers.reminders.items
    .query<ReminderDocument>({ query: "SELECT VALUE COUNT(1) FROM c WHERE c.status = 'pending'" })
    .fetchAll();

  const lines = [
    `reminders            ${REMINDERS} due, over ${CONVERSATIONS} personal conversations (max ${Math.max(...perConversation.values())} per conversation); 1 instance, concurrency ${CONCURRENCY}`,
    `limits               per conversation ${fmtWindows(TEAMS_CONVERSATION_WINDOWS)} (enforced by the fake connector with 429 + Retry-After); per tenant ${fmtWindows(TEAMS_TENANT_WINDOWS)} (kept by the sender)`,
    `seeding              ${(seedMs / 1000).toFixed(2)} s`,
    `theoretical floor    ${(floor / 1000).toFixed(2)} s = max(conversation ${(conversationFloor / 1000).toFixed(2)} s, tenant ${(tenantFloor / 1000).toFixed(2)} s)`,
    `total time           ${(totalMs / 1000).toFixed(2)} s`,
    `ratio total/floor    ${floor > 0 ? (totalMs / floor).toFixed(2) : 'n/a (floor 0)'}  (sender widens every window by ${MARGIN_MS} ms against arrival jitter)`,
    `delivered            ${counts.size}`,
    `duplicates           ${duplicates}`,
    `losses               ${losses}`,
    `still pending        ${open[0] ?? '?'}`,
    `429s from connector  ${stats.throttled} (requests before Retry-After elapsed: ${stats.earlyAfterRetryAfter})`,
    `connector requests   ${connector.calls.length}`,
    `peak RSS             ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  await store.close();
  await connector.stop();
  await cosmos.close();
}

await main();
