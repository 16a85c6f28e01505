/**
 * Local store benchmark: seeds the embedded store's data folder with N referral documents and
 * M reminder documents (through the real client), then measures Schakel's start-up to `/readyz`
 * (first start: journal replay; second: snapshot) and the scheduler's due-query, each against an
 * empty store for the ratio. Prints figures; asserts nothing.
 *
 *   npm run bench:local                        (10,000 referrals, 100,000 reminders)
 *   BENCH_REFERRALS=1000 BENCH_REMINDERS=10000 npm run bench:local
 */
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSchakel } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { openStore } from '../src/store/cosmos.js';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import { FREE_LEASE, bucketOf, type ReminderDocument } from '../src/store/reminders.js';

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 10_000);
const REMINDERS = Number(process.env.BENCH_REMINDERS ?? 100_000);
const DAY = 86_400_000;
const silent = createLogger('silent');

async function seed(dir: string): Promise<number> {
  const started = performance.now();
  const server = await startLocalCosmos({ dataDir: dir });
  const store = await openStore({ endpoint: server.endpoint, database: 'schakel' }, silent);
  const now = Date.now();
  const work: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < REFERRALS; i++) {
    const referralId = `bench-ref-${i}`;
    work.push(() => store.containers.referrals.items.create({ id: referralId, referralId, type: 'referral', state: 'submitted', number: `B${i}`, updatedAt: new Date(now).toISOString(), pad: 'x'.repeat(1500) }));
  }
  for (let i = 0; i < REMINDERS; i++) {
    // Spread over 200 days around today; the past ones are sent, a few dozen recent ones still due.
    const dueAt = new Date(now + ((i % 200) - 100) * DAY - (i % 7) * 3_600_000).toISOString();
    const sent = Date.parse(dueAt) <= now && i % 1000 !== 100;
    const doc: ReminderDocument = {
      id: `bench-rem-${i}`,
      bucket: bucketOf(dueAt),
      referralId: `bench-ref-${i % Math.max(REFERRALS, 1)}`,
      kind: 'agreementDue' as ReminderDocument['kind'],
      dueAt,
      timeZone: 'Europe/Amsterdam',
      subject: { referralNumber: `B${i}` } as unknown as ReminderDocument['subject'],
      recipients: [{ kind: 'teams', aadObjectId: `user-${i % 500}`, state: sent ? 'delivered' : 'pending', attempts: 0 } as unknown as ReminderDocument['recipients'][number]],
      status: sent ? 'sent' : 'pending',
      nextAttemptAt: dueAt,
      lease: FREE_LEASE,
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
    };
    work.push(() => store.containers.reminders.items.create(doc));
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < work.length) await work[next++]!();
    }),
  );
  await store.close();
  await server.close();
  return performance.now() - started;
}

async function startToReady(dir: string): Promise<{ readyMs: number; dueMs: number; due: number }> {
  const started = performance.now();
  const config = loadConfig({ SCHAKEL_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const schakel = await startSchakel(config, silent, { startScheduler: false });
  for (;;) {
    const res = await fetch(`${schakel.url}/readyz`);
    if (res.ok) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const readyMs = performance.now() - started;
  const today = Date.now();
  const buckets = Array.from({ length: 8 }, (_, i) => new Date(today - i * DAY).toISOString().slice(0, 10));
  await schakel.deps.reminderStore.findDue(buckets, 100); // warm-up
  const times: number[] = [];
  let due = 0;
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    due = (await schakel.deps.reminderStore.findDue(buckets, 100)).length;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  await schakel.stop();
  return { readyMs, dueMs: times[Math.floor(times.length / 2)]!, due };
}

const size = (dir: string) => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

async function main(): Promise<void> {
  const empty = mkdtempSync(join(tmpdir(), 'schakel-bench-empty-'));
  // BENCH_DIR keeps the seeded folder for another run (seeding is the slow part).
  const kept = process.env.BENCH_DIR;
  const full = kept ?? mkdtempSync(join(tmpdir(), 'schakel-bench-full-'));
  try {
    await startToReady(empty); // module warm-up
    const base = await startToReady(empty);
    if (!kept || readdirSync(full).length === 0) {
      const seedMs = await seed(full);
      process.stdout.write(`seeded ${REFERRALS} referrals + ${REMINDERS} reminders through the client in ${(seedMs / 1000).toFixed(1)} s (${Math.round((REFERRALS + REMINDERS) / (seedMs / 1000))} writes/s, each fdatasync'd before its answer); journal ${(size(full) / 1e6).toFixed(0)} MB\n`);
    }
    const first = await startToReady(full);
    const second = await startToReady(full);
    process.stdout.write(
      [
        `empty store:        ready ${fmt(base.readyMs)}, due query ${fmt(base.dueMs)} (median of 20)`,
        `first start (journal replay, then compaction in the background): ready ${fmt(first.readyMs)} (${(first.readyMs / base.readyMs).toFixed(1)}×)`,
        `second start (snapshot ${(size(full) / 1e6).toFixed(0)} MB):   ready ${fmt(second.readyMs)} (${(second.readyMs / base.readyMs).toFixed(1)}×), due query ${fmt(second.dueMs)} (${(second.dueMs / base.dueMs).toFixed(1)}×), ${second.due} due found`,
      ].join('\n') + '\n',
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
    if (!kept) rmSync(full, { recursive: true, force: true });
  }
}

await main();
