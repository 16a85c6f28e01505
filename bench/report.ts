/**
 * Report benchmark: the coordinator's report for a year of N referrals (default 5,000) spread
 * over 150 schools and 43 wijkteams. The registration aggregates are seeded directly (the end
 * state the counting produces); then the report is built as `rapportage` and its downloads do:
 * one single-partition query of the year's cells, the figures, two charts and two CSV files.
 * Prints time and Cosmos HTTP requests; asserts nothing.
 *
 *   npm run bench:report
 *   BENCH_REFERRALS=20000 npm run bench:report
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_SERVICE_NORMS } from '../src/domain/serviceNorms.js';
import { normCounter as counter } from '../src/domain/registration.js';
import { createLogger } from '../src/log.js';
import { overviewChart, tableCsv, xtraChart, xtraCsv, loadYearReport, type ReportSources } from '../src/report/yearReport.js';
import { openStore } from '../src/store/cosmos.js';
import { EvaluationRepository } from '../src/store/evaluation.js';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import { cellId, RegistrationRepository } from '../src/store/registration.js';
import { CosmosFaultProxy } from '../test/support/cosmosFaultProxy.js';

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 5_000);
const SCHOOLS = 150;
const WIJKTEAMS = 43;
const YEAR = '2026';

let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = (n: number) => Math.floor(random() * n);

const cosmos = await startLocalCosmos();
const proxy = new CosmosFaultProxy(cosmos.endpoint, 0);
await proxy.start();
const store = await openStore({ endpoint: proxy.url, database: 'bench-report' }, createLogger('silent'));
const registration = new RegistrationRepository(store.containers.registration);

// Each school sends to a few wijkteams (where its pupils live).
const homeTeams = Array.from({ length: SCHOOLS }, () => Array.from({ length: 1 + pick(6) }, () => `wt-${pick(WIJKTEAMS)}`));
const cells = new Map<string, { period: string; month: string; school: string; wijkteamId: string; counts: Record<string, number> }>();
const bump = (school: number, team: string, month: string, counts: Record<string, number>) => {
  const key = `${school}|${team}|${month}`;
  const cell = cells.get(key) ?? { period: YEAR, month, school: `Basisschool ${String(school).padStart(3, '0')}`, wijkteamId: team, counts: {} };
  for (const [k, v] of Object.entries(counts)) cell.counts[k] = (cell.counts[k] ?? 0) + v;
  cells.set(key, cell);
};
const norm = (id: string, days: number, limit: number) => ({ [counter(id, days <= limit ? 'met' : 'missed')]: 1, [counter(id, 'daysSum')]: days, [counter(id, 'daysCount')]: 1 });
for (let i = 0; i < REFERRALS; i++) {
  const school = Math.floor(SCHOOLS * random() ** 2); // a few schools with a high caseload
  const teams = homeTeams[school]!;
  const team = teams[pick(teams.length)]!;
  const month = `${YEAR}-${String(1 + pick(12)).padStart(2, '0')}`;
  bump(school, team, month, { sent: 1 });
  const r = random();
  if (r < 0.08) bump(school, team, month, { declined: 1 });
  else if (r < 0.15) bump(school, team, month, { redirected: 1 });
  else {
    bump(school, team, month, { accepted: 1, ...norm('accept', 1 + pick(8), 5) });
    if (random() < 0.8) bump(school, team, month, { ...norm('handover', 2 + pick(12), 10), ...norm('agreements', 1 + pick(7), 5) });
    if (random() < 0.6) bump(school, team, month, { closed: 1 });
  }
}

const seedStart = performance.now();
const docs = [...cells.values()];
for (let i = 0; i < docs.length; i += 32) {
  await Promise.all(docs.slice(i, i + 32).map((c) => store.containers.registration.items.upsert({ id: cellId(c), type: 'cell', applied: [], ...c })));
}
console.log(`seeded ${docs.length} cells for ${REFERRALS} referrals in ${Math.round(performance.now() - seedStart)} ms`);

const src: ReportSources = {
  registration,
  evaluations: new EvaluationRepository(store.containers.registration),
  norms: DEFAULT_SERVICE_NORMS,
  minCell: 5,
  xtra: { minCaseload: 60, minWijkteams: 3 },
  wijkteamName: async () => (id: string) => id,
};

async function measure<T>(label: string, work: () => Promise<T>): Promise<T> {
  const before = proxy.stats.forwarded;
  const start = performance.now();
  const result = await work();
  console.log(`${label.padEnd(34)} ${String(Math.round(performance.now() - start)).padStart(6)} ms  ${String(proxy.stats.forwarded - before).padStart(4)} Cosmos requests`);
  return result;
}

for (const run of [1, 2]) {
  console.log(`-- run ${run}`);
  const total = performance.now();
  const before = proxy.stats.forwarded;
  const report = await measure('figures (query + fold)', () => loadYearReport(src, YEAR));
  await measure('chart: per month (PNG)', () => overviewChart(report, 5));
  await measure('chart: SMW-XTRA (PNG)', () => xtraChart(report, 5));
  await measure('CSV: school × wijkteam', async () => tableCsv(report, DEFAULT_SERVICE_NORMS, 5, (id) => id));
  await measure('CSV: SMW-XTRA', async () => xtraCsv(report, 5));
  console.log(`total ${Math.round(performance.now() - total)} ms, ${proxy.stats.forwarded - before} Cosmos requests; ${report.table.length} school × wijkteam rows, ${report.xtra.filter((x) => x.candidate).length} SMW-XTRA candidates`);
}

await store.close();
await proxy.stop();
await cosmos.close();
