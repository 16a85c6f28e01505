import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/decision.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { referralNumber } from '../../src/domain/referral.js';
import { ReferralRepository, TIMELINE_LOG_SINCE } from '../../src/store/referrals.js';
import { makeFullReferral } from '../support/factories.js';
import { openTestStore } from '../support/reminderHarness.js';
import { quietLog } from '../support/reminderEngine.js';
import { countCalls } from '../support/spy.js';

/** Entries of one referral are written (and given a time to live) in batches of its partition. */
let cosmos: LocalCosmosServer;
let store: Store;
let referrals: ReferralRepository;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'schakel-referral-entries');
  referrals = new ReferralRepository(store.containers.referrals, quietLog(), store.containers.cases);
});

afterAll(async () => {
  await store.close();
  await cosmos.close();
});

const events = (n: number, prefix: string): DomainEvent[] => Array.from({ length: n }, (_, i) => ({ type: i % 2 ? 'audit' : 'timeline', ...(i % 2 ? { action: `${prefix}.${i}` } : { entry: `${prefix}.${i}` }), detail: { i } }) as DomainEvent);

describe('referral entries', () => {
  it('a referral without a timeline document has no timeline when created since the document exists (no query); an older one is still read from its entries', async () => {
    const id = randomUUID();
    // Timeline entries as documents only, as they were written before the timeline had a document of its own.
    await store.containers.referrals.items.create({ id: `${id}:old`, referralId: id, type: 'timeline', action: 'old.entry', actor: 'a', at: '2026-11-20T10:00:00.000Z' });
    const queries = countCalls(store.containers.referrals.items, 'query');
    try {
      expect(await referrals.latestEntries(id, 'timeline', 3, TIMELINE_LOG_SINCE)).toEqual([]);
      expect(await referrals.entries(id, 'timeline', '2026-12-08T09:00:00.000Z')).toEqual([]);
      expect(queries.count).toBe(0);
      expect((await referrals.latestEntries(id, 'timeline', 3, '2026-11-20T09:00:00.000Z')).map((e) => e.action)).toEqual(['old.entry']);
      expect((await referrals.entries(id, 'timeline')).map((e) => e.action)).toEqual(['old.entry']);
      expect(queries.count).toBe(2);
    } finally {
      queries.restore();
    }
  });

  it('the case cards take the latest timeline entries the referral keeps when they are all that matter; an older referral with fewer is read', async () => {
    const id = randomUUID();
    await store.containers.referrals.items.create({ id: `${id}:old`, referralId: id, type: 'timeline', action: 'old.entry', actor: 'a', at: '2026-11-20T10:00:00.000Z' });
    const base = makeFullReferral({ referralId: id, id, number: referralNumber(id) });
    const kept = [
      { at: '2026-12-08T10:00:00.000Z', action: 'a' },
      { at: '2026-12-08T11:00:00.000Z', action: 'b' },
    ];
    const reads = countCalls(store.containers.referrals.items, 'query');
    try {
      // Created since referrals keep their entries: two kept are all there are, newest first, nothing read.
      expect((await referrals.recentTimelineOf({ ...base, createdAt: '2026-12-08T09:00:00.000Z', recentTimeline: kept })).map((e) => e.action)).toEqual(['b', 'a']);
      expect((await referrals.recentTimelineOf({ ...base, createdAt: '2026-12-08T09:00:00.000Z' })).map((e) => e.action)).toEqual([]);
      // Older, with three kept: those three.
      expect((await referrals.recentTimelineOf({ ...base, createdAt: '2026-11-20T09:00:00.000Z', recentTimeline: [...kept, { at: '2026-12-08T12:00:00.000Z', action: 'c' }] })).map((e) => e.action)).toEqual(['c', 'b', 'a']);
      expect(reads.count).toBe(0);
      // Older, with fewer kept: the entries it had before are read.
      expect((await referrals.recentTimelineOf({ ...base, createdAt: '2026-11-20T09:00:00.000Z', recentTimeline: kept })).map((e) => e.action)).toEqual(['old.entry']);
      expect(reads.count).toBe(1);
    } finally {
      reads.restore();
    }
  });

  it('commits a decision and its entries in one request, all or nothing: a commit on a stale version writes neither', async () => {
    const referralId = randomUUID();
    const r = { ...makeFullReferral({ referralId, id: referralId, number: referralNumber(referralId) }), createdAt: '2026-12-08T09:00:00.000Z' };
    let batches = 0;
    const items = store.containers.referrals.items;
    const batch = items.batch.bind(items);
    items.batch = ((...args: Parameters<typeof batch>) => {
      batches++;
      return batch(...args);
    }) as typeof items.batch;
    try {
      const created = await referrals.commit(r, undefined, 'smw-1', events(3, 'created'), new Date('2026-12-08T09:00:00Z'));
      expect(batches).toBe(1);
      const saved = await referrals.commit({ ...r, version: r.version + 1 }, created, 'smw-1', events(1, 'saved'), new Date('2026-12-08T09:01:00Z'));
      expect(batches).toBe(2);
      // The version read before that commit is stale now: the batch fails as a whole.
      await expect(referrals.commit({ ...r, version: r.version + 5 }, created, 'smw-1', events(2, 'lost'), new Date('2026-12-08T09:02:00Z'))).rejects.toMatchObject({ name: 'ConcurrencyError' });
      // Creating it again (a lost race of two first saves) fails as a whole too.
      await expect(referrals.commit(r, undefined, 'smw-2', events(1, 'twice'), new Date('2026-12-08T09:03:00Z'))).rejects.toMatchObject({ name: 'ConcurrencyError' });
      expect((await referrals.get(r.referralId))?.etag).toBe(saved.etag);
      const all = [...(await referrals.entries(r.referralId, 'audit')), ...(await referrals.entries(r.referralId, 'timeline', r.createdAt))].map((e) => e.action).sort();
      expect(all).toEqual(['created.0', 'created.1', 'created.2', 'saved.0']);
    } finally {
      items.batch = batch;
    }
  });

  it('keeps the latest three timeline entries with the referral, written in the same batch as the entries', async () => {
    const referralId = randomUUID();
    const r = { ...makeFullReferral({ referralId, id: referralId, number: referralNumber(referralId) }), createdAt: '2026-12-08T09:00:00.000Z' };
    const timeline = (n: number, prefix: string): DomainEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'timeline', entry: `${prefix}.${i}`, detail: { i } }));
    const first = await referrals.commit(r, undefined, 'smw-1', [...timeline(2, 'a'), { type: 'audit', action: 'x' }], new Date('2026-12-08T09:00:00Z'));
    expect(first.doc.recentTimeline?.map((e) => e.action)).toEqual(['a.0', 'a.1']);
    const second = await referrals.commit({ ...first.doc, version: 2 }, first, 'smw-1', timeline(2, 'b'), new Date('2026-12-08T09:05:00Z'));
    expect(second.doc.recentTimeline?.map((e) => e.action)).toEqual(['a.1', 'b.0', 'b.1']);
    // As stored, and as the timeline itself says (newest first there).
    expect((await referrals.get(referralId))?.doc.recentTimeline).toEqual(second.doc.recentTimeline);
    expect((await referrals.latestEntries(referralId, 'timeline', 3, r.createdAt)).map((e) => e.action)).toEqual(['b.1', 'b.0', 'a.1']);
  });

  it('records several events at once, each as its own entry', async () => {
    const id = randomUUID();
    await referrals.record(id, 'actor-1', events(5, 'many'), new Date('2026-11-24T10:00:00Z'));
    await referrals.record(id, 'actor-1', events(1, 'one'), new Date('2026-11-24T10:01:00Z'));
    const timeline = await referrals.entries(id, 'timeline');
    const audit = await referrals.entries(id, 'audit');
    expect(timeline.map((e) => e.action).sort()).toEqual(['many.0', 'many.2', 'many.4', 'one.0']);
    expect(audit.map((e) => e.action).sort()).toEqual(['many.1', 'many.3']);
    expect(new Set([...timeline, ...audit].map((e) => e.id)).size).toBe(6);
  });

  it('writes committed entries again without duplicates or failure (a repeated run)', async () => {
    const id = randomUUID();
    const pending = events(3, 'run').map((event, i) => ({ id: `${id}:1:e${i}`, event, actor: 'schakel', at: '2026-11-24T10:00:00.000Z' }));
    await referrals.writeEntries(id, pending);
    await referrals.writeEntries(id, pending);
    await referrals.writeEntries(id, pending.slice(0, 1));
    const all = [...(await referrals.entries(id, 'timeline')), ...(await referrals.entries(id, 'audit'))];
    expect(all.map((e) => e.id).sort()).toEqual(pending.map((p) => p.id).sort());
  });

  it('gives every entry the time to live, also past one batch of 100', async () => {
    const id = randomUUID();
    await referrals.record(id, 'actor-1', events(130, 'ttl'), new Date('2026-11-24T10:00:00Z'));
    expect(await referrals.expireEntries(id, 3600)).toBe(130);
    const { resources } = await store.containers.referrals.items
      .query<{ ttl?: number }>({ query: 'SELECT c.ttl FROM c WHERE c.referralId = @id', parameters: [{ name: '@id', value: id }] }, { partitionKey: id })
      .fetchAll();
    expect(resources).toHaveLength(131); // the 130 entries and the timeline's own document
    expect(resources.every((r) => r.ttl === 3600)).toBe(true);
  });
});

describe("the referral's timeline document", () => {
  it('holds every timeline entry once, in order, beside the entry documents; one written before it existed is taken in', async () => {
    const id = randomUUID();
    // An entry from before the timeline had its own document.
    await store.containers.referrals.items.create({ id: randomUUID(), referralId: id, type: 'timeline', at: '2026-11-24T09:00:00.000Z', actor: 'a', action: 'submitted' });
    await referrals.record(id, 'actor-1', [{ type: 'timeline', entry: 'accepted' }, { type: 'audit', action: 'viewed' }], new Date('2026-11-24T10:00:00Z'));
    const pending = [
      { id: `${id}:3:e0`, event: { type: 'timeline', entry: 'handover.booked' } as DomainEvent, actor: 'schakel', at: '2026-11-24T11:00:00.000Z' },
      { id: `${id}:3:e1`, event: { type: 'timeline', entry: 'handover.parent.invitation.email.outbox' } as DomainEvent, actor: 'schakel', at: '2026-11-24T11:00:00.000Z' },
    ];
    await referrals.writeEntries(id, pending);
    await referrals.writeEntries(id, pending); // a repeat after a crash
    const timeline = await referrals.entries(id, 'timeline');
    expect(timeline.map((e) => e.action)).toEqual(['submitted', 'accepted', 'handover.booked', 'handover.parent.invitation.email.outbox']);
    expect((await referrals.latestEntries(id, 'timeline', 2)).map((e) => e.action)).toEqual(['handover.parent.invitation.email.outbox', 'handover.booked']);
    // The same as the entry documents say (one query), so nothing is lost by reading the document instead.
    const { resources } = await store.containers.referrals.items
      .query<{ action: string }>({ query: 'SELECT c.action FROM c WHERE c.referralId = @id AND c.type = "timeline" ORDER BY c.at', parameters: [{ name: '@id', value: id }] }, { partitionKey: id })
      .fetchAll();
    expect(resources.map((r) => r.action).sort()).toEqual(timeline.map((e) => e.action).sort());
    expect((await referrals.entries(id, 'audit')).map((e) => e.action)).toEqual(['viewed']);
  });
});

describe("a person's case list", () => {
  const referralFor = (smw: string, caseManager?: string) => {
    const referralId = randomUUID();
    return makeFullReferral({ id: referralId, referralId, number: referralNumber(referralId), state: caseManager ? 'accepted' : 'submitted', smw: { aadObjectId: smw, name: 'S' }, ...(caseManager ? { caseManager: { aadObjectId: caseManager, name: 'C' } } : {}) });
  };

  it('lists the referrals of SMW\'er and casusregisseur from one document per person, read with a point read', async () => {
    const smw = `smw-${randomUUID()}`;
    const cm = `cm-${randomUUID()}`;
    const a = await referrals.create(referralFor(smw));
    const b = await referrals.create(referralFor(smw));
    await referrals.save({ ...b.doc, state: 'accepted', caseManager: { aadObjectId: cm, name: 'C' } }, b.etag, b.doc);
    expect((await referrals.listForSmw(smw, ['submitted', 'accepted'])).map((r) => r.referralId).sort()).toEqual([a.doc.referralId, b.doc.referralId].sort());
    expect((await referrals.listForPerson(cm, ['accepted'])).map((r) => r.referralId)).toEqual([b.doc.referralId]);
    const { resource } = await store.containers.cases.item('referrals', `person:${smw}`).read();
    expect(resource.referralIds.sort()).toEqual([a.doc.referralId, b.doc.referralId].sort());
  });

  it("adds to a person's list with one conditional append: a repeat adds nothing, ten at once are all kept", async () => {
    const smw = `smw-${randomUUID()}`;
    const first = await referrals.create(referralFor(smw));
    // The same referral saved again by someone new to it: the SMW'er's list is not touched twice.
    await referrals.save({ ...first.doc, state: 'accepted', caseManager: { aadObjectId: `cm-${randomUUID()}`, name: 'C' } }, first.etag, { ...first.doc, smw: { aadObjectId: 'nobody', name: 'N' } });
    const many = await Promise.all(Array.from({ length: 10 }, () => referrals.create(referralFor(smw))));
    const { resource } = await store.containers.cases.item('referrals', `person:${smw}`).read();
    expect(resource.referralIds).toHaveLength(11);
    expect(new Set(resource.referralIds)).toEqual(new Set([first.doc.referralId, ...many.map((m) => m.doc.referralId)]));
  });

  it('takes in the earlier one-document-per-referral index: read without a list, and kept when the list is first written', async () => {
    const smw = `smw-${randomUUID()}`;
    const old = await referrals.create(referralFor(`other-${randomUUID()}`));
    const mine = { ...old.doc, smw: { aadObjectId: smw, name: 'S' } };
    await store.containers.referrals.item(old.doc.referralId, old.doc.referralId).replace(mine);
    await store.containers.cases.items.upsert({ id: old.doc.referralId, key: `person:${smw}`, referralId: old.doc.referralId });
    expect((await referrals.listForSmw(smw, ['submitted'])).map((r) => r.referralId)).toEqual([old.doc.referralId]);
    const fresh = await referrals.create(referralFor(smw));
    expect((await referrals.listForSmw(smw, ['submitted'])).map((r) => r.referralId).sort()).toEqual([old.doc.referralId, fresh.doc.referralId].sort());
  });

  it('without any document of the earlier index (looked for once, at start), a first list and a person without one need no query', async () => {
    const fresh = await openTestStore(cosmos.endpoint, `schakel-older-index-${randomUUID().slice(0, 8)}`);
    try {
      const repo = new ReferralRepository(fresh.containers.referrals, quietLog(), fresh.containers.cases);
      expect(await repo.lookForOlderIndex()).toBe(false);
      const queries = countCalls(fresh.containers.cases.items, 'query');
      const smw = `smw-${randomUUID()}`;
      try {
        expect(await repo.listForSmw(smw, ['submitted'])).toEqual([]);
        const first = await repo.create(referralFor(smw));
        expect((await repo.listForSmw(smw, ['submitted'])).map((r) => r.referralId)).toEqual([first.doc.referralId]);
        expect(queries.count).toBe(0);
      } finally {
        queries.restore();
      }
      // A document of the earlier index: a repository started now looks there again.
      const other = `smw-${randomUUID()}`;
      const old = await repo.create(referralFor(other));
      await fresh.containers.cases.items.upsert({ id: old.doc.referralId, key: `person:${smw}-old`, referralId: old.doc.referralId });
      const again = new ReferralRepository(fresh.containers.referrals, quietLog(), fresh.containers.cases);
      expect(await again.lookForOlderIndex()).toBe(true);
      await fresh.containers.referrals.item(old.doc.referralId, old.doc.referralId).replace({ ...old.doc, smw: { aadObjectId: `${smw}-old`, name: 'S' } });
      expect((await again.listForSmw(`${smw}-old`, ['submitted'])).map((r) => r.referralId)).toEqual([old.doc.referralId]);
    } finally {
      await fresh.close();
    }
  });

  it("closed cases are marked once their closing is saved: listing open cases no longer reads them, listing closed ones still does", async () => {
    const smw = `smw-${randomUUID()}`;
    const cm = `cm-${randomUUID()}`;
    const open = await referrals.create(referralFor(smw));
    const ending = await referrals.create(referralFor(smw));
    const accepted = await referrals.save({ ...ending.doc, state: 'accepted', caseManager: { aadObjectId: cm, name: 'C' } }, ending.etag, ending.doc);
    await referrals.save({ ...accepted.doc, state: 'closed' }, accepted.etag, accepted.doc);
    for (const person of [smw, cm]) {
      const { resource } = await store.containers.cases.item('referrals', `person:${person}`).read();
      expect(resource.ended).toEqual([ending.doc.referralId]);
    }
    // Listing open cases reads only the open one: the closed referral's document is not even asked for.
    const reads: string[] = [];
    const get = referrals.get.bind(referrals);
    referrals.get = async (id: string) => {
      reads.push(id);
      return get(id);
    };
    try {
      expect((await referrals.listForSmw(smw, ['submitted', 'accepted'])).map((r) => r.referralId)).toEqual([open.doc.referralId]);
      expect(reads).toEqual([open.doc.referralId]);
      expect(await referrals.listForPerson(cm, ['accepted'])).toEqual([]);
      expect((await referrals.listForPerson(cm, ['closed'])).map((r) => r.referralId)).toEqual([ending.doc.referralId]);
    } finally {
      referrals.get = get;
    }
  });
});
