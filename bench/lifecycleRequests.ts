/**
 * Database requests per user action of a referral's first steps, counted at the database server:
 * aanmelden, each of the five sections, the submit (the click and the effects after it), the
 * take-on, and the `mijn casussen` and `status` commands after it. Every query without a partition
 * key is flagged. Prints, asserts nothing.
 *   npx tsx bench/lifecycleRequests.ts        (TRACE=1 lists every request)
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { VERBS } from '../cards/verbs.js';
import { cardAction, installationUpdate, makeUser, message } from '../test/support/activities.js';
import { action, invokeCard } from '../test/support/cards.js';
import { FORM } from '../test/support/factories.js';
import { FakeConnector } from '../test/support/fakeConnector.js';
import { startBot, type Harness } from '../test/support/harness.js';
import { channelConversation, feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../test/support/referralFlow.js';

function kindOf(req: IncomingMessage): string {
  const h = req.headers;
  if (h['x-ms-cosmos-is-query-plan-request']) return 'query plan';
  if (h['x-ms-documentdb-isquery'] === 'True' || h['x-ms-documentdb-query'] === 'True' || String(h['content-type']).includes('query+json')) {
    return h['x-ms-documentdb-partitionkey'] ? 'query (one partition)' : 'CROSS-PARTITION query';
  }
  if (req.method === 'GET') return 'point read';
  if (req.method === 'POST') return 'create/upsert';
  if (req.method === 'PUT') return 'replace';
  return req.method?.toLowerCase() ?? '?';
}

async function main(): Promise<void> {
  const cosmos = createHttpServer();
  let counting = false;
  const counts = new Map<string, number>();
  const cross: string[] = [];
  cosmos.on('request', (req: IncomingMessage) => {
    if (!counting) return;
    const kind = kindOf(req);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (kind.startsWith('CROSS')) cross.push(decodeURIComponent(req.url ?? ''));
    if (process.env.TRACE) process.stdout.write(`  ${kind} ${req.method} ${decodeURIComponent(req.url ?? '')}\n`);
  });
  await new Promise<void>((r) => cosmos.listen(0, '127.0.0.1', () => r()));
  const endpoint = `http://127.0.0.1:${(cosmos.address() as AddressInfo).port}`;
  const connector = await new FakeConnector().start();
  const coordinator = makeUser('Coördinator');
  const smw = makeUser('Sanne Smit');
  const karim = makeUser('Karim Amrani');
  const bot = await startBot(endpoint, 'bench', { COORDINATOR_AAD_IDS: coordinator.aadObjectId, LOG_LEVEL: 'silent' });
  const h = { bot, connector } as unknown as Harness;
  connector.rosters.set(feijenoord.id, [{ id: karim.id, aadObjectId: karim.aadObjectId, name: karim.name }]);
  await linkWijkteams(h, coordinator);
  await bot.send(installationUpdate(smw, connector.url));
  await bot.send(installationUpdate(karim, connector.url));
  const { openForm, click, postsIn } = referralFlow(() => h);
  const effects = (bot.schakel as { effects?: { idle(): Promise<void> } }).effects;

  const rows: { step: string; total: number; detail: string; cross: number }[] = [];
  async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    await effects?.idle();
    await new Promise((r) => setTimeout(r, 100));
    counts.clear();
    cross.length = 0;
    counting = true;
    const out = await fn();
    await effects?.idle();
    await new Promise((r) => setTimeout(r, 200));
    counting = false;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    rows.push({ step: name, total, detail: [...counts].map(([k, v]) => `${k} ${v}`).join(', '), cross: cross.length });
    return out;
  }

  let card: unknown = await step('aanmelden', () => openForm(smw));
  for (const section of ['pupil', 'parents', 'request', 'safety', 'consent'] as const) {
    card = await step(`section ${section}`, async () => invokeCard(await click(smw, card, VERBS.sectionSave, FORM[section])));
  }
  await step('submit (+ its effects)', () => click(smw, card, VERBS.submit));
  const post = postsIn(feijenoordChannel).at(-1);
  if (post) {
    const cardBody = (post.body.attachments as { content: unknown }[])[0]!.content;
    await step('take-on', () => click(karim, cardBody, VERBS.intakeTakeOn, {}, bot, channelConversation(feijenoordChannel), post.responseId));
    const number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(post.body))?.[0] ?? '';
    await step('mijn casussen', () => bot.send(message(karim, 'mijn casussen', connector.url)));
    await step(`status ${number}`, () => bot.send(message(karim, `status ${number}`, connector.url)));
  }
  const width = Math.max(...rows.map((r) => r.step.length));
  for (const r of rows) process.stdout.write(`${r.step.padEnd(width)}  ${String(r.total).padStart(3)} requests${r.cross ? `  [${r.cross} CROSS-PARTITION]` : ''}  (${r.detail})\n`);
  const sum = rows.reduce((a, r) => a + r.total, 0);
  process.stdout.write(`Total over these steps: ${sum} requests, ${rows.reduce((a, r) => a + r.cross, 0)} cross-partition queries\n`);
  await bot.stop();
  await connector.stop();
  cosmos.close();
}

await main();
