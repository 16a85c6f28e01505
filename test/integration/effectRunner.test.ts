import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, type Effect, type EffectRequest } from '../../src/domain/effects.js';
import type { Referral } from '../../src/domain/referral.js';
import { EffectRunner, type CarryOut } from '../../src/effects/runner.js';
import type { Store } from '../../src/store/cosmos.js';
import { EffectIndex } from '../../src/store/effectIndex.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { ReferralRepository } from '../../src/store/referrals.js';
import { makeFullReferral } from '../support/factories.js';
import { openTestStore } from '../support/reminderHarness.js';
import { quietLog } from '../support/reminderEngine.js';

let cosmos: LocalCosmosServer;
let store: Store;
let referrals: ReferralRepository;
let index: EffectIndex;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'effect-runner-test');
  referrals = new ReferralRepository(store.containers.referrals, quietLog(), store.containers.cases);
  index = new EffectIndex(store.containers.effects);
});
afterAll(async () => {
  await store.close();
  await cosmos.close();
});

const at = new Date('2026-12-07T10:00:00Z');

/** A stored referral whose outbox holds `effects`, marked due; saves of it are counted from here. (Redirected: it has no live case cards, so no refresh joins in.) */
async function committedWith(effects: EffectRequest[]): Promise<{ id: string; saves: () => number }> {
  const referralId = randomUUID();
  const base = makeFullReferral({ id: referralId, referralId, state: 'redirected', caseManager: { aadObjectId: 'cm-1', name: 'Karim' } });
  const r: Referral = { ...base, outbox: enqueue(base.outbox, base.referralId, 'smw-1', [], effects, at.toISOString()) };
  await referrals.create(r);
  await index.mark(r.referralId, at.toISOString(), r.outbox!.seq);
  let saves = 0;
  const save = referrals.saveWithEntries.bind(referrals);
  referrals.saveWithEntries = ((...args: Parameters<typeof save>) => {
    if (args[0].referralId === r.referralId) saves++;
    return save(...args);
  }) as typeof referrals.saveWithEntries;
  return { id: r.referralId, saves: () => saves };
}

function runner(carryOut: CarryOut): EffectRunner {
  return new EffectRunner(
    { referrals, index, carryOut, now: () => ({ at, today: '2026-12-07' }), log: quietLog() },
    { owner: 'test', leaseMs: 10_000, intervalMs: 60_000, batchSize: 10, retry: { maxAttempts: 3, baseMs: 1_000, maxMs: 10_000 } },
  );
}

describe('the effect runner', () => {
  it('carries out at most one effect whose repeat would show before its state is committed; harmless ones join its commit', async () => {
    const { id, saves } = await committedWith([
      { kind: 'planReminders', trigger: 'referralAccepted' },
      { kind: 'refreshHandoverCards' },
      { kind: 'notifyPerson', aadObjectId: 'smw-1', messageKey: 'accepted.toSmw', params: {}, referralId: 'x' },
      { kind: 'expireEntries' },
      { kind: 'notifyPerson', aadObjectId: 'cm-1', messageKey: 'accepted.toSmw', params: {}, referralId: 'x' },
    ]);
    const seen: { kind: string; storedDone: string[] }[] = [];
    const run = runner(async (effect: Effect) => {
      // What is stored as done when each effect starts: a second notification starts only once the first is committed.
      const stored = (await referrals.get(id))!.doc.outbox!.effects.filter((e) => e.state.status === 'done').map((e) => e.kind);
      seen.push({ kind: effect.kind, storedDone: stored });
      return { outcome: { ok: true } };
    });
    run.kick(id);
    await run.idle();
    expect(seen.map((s) => s.kind)).toEqual(['planReminders', 'refreshHandoverCards', 'notifyPerson', 'expireEntries', 'notifyPerson']);
    // Nothing waits to be written before the first send (no entries): the harmless ones are repeated with it at worst.
    expect(seen[2]!.storedDone).toEqual([]);
    expect(seen[4]!.storedDone).toEqual(['planReminders', 'refreshHandoverCards', 'notifyPerson', 'expireEntries']);
    // Everything up to the second notification in one commit, that notification in the last: 2 writes for 5 effects.
    expect(saves()).toBe(2);
    const outbox = (await referrals.get(id))!.doc.outbox!;
    expect(outbox.effects.map((e) => e.state.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(outbox.nextAt).toBeUndefined();
  });

  it('a notification that fails is committed as retrying before anything else runs, and the gathered ones before it are kept', async () => {
    const { id } = await committedWith([
      { kind: 'cancelReminders', trigger: 'referralClosed' },
      { kind: 'notifyPerson', aadObjectId: 'smw-1', messageKey: 'accepted.toSmw', params: {}, referralId: 'x' },
    ]);
    const run = runner(async (effect: Effect) => (effect.kind === 'notifyPerson' ? { outcome: { ok: false, retryable: true, reason: 'http500' } } : { outcome: { ok: true } }));
    run.kick(id);
    await run.idle();
    await run.stop();
    const states = (await referrals.get(id))!.doc.outbox!.effects.map((e) => [e.kind, e.state.status]);
    expect(states).toEqual([
      ['cancelReminders', 'done'],
      ['notifyPerson', 'retrying'],
    ]);
  });

  it('a commit that takes the lease with its mark starts its runner from the referral as saved: no claim write, no read; another instance keeps off until the lease runs out', async () => {
    const referralId = randomUUID();
    const base = makeFullReferral({ id: referralId, referralId, state: 'redirected', caseManager: { aadObjectId: 'cm-1', name: 'Karim' } });
    const r: Referral = { ...base, outbox: enqueue(base.outbox, base.referralId, 'smw-1', [], [{ kind: 'notifyPerson', aadObjectId: 'smw-1', messageKey: 'accepted.toSmw', params: {}, referralId: 'x' }], at.toISOString()) };
    await index.mark(referralId, at.toISOString(), r.outbox!.seq, { owner: 'test', until: new Date(at.getTime() + 10_000) });
    const saved = await referrals.create(r);
    // Another instance's loop does not see it while the committing process holds the lease ...
    expect(await index.due(at.toISOString(), 100)).not.toContain(referralId);
    expect(await index.claim(referralId, 'other', at, 10_000)).toBeUndefined();
    // ... and would take it over once the lease ran out (a crash right after the commit).
    expect(await index.due(new Date(at.getTime() + 11_000).toISOString(), 100)).toContain(referralId);

    await index.mark(referralId, at.toISOString(), r.outbox!.seq, { owner: 'test', until: new Date(at.getTime() + 10_000) });
    const reads = { referral: 0 };
    const get = referrals.get.bind(referrals);
    referrals.get = ((id: string) => {
      if (id === referralId) reads.referral++;
      return get(id);
    }) as typeof referrals.get;
    const sent: string[] = [];
    const run = runner(async (effect: Effect) => {
      sent.push(effect.kind);
      return { outcome: { ok: true } };
    });
    try {
      run.kick(referralId, saved);
      await run.idle();
    } finally {
      referrals.get = get;
    }
    expect(sent).toEqual(['notifyPerson']);
    expect(reads.referral).toBe(0);
    expect((await referrals.get(referralId))!.doc.outbox!.effects.map((e) => e.state.status)).toEqual(['done']);
    // Done and nothing else due: the mark is gone.
    expect(await index.due(new Date(at.getTime() + 60_000).toISOString(), 100)).not.toContain(referralId);
  });
});
