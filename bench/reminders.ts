/**
 * Reminder dispatch benchmark: N due reminders over M personal conversations, K scheduler
 * instances (each with its own database client and its share of the tenant's send budget)
 * against one database and one fake Bot Connector that enforces Teams' limits with
 * 429 + Retry-After: per conversation, and ~50 requests per second per tenant over all
 * conversations. Prints figures; asserts nothing.
 *
 *   npm run bench:reminders                                   (2,000 reminders over 400 conversations, 1 instance)
 *   npm run bench:reminders -- --reminders 10000 --conversations 2000
 *   npm run bench:reminders -- --instances 3
 *   npm run bench:reminders -- --separate          (fake connector and database each in their own process)
 *   (or BENCH_REMINDERS, BENCH_CONVERSATIONS, BENCH_INSTANCES, BENCH_CONCURRENCY)
 *
 * Theoretical floor: under a set of sliding windows (limit L_i per D_i ms) the earliest start
 * of the k-th of n requests to one key (0-based) is t_k = max_i (t_{k-L_i} + D_i) for k >= L_i,
 * else 0 (sending as early as every window allows is optimal for a single key). The floor of
 * the whole load is the latest such start over every key the sender must respect:
 *   floor = max( max over conversations c of t_{n_c - 1}(per-conversation windows),
 *                t_{N - 1}(per-tenant windows) )
 * It ignores latency and storage work, so real runs can only be slower. It does not depend on
 * the number of instances: they share one tenant limit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/domain/clock.js';
import { SharedSendBudget } from '../src/notify/sendBudget.js';
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS, TENANT_SEND_BUDGET, type RateWindow } from '../src/notify/rateLimiter.js';
import type { Store } from '../src/store/cosmos.js';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import type { ReminderDocument } from '../src/store/reminders.js';
import { FakeConnector, countDeliveries, teamsRateLimitPolicy, type RateLimitStats } from '../test/support/fakeConnector.js';
import { MemoryDirectory } from '../test/support/memoryDirectory.js';
import { TENANT, buildEngine, conversationOf, makeReminders, openTestStore, quietLog, seedDirectory, teamsRecipient, type Engine } from '../test/support/reminderHarness.js';

const { values: args } = parseArgs({ options: { reminders: { type: 'string' }, conversations: { type: 'string' }, instances: { type: 'string' }, concurrency: { type: 'string' }, separate: { type: 'boolean' } } });
/** Fake connector and database each in a child process, so the schedulers' event loop is theirs alone. */
const SEPARATE = Boolean(args.separate ?? process.env.BENCH_SEPARATE);
const REMINDERS = Number(args.reminders ?? process.env.BENCH_REMINDERS ?? 2_000);
const CONVERSATIONS = Number(args.conversations ?? process.env.BENCH_CONVERSATIONS ?? 400);
const INSTANCES = Number(args.instances ?? process.env.BENCH_INSTANCES ?? 1);
const CONCURRENCY = Number(args.concurrency ?? process.env.BENCH_CONCURRENCY ?? 64);
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

/** The most requests the connector received in any sliding 1-second interval. */
function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= 1_000) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

interface ConnectorReport {
  counts: Map<string, number>;
  stats: RateLimitStats;
  times: number[];
  calls: number;
}

/** The fake connector, in this process or in a child; what it received, read at the end. */
interface ConnectorSide {
  url: string;
  delivered(): Promise<number>;
  report(): Promise<ConnectorReport>;
  stop(): Promise<void>;
}

async function connectorHere(): Promise<ConnectorSide> {
  const connector = await new FakeConnector().start();
  const stats: RateLimitStats = { throttled: 0, earlyAfterRetryAfter: 0, tenantThrottled: 0 };
  connector.policy = teamsRateLimitPolicy(undefined, stats);
  return {
    url: connector.url,
    delivered: async () => countDeliveries(connector.calls).size,
    report: async () => ({ counts: countDeliveries(connector.calls), stats, times: connector.calls.map((c) => c.at), calls: connector.calls.length }),
    stop: () => connector.stop(),
  };
}

/** Starts a bench child (`bench/children/<name>.ts`); resolves with it and the value of its `ready` line. */
async function child(name: string): Promise<{ proc: ChildProcess; ready: string; ask(line: string, answer: string): Promise<string> }> {
  const file = fileURLToPath(new URL(`./children/${name}.ts`, import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx/esm', file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout! });
  const waiting: { prefix: string; resolve: (v: string) => void }[] = [];
  lines.on('line', (line) => {
    const i = waiting.findIndex((w) => line.startsWith(`${w.prefix} `));
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(line.slice(line.indexOf(' ') + 1));
  });
  const next = (prefix: string) => new Promise<string>((resolve) => waiting.push({ prefix, resolve }));
  const ready = await next('ready');
  return {
    proc,
    ready,
    ask: (line, answer) => {
      const p = next(answer);
      proc.stdin!.write(`${line}\n`);
      return p;
    },
  };
}

async function connectorApart(): Promise<ConnectorSide> {
  const c = await child('connector');
  return {
    url: c.ready,
    delivered: async () => Number(await c.ask('count', 'count')),
    report: async () => {
      const r = JSON.parse(await c.ask('report', 'report')) as { counts: [string, number][]; stats: RateLimitStats; times: number[]; calls: number };
      return { ...r, counts: new Map(r.counts) };
    },
    stop: async () => {
      c.proc.stdin!.end();
      await new Promise((r) => c.proc.once('exit', r));
    },
  };
}

async function databaseApart(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const c = await child('cosmos');
  return {
    endpoint: c.ready,
    close: async () => {
      c.proc.stdin!.end();
      await new Promise((r) => c.proc.once('exit', r));
    },
  };
}

async function main(): Promise<void> {
  const cosmos = SEPARATE ? await databaseApart() : await startLocalCosmos();
  const admin = await openTestStore(cosmos.endpoint, 'schakel-bench');
  const connector = SEPARATE ? await connectorApart() : await connectorHere();

  const users = Array.from({ length: CONVERSATIONS }, (_, i) => `bench-user${i}`);
  const directory = new MemoryDirectory();
  seedDirectory(directory, connector.url, users);
  const recipientOf = (i: number) => users[i % users.length] as string;
  const reminders = makeReminders(REMINDERS, new Date(Date.now() - 60_000), (i) => [teamsRecipient(recipientOf(i))], 'bench');

  // Every instance as in production: its own database client, its owner id, its share of the tenant budget.
  const stores: Store[] = [];
  const budgets: SharedSendBudget[] = [];
  const engines: Engine[] = [];
  for (let k = 0; k < INSTANCES; k++) {
    const store = k === 0 ? admin : await openTestStore(cosmos.endpoint, 'schakel-bench');
    if (k > 0) stores.push(store);
    const owner = `bench-instance-${k}`;
    const budget = new SharedSendBudget({ container: store.containers.config, tenantId: TENANT, owner, log: quietLog(), limit: TENANT_SEND_BUDGET });
    budgets.push(budget);
    engines.push(
      buildEngine({
        container: store.containers.reminders,
        serviceUrl: connector.url,
        directory,
        clock: systemClock,
        owner,
        scheduler: { concurrency: CONCURRENCY, batchSize: 200, leaseMs: 60_000, intervalMs: 50 },
        sender: { windowMarginMs: MARGIN_MS, budget },
      }),
    );
  }
  const seedStart = performance.now();
  await (engines[0] as Engine).reminders.save(reminders);
  const seedMs = performance.now() - seedStart;

  const perConversation = new Map<string, number>();
  reminders.forEach((_, i) => perConversation.set(recipientOf(i), (perConversation.get(recipientOf(i)) ?? 0) + 1));
  const conversationFloor = Math.max(...[...perConversation.values()].map((n) => floorMs(n, TEAMS_CONVERSATION_WINDOWS)));
  const tenantFloor = floorMs(REMINDERS, TEAMS_TENANT_WINDOWS);
  const floor = Math.max(conversationFloor, tenantFloor);

  const start = performance.now();
  for (const e of engines) e.scheduler.start();
  const deadline = Date.now() + 15 * 60_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, SEPARATE ? 250 : 100));
    if ((await connector.delivered()) >= REMINDERS) break;
  }
  const totalMs = performance.now() - start;
  await Promise.all(engines.map((e) => e.scheduler.stop()));
  await Promise.all(budgets.map((b) => b.stop()));

  const { counts, stats, times, calls } = await connector.report();
  let losses = 0;
  reminders.forEach((r, i) => {
    if (!counts.has(`${conversationOf(recipientOf(i))}|${r.id}`)) losses++;
  });
  const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const { resources: open } = await admin.containers.reminders.items
    .query<ReminderDocument>({ query: "SELECT VALUE COUNT(1) FROM c WHERE c.status = 'pending'" })
    .fetchAll();
  const peak = peakPerSecond(times);

  const lines = [
    `reminders            ${REMINDERS} due, over ${CONVERSATIONS} personal conversations (max ${Math.max(...perConversation.values())} per conversation); ${INSTANCES} instance(s) against one database, concurrency ${CONCURRENCY} each`,
    `processes            ${SEPARATE ? 'fake connector and database each in their own child process; the schedulers in this one' : 'fake connector, database and schedulers in this one process'}`,
    `limits               per conversation ${fmtWindows(TEAMS_CONVERSATION_WINDOWS)}; per tenant ${fmtWindows(TEAMS_TENANT_WINDOWS)} over every request; both enforced by the fake connector with 429 + Retry-After, kept by the senders through one budget shared in Cosmos`,
    `seeding              ${(seedMs / 1000).toFixed(2)} s`,
    `theoretical floor    ${(floor / 1000).toFixed(2)} s = max(conversation ${(conversationFloor / 1000).toFixed(2)} s, tenant ${(tenantFloor / 1000).toFixed(2)} s)`,
    `total time           ${(totalMs / 1000).toFixed(2)} s`,
    `ratio total/floor    ${floor > 0 ? (totalMs / floor).toFixed(2) : 'n/a (floor 0)'}  (the senders keep ${TENANT_SEND_BUDGET} of the tenant's 50 per second and widen every window by ${MARGIN_MS} ms, against arrival jitter)`,
    `delivered            ${counts.size}`,
    `duplicates           ${duplicates}`,
    `losses               ${losses}`,
    `still pending        ${open[0] ?? '?'}`,
    `429s from connector  ${stats.throttled} (of which tenant limit: ${stats.tenantThrottled}; requests before Retry-After elapsed: ${stats.earlyAfterRetryAfter})`,
    `connector requests   ${calls}; at most ${peak} in any 1 s (tenant limit 50)`,
    `peak RSS             ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  for (const s of stores) await s.close();
  await admin.close();
  await connector.stop();
  await cosmos.close();
}

await main();
