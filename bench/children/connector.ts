/**
 * The fake Bot Connector of the tests in its own process, enforcing Teams' limits (per
 * conversation and ~50/s per tenant) with 429 + Retry-After, for `bench/reminders.ts --separate`.
 * Prints `ready <url>`; answers lines on stdin: `count` → `count <deliveries>`, `report` →
 * `report <json>` (deliveries per conversation|reminder, 429 counters, request times). Exits
 * when stdin closes.
 */
import { createInterface } from 'node:readline';
import { FakeConnector, countDeliveries, teamsRateLimitPolicy, type RateLimitStats } from '../../test/support/fakeConnector.js';

const connector = await new FakeConnector().start();
const stats: RateLimitStats = { throttled: 0, earlyAfterRetryAfter: 0, tenantThrottled: 0 };
connector.policy = teamsRateLimitPolicy(undefined, stats);
process.stdout.write(`ready ${connector.url}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'count') process.stdout.write(`count ${countDeliveries(connector.calls).size}\n`);
  if (line === 'report') {
    const report = { counts: [...countDeliveries(connector.calls)], stats, times: connector.calls.map((c) => c.at), calls: connector.calls.length };
    process.stdout.write(`report ${JSON.stringify(report)}\n`);
  }
});
lines.on('close', () => void connector.stop().finally(() => process.exit(0)));
