/**
 * `npm run bench`: latency of two kinds of turn through the real HTTP server and adapter, in
 * one process with the embedded Cosmos-compatible server and the fake Bot Connector.
 *
 *   a) `help` message: the framework's floor (one conversation-reference point read, one reply
 *      posted to the connector, no other database work);
 *   b) aanmeld card submit: invoke adaptiveCard/action `referral.section.save` with valid data,
 *      each a new draft (point read, create, audit write), answered in the HTTP body.
 *
 *   c) raw Cosmos: the submit's three database calls when P1 was first defined (point read of a
 *      missing referral, create of a referral document, create of an audit entry) issued with the
 *      bot's own client against the same server, with nothing around them.
 *
 *   d) the requests the submit makes today, issued the same way and in the same order: the
 *      referral read; the person's case list appended to beside the number's document; one
 *      transactional batch with the referral, its timeline document and its audit entry.
 *      Drafts (b and d) come from a pool of 100 people, a few each, so no case list grows without end.
 *
 * Prints p50/p95/p99, the ratio b/a per percentile, and P1 = (p95 submit − p95 help) ÷ p95 raw
 * Cosmos, the cost of a submit beyond the framework's floor relative to its database work.
 *
 * Then, with the bundled bot started as `npm start` does (node with the flags of package.json's
 * start script, dist/main.js, its own process, against the database of this process): the time from
 * spawn to `/readyz` 200 and its peak RSS over 1,000 turns from 50 conversations at once,
 * beside a bare `node` process that only imports the packages the bot requires (time from
 * spawn to imports done, and its peak RSS), started the same way in the same run.
 *
 * It never asserts timings; it exits non-zero only when a turn gives a wrong answer.
 *
 * Environment: BENCH_N (300 per kind and phase), BENCH_WARMUP (50), BENCH_CONCURRENCY (8; 1 = sequential only),
 * BENCH_LOG_LEVEL (info: log lines are serialised as in production, then discarded),
 * BENCH_RSS_TURNS (1000) and BENCH_RSS_CONVERSATIONS (50).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { VERBS } from '../cards/verbs.js';
import { startSchakel } from '../src/app.js';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { cardAction, makeUser, message } from '../test/support/activities.js';
import { FakeConnector } from '../test/support/fakeConnector.js';

const N = Number(process.env.BENCH_N ?? 300);
/**
 * The door's per-user and per-IP budgets (600 and 6,000 a minute) would answer one user's
 * thousands of turns a minute, all from loopback, with 429: this measures the turn, not the door.
 */
const DOOR_OPEN = { DOOR_USER_REQUESTS_PER_MINUTE: '1000000', DOOR_IP_REQUESTS_PER_MINUTE: '1000000' };
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const RSS_TURNS = Number(process.env.BENCH_RSS_TURNS ?? 1_000);
const RSS_CONVERSATIONS = Number(process.env.BENCH_RSS_CONVERSATIONS ?? 50);
/** The Node flags `npm start` gives the bot (its heap limits), read from package.json: both processes get them. */
const NODE_FLAGS = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/).filter((t) => t.startsWith('--'));

/**
 * The packages the bot needs at start (package.json dependencies, less the two it imports only
 * when used: the embedded database server and @azure/identity), each by its main entry point.
 */
const REQUIRED_PACKAGES = [
  '@azure/cosmos',
  '@microsoft/microsoft-graph-client',
  '@microsoft/teams-ai',
  '@touch4it/ical-timezones',
  'adaptivecards-templating',
  'botbuilder',
  'csv-parse',
  'date-holidays',
  'express',
  'ical-generator',
  'luxon',
  'pino',
  'zod',
];

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

function reportP1(title: string, help: Result, submit: Result, raw: Result, rawAll: Result): void {
  process.stdout.write(
    `  ${title}: raw Cosmos (3 calls) p50 ${raw.p50.toFixed(2)} / p95 ${raw.p95.toFixed(2)} ms; ` +
      `P1 = (p95 submit ${submit.p95.toFixed(2)} − p95 help ${help.p95.toFixed(2)}) ÷ p95 raw ${raw.p95.toFixed(2)} = ${((submit.p95 - help.p95) / raw.p95).toFixed(2)}\n` +
      `  ${title}, against the submit's own requests issued raw (d) p50 ${rawAll.p50.toFixed(2)} / p95 ${rawAll.p95.toFixed(2)} ms: ` +
      `(p95 submit − p95 help) ÷ p95 (d) = ${((submit.p95 - help.p95) / rawAll.p95).toFixed(2)}\n`,
  );
}

/** Peak resident set (VmHWM) of a process in MB, from /proc (Linux). */
function peakRssMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The bare floor: a node process (same flags) that imports the required packages and reports. */
async function bareProcess(): Promise<{ readyMs: number; peakMb: number }> {
  const code = `for (const p of ${JSON.stringify(REQUIRED_PACKAGES)}) await import(p); process.stdout.write('imported\\n'); setInterval(() => {}, 1000);`;
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('imported') && resolve());
    child.once('exit', (c) => reject(new Error(`bare import process exited with ${c}`)));
  });
  const readyMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 500)); // as long as the bot idles before its turns start
  const peakMb = peakRssMb(child.pid);
  child.kill();
  return { readyMs, peakMb };
}

/** The compiled bot as `npm start` runs it, against the given database; resolves once /readyz answers 200. */
async function startBuiltBot(cosmosEndpoint: string): Promise<{ child: ChildProcess; url: string; readyMs: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, 'dist/main.js'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', COSMOS_ENDPOINT: cosmosEndpoint, COSMOS_DATABASE: 'schakel-bench-built', ...DOOR_OPEN },
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the built bot exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, url, readyMs: performance.now() - started };
}

async function main(): Promise<void> {
  const connector = await new FakeConnector().start();
  const discard = new Writable({ write: (_chunk, _enc, done) => done() });
  // The embedded Cosmos-compatible server, started here (as `npm start` does) so its requests can be counted.
  let dbRequests = 0;
  const cosmos = await startLocalCosmos({ onRequest: () => dbRequests++ });
  const cosmosEndpoint = cosmos.endpoint;
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL, SHUTDOWN_GRACE_MS: '2000', COSMOS_ENDPOINT: cosmosEndpoint, ...DOOR_OPEN });
  const schakel = await startSchakel(config, createLogger(config.logLevel, discard));
  const endpoint = `${schakel.url}/api/messages`;
  const smw = makeUser('Sanne Smit');
  // Drafts come from a pool of SMW'ers, a few each, as in real use: one person's case list (one
  // document per person, written when they start a draft) does not grow to thousands of ids.
  const pool = Array.from({ length: 100 }, (_, i) => makeUser(`SMW ${i}`));
  let turnNo = 0;
  const nextSmw = () => pool[turnNo++ % pool.length]!;
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
    const { status, body } = await post(cardAction(nextSmw(), VERBS.sectionSave, data, connector.url));
    if (status !== 200 || !body.includes('Concept opgeslagen')) failures++;
  };

  // c) The submit's database work alone: the same client (the bot's), the same server, documents of the same shape.
  const referrals = schakel.store.containers.referrals;
  const cases = schakel.store.containers.cases;
  const rawReferral = (id: string, who: { aadObjectId: string; name: string }) => ({ id, referralId: id, type: 'referral', state: 'draft', number: `AM-${id.slice(0, 6).toUpperCase()}`, version: 1, smw: { aadObjectId: who.aadObjectId, name: who.name }, sections: { pupil: validPupil }, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
  const raw: Turn = async () => {
    const id = randomUUID();
    await referrals.item(id, id).read();
    await referrals.items.create(rawReferral(id, smw));
    await referrals.items.create({ id: randomUUID(), referralId: id, type: 'audit', at: new Date().toISOString(), actor: smw.aadObjectId, action: 'draftSaved', detail: { section: 'pupil' } });
  };
  // d) The same requests the submit makes today, issued raw, in the same order and side by side
  //    where it does so: the referral read; the person's case list appended to (a conditional patch;
  //    a person's first list: an older index looked for, the list created) beside the number's
  //    document; then one transactional batch with the referral, its timeline document and its audit entry.
  const rawPool = Array.from({ length: 100 }, (_, i) => makeUser(`Raw SMW ${i}`));
  let rawNo = 0;
  const rawAll: Turn = async () => {
    const id = randomUUID();
    const who = rawPool[rawNo++ % rawPool.length]!;
    const key = `person:${who.aadObjectId}`;
    await referrals.item(id, id).read();
    const referral = rawReferral(id, who);
    const append = async () => {
      try {
        await cases.item('referrals', key).patch({ condition: `FROM c WHERE NOT ARRAY_CONTAINS(c.referralIds, "${id}")`, operations: [{ op: 'add', path: '/referralIds/-', value: id }] });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
        await cases.items.query({ query: 'SELECT c.referralId FROM c WHERE c.key = @k AND IS_DEFINED(c.referralId)', parameters: [{ name: '@k', value: key }] }, { partitionKey: key }).fetchAll();
        await cases.items.create({ id: 'referrals', key, referralIds: [id] }).catch((e: { code?: number }) => (e.code === 409 ? undefined : Promise.reject(e)));
      }
    };
    await Promise.all([append(), cases.items.upsert({ id: referral.number, key: `number:${referral.number}`, referralId: id })]);
    const at = new Date().toISOString();
    await referrals.items.batch(
      [
        { operationType: 'Create', partitionKey: id, resourceBody: referral },
        { operationType: 'Create', partitionKey: id, resourceBody: { id: 'timeline-log', referralId: id, type: 'timelineLog', entries: {} } },
        { operationType: 'Create', partitionKey: id, resourceBody: { id: randomUUID(), referralId: id, type: 'audit', at, actor: who.aadObjectId, action: 'draftSaved', detail: { section: 'pupil' } } },
      ],
      id,
    );
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
    process.stdout.write(`\nPer turn: a) help ${await perTurn(help)}; b) submit ${await perTurn(submit)}; d) the submit's requests raw ${await perTurn(rawAll)}\n`);
    await measure(raw, WARMUP, 1);
    await measure(rawAll, WARMUP, 1);
    const helpSeq = await measure(help, N, 1);
    const submitSeq = await measure(submit, N, 1);
    const rawSeq = await measure(raw, N, 1);
    const rawAllSeq = await measure(rawAll, N, 1);
    report('Sequential (one turn at a time)', helpSeq, submitSeq);
    reportP1('P1 sequential', helpSeq, submitSeq, rawSeq, rawAllSeq);
    if (CONCURRENCY > 1) {
      const helpPar = await measure(help, N, CONCURRENCY);
      const submitPar = await measure(submit, N, CONCURRENCY);
      const rawPar = await measure(raw, N, CONCURRENCY);
      const rawAllPar = await measure(rawAll, N, CONCURRENCY);
      report(`Concurrency ${CONCURRENCY}`, helpPar, submitPar);
      reportP1(`P1 concurrency ${CONCURRENCY}`, helpPar, submitPar, rawPar, rawAllPar);
    }
  } finally {
    await schakel.stop();
  }
  const inProcessRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`\nPeak RSS of this process (bot, database server and fake connector together): ${inProcessRssMb.toFixed(0)} MB\n`);

  // The process as `npm start` runs it: compiled JavaScript, heap limit, its own process.
  try {
    const build = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
    // Start times swing with the machine's load: bare and bot alternate three times, medians are compared.
    const bares: { readyMs: number; peakMb: number }[] = [];
    const readies: number[] = [];
    let bot = await startBuiltBot(cosmosEndpoint);
    for (let round = 0; round < 3; round++) {
      if (round > 0) {
        bot.child.kill('SIGTERM');
        await new Promise((r) => bot.child.once('exit', r));
        bot = await startBuiltBot(cosmosEndpoint);
      }
      readies.push(bot.readyMs);
      bares.push(await bareProcess());
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const bare = { readyMs: median(bares.map((b) => b.readyMs)), peakMb: median(bares.map((b) => b.peakMb)) };
    const readyMs = median(readies);
    const idleMb = peakRssMb(bot.child.pid);
    const users = Array.from({ length: RSS_CONVERSATIONS }, (_, i) => makeUser(`Collega ${i}`));
    const botEndpoint = `${bot.url}/api/messages`;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      users.map(async (user) => {
        for (let turn = 0; next < RSS_TURNS; turn++) {
          next++;
          const activity =
            turn % 2 === 0
              ? message(user, 'help', connector.url)
              : cardAction(user, VERBS.sectionSave, { referralId: randomUUID(), version: 0, section: 'pupil', ...validPupil }, connector.url);
          const res = await fetch(botEndpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
          await res.text();
          if (res.status !== 200) failures++;
        }
        if (connector.calls.length > 1000) connector.reset();
      }),
    );
    const turnsMs = performance.now() - started;
    const peakMb = peakRssMb(bot.child.pid);
    bot.child.kill('SIGTERM');
    await new Promise((r) => bot.child.once('exit', r));
    process.stdout.write(
      `\nBuilt bot (node ${NODE_FLAGS.join(' ')} dist/main.js) beside a bare node process importing the ${REQUIRED_PACKAGES.length} required packages (same flags):\n` +
        `  ready (spawn → /readyz 200)   median ${readyMs.toFixed(0)} ms (${readies.map((x) => x.toFixed(0)).join(', ')})   bare process import time median ${bare.readyMs.toFixed(0)} ms (${bares.map((b) => b.readyMs.toFixed(0)).join(', ')})   ratio ${(readyMs / bare.readyMs).toFixed(2)}\n` +
        `  peak RSS over ${RSS_TURNS} turns (help and submit alternating) from ${RSS_CONVERSATIONS} conversations at once, in ${(turnsMs / 1000).toFixed(1)} s: ${peakMb.toFixed(0)} MB (idle after start ${idleMb.toFixed(0)} MB)\n` +
        `  bare process peak RSS ${bare.peakMb.toFixed(0)} MB   ratio ${(peakMb / bare.peakMb).toFixed(2)}\n`,
    );
  } finally {
    await connector.stop();
    await cosmos.close();
  }
  process.stdout.write(`\nLoad average (1/5/15 min) at the end: ${loadavg().map((x) => x.toFixed(2)).join(' / ')} on ${cpus().length} CPUs\n`);
  if (failures > 0) {
    process.stderr.write(`${failures} turn(s) gave a wrong answer: the figures above are not valid.\n`);
    process.exit(1);
  }
}

void main();
