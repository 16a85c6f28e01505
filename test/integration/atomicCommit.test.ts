import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { isOpen } from '../../src/domain/effects.js';
import type { Referral } from '../../src/domain/referral.js';
import { createLogger } from '../../src/log.js';
import { openStore, type Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { cardAction, installationUpdate, makeUser } from '../support/activities.js';
import { action } from '../support/cards.js';
import { CosmosFaultProxy } from '../support/cosmosFaultProxy.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { startBot, type BotInstance, type Harness } from '../support/harness.js';
import { feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../support/referralFlow.js';

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const DATABASE = 'schakel-atomic';
const SUBMITS = 16;

let cosmos: LocalCosmosServer;
let proxy: CosmosFaultProxy;
let connector: FakeConnector;
let bot: BotInstance;
let direct: Store;
const harness = () => ({ connector, bot }) as unknown as Harness;
const { fillAll } = referralFlow(harness);

/** A repeatable sequence, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  proxy = await new CosmosFaultProxy(cosmos.endpoint, 0, seeded(9)).start();
  connector = await new FakeConnector().start();
  // Only the bot goes through the proxy; the test reads the truth directly.
  bot = await startBot(proxy.url, DATABASE, { COORDINATOR_AAD_IDS: coordinator.aadObjectId, EFFECTS_INTERVAL_MS: '60000', EFFECTS_RETRY_BASE_MS: '50', EFFECTS_LEASE_MS: '500' });
  direct = await openStore({ endpoint: cosmos.endpoint, database: DATABASE }, createLogger('silent'));
  connector.rosters.set(feijenoord.id, []);
  await linkWijkteams(harness(), coordinator);
  await bot.send(installationUpdate(smw, connector.url));
});

afterAll(async () => {
  await bot?.stop();
  await direct?.close();
  await proxy?.stop();
  await connector?.stop();
  await cosmos?.close();
});

describe('the submit commit is all or nothing', () => {
  it('with half of all database writes failing (refused, or done but unanswered), every referral is either a clean draft or submitted with its entries and effects', async () => {
    const reviews = [];
    for (let i = 0; i < SUBMITS; i++) reviews.push(await fillAll(smw));
    proxy.failRate = 0.5;
    const answers = [];
    for (const review of reviews) answers.push((await bot.send(cardAction(smw, VERBS.submit, action(review, VERBS.submit).data, connector.url))).status);
    await bot.schakel.effects.idle();
    proxy.failRate = 0;
    const faults = proxy.stats.rejected + proxy.stats.dropped;
    expect(proxy.stats.rejected).toBeGreaterThan(0);
    expect(proxy.stats.dropped).toBeGreaterThan(0);

    // The loop picks up what failed on the way: marks without a commit, effects not yet carried out.
    for (let pass = 0; pass < 40 && (await marks()) > 0; pass++) {
      await bot.schakel.effects.tick();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await marks()).toBe(0);

    const ids = reviews.map((r) => String(action(r, VERBS.submit).data.referralId));
    let committed = 0;
    let repeats = 0;
    for (const id of ids) {
      const { resource: referral } = await direct.containers.referrals.item(id, id).read<Referral>();
      if (!referral) throw new Error('draft lost');
      const timeline = (await bot.schakel.deps.referrals.entries(id, 'timeline')).map((e) => e.action);
      const posts = connector.calls.filter((c) => c.method === 'POST' && c.conversationId === feijenoordChannel && c.status < 300 && JSON.stringify(c.body).includes(referral.number));
      if (referral.state === 'submitted') {
        committed++;
        // State, entries and effects went together: the runner wrote the entries and carried out every effect.
        expect(referral.outbox?.effects.map((e) => e.kind)).toEqual(expect.arrayContaining(['postIntakeCard', 'planReminders']));
        expect(referral.outbox?.effects.filter(isOpen)).toEqual([]);
        expect(timeline).toContain('submitted');
        expect(referral.intakePost).toBeDefined();
        expect(posts.length).toBeGreaterThanOrEqual(1);
        repeats += posts.length - 1;
      } else {
        // Nothing of it: no effect, no entry, no post.
        expect(referral.state).toBe('draft');
        expect(referral.outbox).toBeUndefined();
        expect(timeline).toEqual([]);
        expect(posts.length).toBe(0);
      }
    }
    console.log(`atomic commit: ${SUBMITS} submits, ${faults} injected write faults (${proxy.stats.rejected} refused, ${proxy.stats.dropped} unanswered), ${committed} committed, ${repeats} repeated posts, HTTP ${answers.join(',')}`);
    // Teams has no idempotency key: a post is repeated only when recording it failed every time (like a crash in flight).
    expect(repeats).toBeLessThanOrEqual(proxy.stats.rejected + proxy.stats.dropped);
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(SUBMITS);
  }, 90_000);
});

async function marks(): Promise<number> {
  const { resources } = await direct.containers.effects.items.query('SELECT c.id FROM c').fetchAll();
  return resources.length;
}
