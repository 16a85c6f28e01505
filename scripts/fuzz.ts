/**
 * Long fuzz runs against the real bot (local Cosmos, fake Bot Connector), like the fuzz test in
 * `npm test` but as long as you like:
 *
 *   npm run fuzz -- --count 20000 --seed 42 [--parallel 8]
 *
 * Prints the status counts, 5xx cases (first 20), unhandled rejections and heap; exits 1 on any
 * 5xx, rejection or failed health check. The same seed generates the same cases.
 */
import { parseArgs } from 'node:util';
import { fire, fuzzer } from '../test/support/fuzz.js';
import { startHarness } from '../test/support/harness.js';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '20000' }, seed: { type: 'string', default: String(Date.now() % 1e9) }, parallel: { type: 'string', default: '8' } },
});
const count = Number(values.count);
const seed = Number(values.seed);
const parallel = Number(values.parallel);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || !Number.isInteger(parallel) || parallel < 1) {
  process.stderr.write('usage: npm run fuzz -- --count N --seed S [--parallel P]\n');
  process.exit(2);
}

const rejections: string[] = [];
process.on('unhandledRejection', (r) => rejections.push(r instanceof Error ? `${r.name}: ${r.message}` : String(r)));

const h = await startHarness({
  env: { LOG_LEVEL: 'error', CONNECTOR_TIMEOUT_MS: '150', DOOR_USER_REQUESTS_PER_MINUTE: '1000000', DOOR_IP_REQUESTS_PER_MINUTE: '1000000' },
});
const next = fuzzer(seed, h.connector.url);
const statuses = new Map<number, number>();
const fiveXx: string[] = [];
let healthFailures = 0;
let sent = 0;
let peakHeap = 0;
const started = Date.now();
const worker = async () => {
  while (sent < count) {
    const i = ++sent;
    const c = next();
    const status = await fire(h.bot.url, c).catch(() => 0);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if ((status >= 500 || status === 0) && fiveXx.length < 20) fiveXx.push(`${status} ${c.kind} ${c.body.slice(0, 300)}`);
    if (i % 100 === 0) {
      if ((await fetch(`${h.bot.schakel.url}/healthz`).then((r) => r.status, () => 0)) !== 200) healthFailures++;
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    if (i % 2_000 === 0) process.stdout.write(`${i}/${count} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
};
await Promise.all(Array.from({ length: parallel }, worker));
// Bugs show as error-level lines (the user got a polite message): count them by message and error.
const errors = new Map<string, number>();
for (const l of h.bot.logs.lines.filter((l) => l.level >= 50)) {
  const key = `${l.msg} ${JSON.stringify((l as { err?: { name?: string; message?: string } }).err?.message ?? '').slice(0, 120)}`;
  errors.set(key, (errors.get(key) ?? 0) + 1);
}
await h.stop();

process.stdout.write(
  `${JSON.stringify({ seed, count, seconds: (Date.now() - started) / 1000, statuses: Object.fromEntries(statuses), healthFailures, rejections: rejections.length, peakHeapMb: Math.round(peakHeap / 1e6), errorLogs: Object.fromEntries(errors) }, null, 2)}\n`,
);
for (const line of [...fiveXx, ...rejections.slice(0, 20)]) process.stdout.write(`${line}\n`);
process.exit(fiveXx.length > 0 || rejections.length > 0 || healthFailures > 0 ? 1 : 0);
