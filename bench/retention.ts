/**
 * Retention pass benchmark: seeds the embedded store with N referral documents (drafts and open
 * referrals, a tenth of them older than the thresholds) through the real client, then measures the
 * daily retention query and the per-tick claim that fails once the day is claimed (409). Prints
 * figures and request charges; asserts nothing.
 *
 *   npx tsx bench/retention.ts                 (5,000 referrals)
 *   BENCH_REFERRALS=20000 npx tsx bench/retention.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retentionQuery } from '../src/bot/features/retention.js';
import { retentionCutoff } from '../src/domain/retention.js';
import { createLogger } from '../src/log.js';
import { openStore } from '../src/store/cosmos.js';
import { startLocalCosmos } from '../src/store/localCosmos.js';

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 5_000);
const DAY = 86_400_000;
const policy = { draftDays: 90, draftWarnDays: 14, openDays: 730 };

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'schakel-bench-retention-'));
  const server = await startLocalCosmos({ dataDir: dir });
  const store = await openStore({ endpoint: server.endpoint, database: 'schakel' }, createLogger('silent'));
  try {
    const now = Date.now();
    const states = ['draft', 'submitted', 'accepted', 'agreementsConfirmed', 'aftercare', 'closed'];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < REFERRALS) {
          const i = next++;
          const referralId = `bench-ref-${i}`;
          const age = i % 10 === 0 ? 800 : i % 60;
          await store.containers.referrals.items.create({ id: referralId, referralId, type: 'referral', state: states[i % states.length], number: `B${i}`, updatedAt: new Date(now - age * DAY).toISOString(), pad: 'x'.repeat(1500) });
        }
      }),
    );
    const runs: { ms: number; ru: number; found: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const response = await store.containers.referrals.items.query<{ referralId: string }>(retentionQuery(retentionCutoff(new Date(now), policy))).fetchAll();
      runs.push({ ms: performance.now() - started, ru: response.requestCharge, found: response.resources.length });
    }
    const claim = async () => {
      const started = performance.now();
      try {
        await store.containers.config.items.create({ id: 'retention:bench', kind: 'retentionRun' });
      } catch {
        // 409 after the first: the day is claimed.
      }
      return performance.now() - started;
    };
    await claim();
    const claims = await Promise.all(Array.from({ length: 20 }, claim));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`referrals: ${REFERRALS}`);
    console.log(`daily retention query: median ${median(runs.map((r) => r.ms)).toFixed(1)} ms, ${runs[0]!.found} hits, request charge ${runs[0]!.ru.toFixed(1)} RU (local server)`);
    console.log(`claim per tick once the day is taken (409): median ${median(claims).toFixed(1)} ms`);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
