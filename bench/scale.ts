/**
 * Does a command's cost grow with the data? Seeds 1,000 and then 10,000 referrals through the
 * app's own referral store (`ReferralRepository.create`: the referral plus its case-index and
 * number documents, as the app writes them) into the embedded database server, spread over
 * many SMW'ers and casusregisseurs, and measures `mijn casussen`, `status AM-…` and `concepten`
 * over HTTP for one user whose own cases are the same at both sizes. Prints p50/p95 per size and
 * the ratio 10k/1k; asserts nothing.
 *   npm run bench:scale                       (BENCH_SCALE_N=100 turns per command and size)
 */
import { randomUUID } from 'node:crypto';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import { referralNumber, type Referral, type ReferralState } from '../src/domain/referral.js';
import { makeUser, message, personalConversationId, TENANT, type TeamsUser } from '../test/support/activities.js';
import { makeFullReferral } from '../test/support/factories.js';
import { FakeConnector } from '../test/support/fakeConnector.js';
import { startBot, type BotInstance } from '../test/support/harness.js';

const N = Number(process.env.BENCH_SCALE_N ?? 100);
const WARMUP = 10;
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '1000,10000').split(',').map(Number);
const STATES: ReferralState[] = ['draft', 'submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'closed'];

function referralOf(smw: { aadObjectId: string; name: string }, caseManager: { aadObjectId: string; name: string } | undefined, state: ReferralState, i: number): Referral {
  const referralId = randomUUID();
  const at = new Date(Date.parse('2026-01-05T08:00:00Z') + i * 60_000).toISOString();
  return makeFullReferral({
    id: referralId,
    referralId,
    number: referralNumber(referralId),
    tenantId: TENANT,
    state,
    smw,
    ...(state === 'draft' ? {} : { routing: { wijkteamId: 'wt-feijenoord', source: 'postcode' as const, district: 'Feijenoord' }, submittedAt: at }),
    ...(caseManager && state !== 'draft' && state !== 'submitted' ? { caseManager, acceptedAt: at } : {}),
    createdAt: at,
    updatedAt: at,
  });
}

async function seed(bot: BotInstance, from: number, to: number): Promise<void> {
  const smws = Array.from({ length: 400 }, (_, k) => ({ aadObjectId: `bench-smw-${k}`, name: `SMW ${k}` }));
  const members = Array.from({ length: 80 }, (_, k) => ({ aadObjectId: `bench-wt-${k}`, name: `Wijkteam ${k}` }));
  let next = from;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < to) {
        const i = next++;
        await bot.schakel.deps.referrals.create(referralOf(smws[i % smws.length]!, members[i % members.length], STATES[i % STATES.length]!, i));
      }
    }),
  );
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Measured {
  p50: number;
  p95: number;
  requests: number;
}

let requests = 0;

async function measure(bot: BotInstance, connector: FakeConnector, user: TeamsUser, text: string, expect: string, turns = N): Promise<Measured> {
  const times: number[] = [];
  let counted = 0;
  for (let i = 0; i < WARMUP + turns; i++) {
    const before = requests;
    const started = performance.now();
    const res = await bot.send(message(user, text, connector.url));
    const ms = performance.now() - started;
    if (res.status !== 200) throw new Error(`${text} answered ${res.status}`);
    if (i >= WARMUP) {
      times.push(ms);
      counted += requests - before;
    }
  }
  // The answer must be the real one: it names the user's own referral.
  const last = JSON.stringify(connector.sent(personalConversationId(user)).at(-1) ?? {});
  if (!last.includes(expect)) throw new Error(`${text} did not answer with ${expect}`);
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p95: pct(times, 95), requests: counted / turns };
}

async function main(): Promise<void> {
  // The embedded store `npm start` uses (the package's server alone checks conditional patches wrongly).
  const cosmos = await startLocalCosmos({ onRequest: () => requests++ });
  const endpoint = cosmos.endpoint;
  const connector = await new FakeConnector().start();
  const bot = await startBot(endpoint, 'bench-scale', { LOG_LEVEL: 'silent', EFFECTS_INTERVAL_MS: '3600000' });
  const user = makeUser('Sanne Smit');
  // The measured user's own cases, the same at every size: 8 open (SMW'er), 4 as casusregisseur, 3 drafts.
  const colleague = { aadObjectId: 'bench-colleague', name: 'Collega' };
  const own: Referral[] = [
    ...Array.from({ length: 8 }, (_, k) => referralOf({ aadObjectId: user.aadObjectId, name: user.name }, colleague, STATES[1 + (k % 5)]!, k)),
    ...Array.from({ length: 4 }, (_, k) => referralOf(colleague, { aadObjectId: user.aadObjectId, name: user.name }, 'accepted', k)),
    ...Array.from({ length: 3 }, (_, k) => referralOf({ aadObjectId: user.aadObjectId, name: user.name }, undefined, 'draft', k)),
  ];
  for (const r of own) await bot.schakel.deps.referrals.create(r);
  // Their timelines, as the app writes them (the first entry creates the referral's timeline document).
  for (const r of own) await bot.schakel.deps.referrals.record(r.referralId, r.smw.aadObjectId, [{ type: 'timeline', entry: r.state === 'draft' ? 'created' : 'submitted' }], new Date(r.createdAt));
  const number = own[0]!.number;
  const draft = own.at(-1)!.number;
  const commands: [string, string][] = [['mijn casussen', number], [`status ${number}`, number], ['concepten', draft]];
  // Warm the process up (JIT, caches) before the first size is measured.
  for (const [text, expect] of commands) await measure(bot, connector, user, text, expect, 30);

  const results: Record<number, Record<string, Measured>> = {};
  let seeded = 0;
  for (const size of SIZES) {
    const started = performance.now();
    await seed(bot, seeded, size);
    process.stdout.write(`seeded ${size - seeded} referrals (to ${size}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    seeded = size;
    results[size] = {};
    for (const [text, expect] of commands) {
      results[size]![text.startsWith('status') ? 'status' : text] = await measure(bot, connector, user, text, expect);
    }
    for (const [k, v] of Object.entries(results[size]!)) process.stdout.write(`  ${String(size).padStart(6)} referrals  ${k.padEnd(13)} p50 ${v.p50.toFixed(1)} ms  p95 ${v.p95.toFixed(1)} ms  ${v.requests.toFixed(1)} database requests per turn\n`);
  }
  const [small, large] = [SIZES[0]!, SIZES.at(-1)!];
  if (small !== large) {
    for (const k of Object.keys(results[small]!)) {
      const a = results[small]![k]!;
      const b = results[large]![k]!;
      process.stdout.write(`${k.padEnd(13)} ratio ${large}/${small}: p50 ${(b.p50 / a.p50).toFixed(2)}, p95 ${(b.p95 / a.p95).toFixed(2)} (aim ≤ 1.5); requests ${a.requests.toFixed(1)} → ${b.requests.toFixed(1)}\n`);
    }
  }
  await bot.stop();
  await connector.stop();
  await cosmos.close();
}

await main();
