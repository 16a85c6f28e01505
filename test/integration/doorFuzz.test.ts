import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fire, fuzzer } from '../support/fuzz.js';
import { startHarness, type Harness } from '../support/harness.js';

const SEED = 20261123;
const COUNT = 2_000;
const PARALLEL = 8;

let h: Harness;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  // A short connector deadline: some cases point at a dead loopback port, which anonymous mode trusts.
  h = await startHarness({ env: { LOG_LEVEL: 'warn', CONNECTOR_TIMEOUT_MS: '150' } });
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await h?.stop();
});

describe('seeded fuzz of the door', () => {
  it(`${COUNT} mutated activities and card payloads: no 5xx, no crash, no unhandled rejection, heap bounded, health answering`, async () => {
    const next = fuzzer(SEED, h.connector.url);
    const statuses = new Map<number, number>();
    const fiveXx: string[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    let healthFailures = 0;
    let sent = 0;
    const worker = async () => {
      while (sent < COUNT) {
        const i = ++sent;
        const c = next();
        const status = await fire(h.bot.url, c);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500 && fiveXx.length < 10) fiveXx.push(`${status} ${c.kind} ${c.body.slice(0, 300)}`);
        if (i % 100 === 0 && (await fetch(`${h.bot.schakel.url}/healthz`)).status !== 200) healthFailures++;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    console.log('fuzz statuses', Object.fromEntries(statuses));
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    expect(fiveXx).toEqual([]);
    expect(healthFailures).toBe(0);
    expect(rejections).toEqual([]);
    expect((await fetch(`${h.bot.schakel.url}/healthz`)).status).toBe(200);
    expect(heapGrowthMb).toBeLessThan(300);
    // Bugs surface as error-level lines: only the dead connector port the cases point at may cause them.
    const bugs = h.bot.logs.lines.filter((l) => l.level >= 50 && !/aborted/i.test(String((l as { err?: { message?: string } }).err?.message)));
    expect(bugs.map((l) => `${l.msg}: ${String((l as { err?: { message?: string } }).err?.message)}`)).toEqual([]);
    // Mostly refused at the door, but a fair share must reach the handlers to mean anything.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(COUNT / 5);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(COUNT / 10);
  }, 60_000);
});
