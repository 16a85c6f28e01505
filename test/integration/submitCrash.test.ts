import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import type { Referral } from '../../src/domain/referral.js';
import { isOpen } from '../../src/domain/effects.js';
import type { Store } from '../../src/store/cosmos.js';
import { cardAction, installationUpdate, makeUser } from '../support/activities.js';
import { action } from '../support/cards.js';
import { exited, openMarks as marksLeft, sleep, startCrashRig, type Child, type CrashChildren, type CrashRig } from '../support/crashChild.js';
import type { FakeConnector } from '../support/fakeConnector.js';
import type { Harness } from '../support/harness.js';
import { feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../support/referralFlow.js';

const KILLS = 10;
const PER_RUN = 3;
const DATABASE = 'schakel-crash';

const coordinator = makeUser('Coördinator Servicepunt');
const smws = Array.from({ length: PER_RUN }, (_, i) => makeUser(`SMW ${i}`));
let connector: FakeConnector;
let store: Store;
let children: CrashChildren;

/** The test drives a child through the same helpers as the in-process harness. */
let current: Child;
const asHarness = () => ({ connector, bot: { send: (a: object) => current.send(a) } }) as unknown as Harness;
const { fillAll } = referralFlow(asHarness);

let rig: CrashRig;
beforeAll(async () => {
  rig = await startCrashRig(DATABASE, coordinator.aadObjectId);
  ({ connector, store, children } = rig);
});
afterAll(async () => rig?.close());

async function referrals(): Promise<Referral[]> {
  const { resources } = await store.containers.referrals.items.query<Referral>('SELECT * FROM c WHERE c.type = "referral"').fetchAll();
  return resources;
}

const openMarks = () => marksLeft(store);

/** Successful intake posts per referral number, and card updates per clicked card. */
function deliveries(): { posts: Map<string, number>; updates: Map<string, number> } {
  const posts = new Map<string, number>();
  const updates = new Map<string, number>();
  for (const c of connector.calls) {
    if (c.status >= 300) continue;
    if (c.method === 'POST' && c.conversationId === feijenoordChannel) {
      const number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(c.body))?.[0] ?? '?';
      posts.set(number, (posts.get(number) ?? 0) + 1);
    }
    if (c.method === 'PUT' && c.activityId?.startsWith('card-')) updates.set(c.activityId, (updates.get(c.activityId) ?? 0) + 1);
  }
  return { posts, updates };
}

describe('crash safety of submit', () => {
  it(`${KILLS} SIGKILLs during submits: every committed effect is carried out, repeats only what was in flight, nothing half-done`, async () => {
    let standby = children.start();
    current = await standby;
    connector.rosters.set(feijenoord.id, []);
    await linkWijkteams(asHarness(), coordinator);
    for (const smw of smws) await current.send(installationUpdate(smw, connector.url));

    let kills = 0;
    let clicked = 0;
    for (let run = 0; run < KILLS; run++) {
      const reviews = [];
      for (const smw of smws) reviews.push({ smw, review: await fillAll(smw) });
      standby = children.start();
      // All submits at once, each with its own card id; the kill lands somewhere in commit, post or card update.
      const submits = reviews.map(({ smw, review }, i) =>
        current.send(cardAction(smw, VERBS.submit, action(review, VERBS.submit).data, connector.url, { replyToId: `card-${run}-${i}` })).catch(() => undefined),
      );
      clicked += submits.length;
      const calls = connector.calls.length;
      if (run % 2 === 0) await sleep(Math.random() * 120);
      // Every other run dies while the runner sends: after the first channel post of this run.
      else await connector.waitFor((c) => c.slice(calls).some((x) => x.conversationId === feijenoordChannel), 10_000).then(() => sleep(Math.random() * 40), () => undefined);
      current.process.kill('SIGKILL');
      await exited(current.process);
      await Promise.all(submits);
      kills++;
      current = await standby;
    }

    // The last instance finishes what the killed ones committed.
    const until = Date.now() + 30_000;
    while ((await openMarks()) > 0 && Date.now() < until) await sleep(100);
    await sleep(300);

    const all = await referrals();
    const submitted = all.filter((r) => r.state === 'submitted');
    const drafts = all.filter((r) => r.state === 'draft');
    expect(submitted.length + drafts.length).toBe(all.length);
    expect(all.length).toBe(clicked);
    expect(submitted.length).toBeGreaterThan(0);
    const { posts, updates } = deliveries();
    const inFlightBound = kills * PER_RUN; // at most one send per referral in flight per kill
    let repeats = 0;
    for (const r of submitted) {
      // Committed: every effect carried out, the post recorded, the entries written.
      expect(r.outbox?.effects.filter(isOpen) ?? []).toEqual([]);
      expect(r.outbox?.entries ?? []).toEqual([]);
      expect(r.intakePost?.activityId).toBeTruthy();
      expect(posts.get(r.number) ?? 0).toBeGreaterThanOrEqual(1);
      repeats += (posts.get(r.number) ?? 1) - 1;
      const card = r.outbox?.effects.find((e) => e.kind === 'postIntakeCard');
      const cardId = card?.kind === 'postIntakeCard' ? card.smwCardActivityId : undefined;
      expect(updates.get(cardId ?? '') ?? 0).toBeGreaterThanOrEqual(1);
      repeats += (updates.get(cardId ?? '') ?? 1) - 1;
    }
    // Not committed: a draft with nothing to carry out and nothing posted.
    for (const r of drafts) {
      expect(r.outbox).toBeUndefined();
      expect(posts.has(r.number)).toBe(false);
    }
    expect(repeats).toBeLessThanOrEqual(inFlightBound);
    expect(await openMarks()).toBe(0);
    console.log(`submit crash: ${kills} kills, ${clicked} submits, ${submitted.length} committed, ${drafts.length} not committed, ${repeats} repeated sends`);

    current.process.kill('SIGTERM');
    await exited(current.process);
  }, 180_000);
});
