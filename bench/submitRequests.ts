/**
 * Database requests of one aanmelding submit: in the click (until the card answers) and after it
 * (the effect runner: intake post, reminders, the SMW'er's card), by kind. Prints, asserts nothing.
 *   npx tsx bench/submitRequests.ts
 */
import type { IncomingMessage } from 'node:http';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import { VERBS } from '../cards/verbs.js';
import { cardAction, installationUpdate, makeUser } from '../test/support/activities.js';
import { action } from '../test/support/cards.js';
import { FakeConnector } from '../test/support/fakeConnector.js';
import { startBot, type Harness } from '../test/support/harness.js';
import { feijenoord, linkWijkteams, referralFlow } from '../test/support/referralFlow.js';

const ROUNDS = 5;

function kindOf(req: IncomingMessage): string {
  const h = req.headers;
  if (h['x-ms-documentdb-isquery'] === 'True' || h['x-ms-documentdb-query'] === 'True' || String(h['content-type']).includes('query+json')) {
    return h['x-ms-documentdb-partitionkey'] ? 'query (one partition)' : 'query (cross-partition)';
  }
  if (h['x-ms-cosmos-is-query-plan-request']) return 'query plan';
  if (req.method === 'GET') return 'point read';
  if (req.method === 'POST') return 'create/upsert';
  if (req.method === 'PUT') return 'replace';
  return req.method?.toLowerCase() ?? '?';
}

async function main(): Promise<void> {
  let counting = false;
  const counts = new Map<string, number>();
  const cosmos = await startLocalCosmos({
    onRequest: (req: IncomingMessage) => {
      if (counting) counts.set(kindOf(req), (counts.get(kindOf(req)) ?? 0) + 1);
      if (counting && process.env.TRACE) process.stdout.write(`${kindOf(req)} ${req.method} ${decodeURIComponent(req.url ?? "")}\n`);
    },
  });
  const endpoint = cosmos.endpoint;
  const connector = await new FakeConnector().start();
  const coordinator = makeUser('Coördinator');
  const smw = makeUser('Sanne Smit');
  const bot = await startBot(endpoint, 'bench', { COORDINATOR_AAD_IDS: coordinator.aadObjectId, LOG_LEVEL: 'silent' });
  const h = { bot, connector } as unknown as Harness;
  connector.rosters.set(feijenoord.id, []);
  await linkWijkteams(h, coordinator);
  await bot.send(installationUpdate(smw, connector.url));
  const { fillAll } = referralFlow(() => h);
  const effects = (bot.schakel as { effects?: { idle(): Promise<void> } }).effects;
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const click = new Map<string, number>();
  const after = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    const review = await fillAll(smw);
    await new Promise((r) => setTimeout(r, 200));
    counts.clear();
    counting = true;
    await bot.send(cardAction(smw, VERBS.submit, action(review, VERBS.submit).data, connector.url));
    for (const [k, v] of counts) click.set(k, (click.get(k) ?? 0) + v);
    counts.clear();
    await effects?.idle();
    await new Promise((r) => setTimeout(r, 200));
    counting = false;
    for (const [k, v] of counts) after.set(k, (after.get(k) ?? 0) + v);
  }
  const line = (name: string, m: Map<string, number>) =>
    `${name}: ${(total(m) / ROUNDS).toFixed(1)} requests per submit (${[...m].map(([k, v]) => `${k} ${(v / ROUNDS).toFixed(1)}`).join(', ')})`;
  process.stdout.write(`${line('in the click', click)}\n${line('after the click', after)}\n`);
  await bot.stop();
  await connector.stop();
  await cosmos.close();
}

await main();
