/**
 * `npm run bench`: latency of two kinds of turn through the real HTTP server and adapter, in
 * one process with the embedded Cosmos-compatible server and the fake Bot Connector.
 *
 *   a) `help` message: the framework's floor (one conversation-reference point read, one reply
 *      posted to the connector, no other database work);
 *   b) aanmeld card submit: invoke adaptiveCard/action `referral.section.save` with valid data,
 *      each a new draft (point read, create, audit write), answered in the HTTP body.
 *
 * Prints p50/p95/p99, the ratio b/a per percentile and the peak RSS. It never asserts timings;
 * it exits non-zero only when a turn gives a wrong answer.
 *
 * Environment: BENCH_N (300 per kind and phase), BENCH_WARMUP (50), BENCH_CONCURRENCY (8; 1 = sequential only),
 * BENCH_LOG_LEVEL (info: log lines are serialised as in production, then discarded).
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { Writable } from 'node:stream';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { VERBS } from '../cards/verbs.js';
import { startSchakel } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { cardAction, makeUser, message } from '../test/support/activities.js';
import { FakeConnector } from '../test/support/fakeConnector.js';

const N = Number(process.env.BENCH_N ?? 300);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';

const validPupil = {
  firstNames: 'Noa Maria',
  surname: 'de Vries',
  dateOfBirth: '2015-03-14',
  gender: 'meisje',
  postcode: '3072 AB',
  houseNumber: '12a',
  school: 'OBS De Regenboog',
  group: 'groep 6',
  homeLanguages: 'Nederlands, Arabisch',
  interpreterNeeded: 'false',
};

type Turn = () => Promise<void>;

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

interface Result {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  perSecond: number;
}

/** Runs `count` turns with `concurrency` workers; each sample is one HTTP round trip in ms. */
async function measure(turn: Turn, count: number, concurrency: number): Promise<Result> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const t0 = performance.now();
        await turn();
        samples.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = performance.now() - started;
  samples.sort((x, y) => x - y);
  return {
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    mean: samples.reduce((s, x) => s + x, 0) / samples.length,
    perSecond: (count / elapsed) * 1000,
  };
}

const ms = (x: number) => x.toFixed(2).padStart(8);

function report(title: string, a: Result, b: Result): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`  ${'kind'.padEnd(28)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'mean ms'.padStart(9)}${'turns/s'.padStart(9)}\n`);
  for (const [name, r] of [['a) help message', a], ['b) aanmeld card submit', b]] as const) {
    process.stdout.write(`  ${name.padEnd(28)}${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)} ${ms(r.mean)} ${r.perSecond.toFixed(0).padStart(8)}\n`);
  }
  process.stdout.write(`  ${'ratio b/a'.padEnd(28)}${(b.p50 / a.p50).toFixed(2).padStart(8)} ${(b.p95 / a.p95).toFixed(2).padStart(8)} ${(b.p99 / a.p99).toFixed(2).padStart(8)} ${(b.mean / a.mean).toFixed(2).padStart(8)}\n`);
}

async function main(): Promise<void> {
  const connector = await new FakeConnector().start();
  const discard = new Writable({ write: (_chunk, _enc, done) => done() });
  // The embedded Cosmos-compatible server, started here (as `npm start` does) so its requests can be counted.
  const cosmos = createHttpServer();
  let dbRequests = 0;
  cosmos.on('request', () => dbRequests++);
  await new Promise<void>((r) => cosmos.listen(0, '127.0.0.1', () => r()));
  const cosmosEndpoint = `http://127.0.0.1:${(cosmos.address() as AddressInfo).port}`;
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL, SHUTDOWN_GRACE_MS: '2000', COSMOS_ENDPOINT: cosmosEndpoint });
  const schakel = await startSchakel(config, createLogger(config.logLevel, discard));
  const endpoint = `${schakel.url}/api/messages`;
  const smw = makeUser('Sanne Smit');
  let failures = 0;

  const post = async (activity: object) => {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    return { status: res.status, body: await res.text() };
  };
  const help: Turn = async () => {
    const { status } = await post(message(smw, 'help', connector.url));
    if (status !== 200) failures++;
    if (connector.calls.length > 1000) connector.reset(); // keep the recorder's memory flat
  };
  const submit: Turn = async () => {
    const data = { referralId: randomUUID(), version: 0, section: 'pupil', ...validPupil };
    const { status, body } = await post(cardAction(smw, VERBS.sectionSave, data, connector.url));
    if (status !== 200 || !body.includes('Concept opgeslagen')) failures++;
  };

  process.stdout.write(
    `Schakel turn benchmark: ${N} turns per kind and phase after ${WARMUP} warm-up turns each; ` +
      `Node ${process.version}, ${cpus().length} CPUs, log level ${LOG_LEVEL}; bot, embedded Cosmos server and fake connector in one process.\n`,
  );
  /** Database requests and connector calls per turn of one kind, counted over a few turns. */
  const perTurn = async (turn: Turn, count = 20) => {
    const [db0, conn0] = [dbRequests, connector.calls.length];
    for (let i = 0; i < count; i++) await turn();
    return `${((dbRequests - db0) / count).toFixed(1)} database requests, ${((connector.calls.length - conn0) / count).toFixed(1)} connector calls`;
  };
  try {
    await measure(help, WARMUP, 1);
    await measure(submit, WARMUP, 1);
    connector.reset();
    process.stdout.write(`\nPer turn: a) help ${await perTurn(help)}; b) submit ${await perTurn(submit)}\n`);
    const helpSeq = await measure(help, N, 1);
    const submitSeq = await measure(submit, N, 1);
    report('Sequential (one turn at a time)', helpSeq, submitSeq);
    if (CONCURRENCY > 1) {
      const helpPar = await measure(help, N, CONCURRENCY);
      const submitPar = await measure(submit, N, CONCURRENCY);
      report(`Concurrency ${CONCURRENCY}`, helpPar, submitPar);
    }
  } finally {
    await schakel.stop();
    await connector.stop();
    cosmos.closeAllConnections();
    await new Promise<void>((r) => cosmos.close(() => r()));
  }
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`\nPeak RSS of the process: ${maxRssMb.toFixed(0)} MB\n`);
  if (failures > 0) {
    process.stderr.write(`${failures} turn(s) gave a wrong answer: the figures above are not valid.\n`);
    process.exit(1);
  }
}

void main();
