import { randomUUID } from 'node:crypto';
import { BulkOperationType, type Container, type JSONObject, type OperationInput } from '@azure/cosmos';
import type { DomainEvent } from '../domain/decision.js';
import type { PendingEntry } from '../domain/effects.js';
import { RECENT_TIMELINE, type RecentTimelineEntry, type Referral, type ReferralState } from '../domain/referral.js';
import type { Logger } from '../log.js';
import { ConcurrencyError, readDoc, replaceDoc, statusOf, stripMeta, type Versioned } from './documents.js';
import { turnReads } from './turnReads.js';

/** An audit or timeline entry, stored in the referral's own partition. */
export interface ReferralEntry {
  id: string;
  referralId: string;
  type: 'audit' | 'timeline';
  at: string;
  /** Entra object id of the person (never a name of a pupil or parent). */
  actor: string;
  action: string;
  detail?: Record<string, string | number | boolean>;
}

/**
 * Case-index documents (container `cases`, pk `/key`), hints written before the referral
 * itself (a reader checks the referral they point to):
 *  - `number:<AM-…>`, id the number: points from a referral number to its id;
 *  - `person:<aad>`, id {@link PERSON_LIST}: every referral the person is or was party to, in one
 *    document, so listing a person's cases is one point read whatever the size of the data.
 *    Earlier data has one document per person and referral (id the referral's id) instead; the
 *    list takes those in when it is first written, and a person without a list is read from them.
 *    Referrals that ended (closed) are marked in `ended` once their closing is saved, so listing
 *    open cases reads only those, however long the person's history (a closed case past its
 *    retention is not read either); erasing a referral takes it out of every list.
 */
/**
 * The referral's timeline in one document of its partition (id {@link TIMELINE_LOG}), written
 * beside the entry documents: `status` and the case cards read it with one point read, whatever
 * the size of the data. Keyed by entry id, so writing an entry again changes nothing.
 */
interface TimelineLogDoc {
  id: typeof TIMELINE_LOG;
  referralId: string;
  type: 'timelineLog';
  entries: Record<string, Pick<ReferralEntry, 'at' | 'actor' | 'action' | 'detail'>>;
}

/** Ids that may be written into a patch condition as they are (referral ids are UUIDs). */
const SAFE_ID = /^[A-Za-z0-9-]{1,64}$/;
const TIMELINE_LOG = 'timeline-log';

/**
 * Referrals created from this moment on have their timeline in its document from the first entry
 * on: without one, they have no timeline yet (or, after a crash between writing entries and
 * logging them, the next entry's logging brings those in), and no query is needed to be sure.
 * Older ones may have entries from before the document existed.
 */
export const TIMELINE_LOG_SINCE = '2026-12-07T12:00:00.000Z';
/**
 * Referrals created since keep their latest timeline entries with them from the start
 * (`Referral.recentTimeline`); an older one's list is complete once it holds three.
 */
export const RECENT_TIMELINE_SINCE = '2026-12-08T00:00:00.000Z';
const hasTimelineLog = (createdAt: string | undefined) => createdAt !== undefined && createdAt >= TIMELINE_LOG_SINCE;
/** A JSON Pointer segment (RFC 6901). */
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const logged = (e: ReferralEntry): TimelineLogDoc['entries'][string] => ({ at: e.at, actor: e.actor, action: e.action, ...(e.detail ? { detail: e.detail } : {}) });

interface CaseIndexDoc {
  id: string;
  key: string;
  referralId: string;
}

interface PersonCasesDoc {
  id: typeof PERSON_LIST;
  key: string;
  referralIds: string[];
  ended?: string[];
}

/** States a referral never leaves: listing other states can skip referrals that reached one. */
const ENDED: ReadonlySet<ReferralState> = new Set(['closed', 'withdrawn']);

const PERSON_LIST = 'referrals';

/** The referral with these timeline entries among its latest (same moment: in the order written). */
function withRecent(referral: Referral, timeline: ReferralEntry[]): Referral {
  const known = referral.recentTimeline ?? [];
  const added = timeline.filter((e) => !known.some((k) => k.at === e.at && k.action === e.action && JSON.stringify(k.detail) === JSON.stringify(e.detail)));
  const all = [...known, ...added.map((e): RecentTimelineEntry => ({ at: e.at, action: e.action, ...(e.detail ? { detail: e.detail } : {}) }))];
  const sorted = all.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i).map(({ e }) => e);
  return { ...referral, recentTimeline: sorted.slice(-RECENT_TIMELINE) };
}

/** The referral has no timeline document yet (created before it had one): the batch is written without it. */
class MissingTimelineLog extends Error {}

/** An entry committed in the outbox, as its document (its id fixed there). */
const pendingDoc = (referralId: string, pending: PendingEntry): ReferralEntry => {
  const { event } = pending;
  return { id: pending.id, referralId, type: event.type, at: pending.at, actor: pending.actor, action: event.type === 'audit' ? event.action : event.entry, detail: event.detail };
};

/** A decision's events as entry documents of the referral's partition. */
const entryDocs = (referralId: string, actor: string, events: DomainEvent[], at: Date): ReferralEntry[] =>
  events.map(
    (event): ReferralEntry => ({
      id: randomUUID(),
      referralId,
      type: event.type,
      at: at.toISOString(),
      actor,
      action: event.type === 'audit' ? event.action : event.entry,
      detail: event.detail,
    }),
  );

const personKey = (aad: string) => `person:${aad}`;
const numberKey = (n: string) => `number:${n.toUpperCase()}`;
const peopleOf = (r: Referral): string[] => [r.smw.aadObjectId, ...(r.caseManager ? [r.caseManager.aadObjectId] : [])];

/** Referrals and their audit/timeline entries (container `referrals`, pk `/referralId`), with the case index. */
export class ReferralRepository {
  /**
   * Whether documents of the earlier one-document-per-referral index may exist: unknown (so
   * looked for, per person) until {@link lookForOlderIndex} found none. Nothing writes them any
   * more, so none found at start means none for as long as this process runs.
   */
  private olderIndex = true;

  constructor(
    private readonly container: Container,
    private readonly log: Logger,
    private readonly cases: Container,
  ) {}

  /** The stored referral with its ETag; within a turn, as that turn last read or wrote it, or found missing (see `turnReads`). */
  async get(referralId: string): Promise<Versioned<Referral> | undefined> {
    return turnReads.get(referralId, async () => {
      const found = await readDoc<Referral>(this.container, referralId, referralId);
      if (!found || found.doc.type !== 'referral') return undefined;
      return { doc: stripMeta(found.doc), etag: found.etag };
    });
  }

  /** Creates the referral with its (empty) timeline document: one transactional batch; ConcurrencyError when it exists. */
  async create(referral: Referral): Promise<Versioned<Referral>> {
    return this.writeWithEntries(referral, undefined, [], BulkOperationType.Create);
  }

  /** Keeps what a turn wrote for its later reads; a failed write (a lost race) is forgotten. */
  private async remembered(referralId: string, write: () => Promise<Versioned<Referral>>): Promise<Versioned<Referral>> {
    try {
      const written = await write();
      turnReads.set(written);
      return written;
    } catch (err) {
      turnReads.forget(referralId);
      throw err;
    }
  }

  /**
   * Replaces only if unchanged since read; throws ConcurrencyError('changed') otherwise. With the
   * stored version (`previous`) only people new to the referral are indexed.
   */
  async save(referral: Referral, etag: string, previous?: Referral): Promise<Versioned<Referral>> {
    await this.index(referral, previous);
    const saved = await this.remembered(referral.referralId, () => replaceDoc(this.container, referral, referral.referralId, etag));
    await this.markEnded(referral, previous);
    return saved;
  }

  /**
   * Commits a decision: the referral (created, or replaced if unchanged since `stored` was read:
   * ConcurrencyError otherwise) together with the decision's audit and timeline entries, in one
   * transactional batch of the referral's partition — all or nothing, one request. The case index
   * is written before, as for {@link save}; the timeline document after (an entry is never lost:
   * it is in the batch; the timeline document is a copy kept for reading).
   */
  async commit(referral: Referral, stored: Versioned<Referral> | undefined, actor: string, events: DomainEvent[], at: Date): Promise<Versioned<Referral>> {
    const docs = entryDocs(referral.referralId, actor, events, at);
    // A batch holds at most 100 operations: a decision with more entries is written as before.
    if ((docs.length === 0 && stored) || docs.length > 98) {
      const timeline = docs.filter((d) => d.type === 'timeline');
      const value = timeline.length > 0 ? withRecent(referral, timeline) : referral;
      const saved = stored ? await this.save(value, stored.etag, stored.doc) : await this.create(value);
      if (docs.length > 0) await this.record(referral.referralId, actor, events, at);
      return saved;
    }
    return this.writeWithEntries(referral, stored, docs, BulkOperationType.Create);
  }

  /**
   * Replaces the referral if unchanged since `stored` was read, together with entries committed
   * earlier in its outbox (their ids fixed there, so writing them again is a no-op): one
   * transactional batch. The effect runner records what it carried out with it.
   */
  async saveWithEntries(referral: Referral, stored: Versioned<Referral>, entries: PendingEntry[]): Promise<Versioned<Referral>> {
    if (entries.length > 98) {
      await this.writeEntries(referral.referralId, entries);
      const timeline = entries.map((e) => pendingDoc(referral.referralId, e)).filter((d) => d.type === 'timeline');
      return this.save(timeline.length > 0 ? withRecent(referral, timeline) : referral, stored.etag, stored.doc);
    }
    return this.writeWithEntries(referral, stored, entries.map((e) => pendingDoc(referral.referralId, e)), BulkOperationType.Upsert);
  }

  private async writeWithEntries(referral: Referral, stored: Versioned<Referral> | undefined, docs: ReferralEntry[], entryOperation: typeof BulkOperationType.Create | typeof BulkOperationType.Upsert): Promise<Versioned<Referral>> {
    const { referralId } = referral;
    await this.index(referral, stored?.doc);
    const timeline = docs.filter((d) => d.type === 'timeline');
    // The latest entries go with the referral, in the same batch as the entries themselves.
    if (timeline.length > 0) referral = withRecent(referral, timeline);
    // A new referral gets its timeline document in the same batch; a stored one's is patched in it
    // (one patch takes 10 changes; more, or an older referral without the document: written after).
    let logInBatch = !stored || (timeline.length > 0 && timeline.length <= 10);
    for (;;) {
      const saved = await this.remembered(referralId, () => this.writeBatch(referral, stored, docs, entryOperation, logInBatch ? timeline : undefined)).catch((err: unknown) => {
        if (err instanceof MissingTimelineLog) return undefined;
        throw err;
      });
      if (!saved) {
        logInBatch = false;
        continue;
      }
      if (!logInBatch) await this.logTimeline(referralId, docs);
      await this.markEnded(referral, stored?.doc);
      for (const entry of docs) this.log.debug({ referralId, action: entry.action, type: entry.type }, 'referral entry written');
      return saved;
    }
  }

  /** One transactional batch: the referral, its entries and (`timeline` given) its timeline document. */
  private async writeBatch(referral: Referral, stored: Versioned<Referral> | undefined, docs: ReferralEntry[], entryOperation: typeof BulkOperationType.Create | typeof BulkOperationType.Upsert, timeline: ReferralEntry[] | undefined): Promise<Versioned<Referral>> {
    const { referralId } = referral;
    // A referral is plain JSON data; its interfaces only lack the index signature JSONObject asks for.
    const body = { ...referral } as unknown as JSONObject;
    const operations: OperationInput[] = [
      stored ? { operationType: BulkOperationType.Replace, id: referralId, ifMatch: stored.etag, resourceBody: body } : { operationType: BulkOperationType.Create, resourceBody: body },
      ...docs.map((doc): OperationInput => ({ operationType: entryOperation, resourceBody: { ...doc } })),
    ];
    const log: TimelineLogDoc = { id: TIMELINE_LOG, referralId, type: 'timelineLog', entries: Object.fromEntries((timeline ?? []).map((e) => [e.id, logged(e)])) };
    if (timeline && !stored) operations.push({ operationType: BulkOperationType.Create, resourceBody: { ...log } as unknown as JSONObject });
    else if (timeline && timeline.length > 0) {
      operations.push({ operationType: BulkOperationType.Patch, id: TIMELINE_LOG, resourceBody: { operations: timeline.map((e) => ({ op: 'set' as const, path: `/entries/${pointer(e.id)}`, value: logged(e) })) } });
    }
    const response = await this.container.items.batch(operations.map((op) => ({ ...op, partitionKey: referralId })), referralId);
    const results = response.result ?? [];
    const failedAt = results.findIndex((r) => r.statusCode >= 400 && r.statusCode !== 424);
    const first = results[0];
    if (failedAt >= 0 || !first) {
      const code = failedAt >= 0 ? results[failedAt]?.statusCode : response.code;
      if (code === 404 && operations[failedAt]?.operationType === BulkOperationType.Patch) throw new MissingTimelineLog();
      if (code === 412) throw new ConcurrencyError('changed', `referrals/${referralId}`);
      if (code === 409 && !stored) throw new ConcurrencyError('exists', `referrals/${referralId}`);
      throw Object.assign(new Error(`referral commit failed (${code ?? 'no answer'})`), { code });
    }
    return { doc: referral, etag: first.eTag ?? '' };
  }

  /** Only once the ending is saved (a crash before just leaves the case to be read and skipped). */
  private async markEnded(referral: Referral, previous: Referral | undefined): Promise<void> {
    if (ENDED.has(referral.state) && previous && !ENDED.has(previous.state)) {
      for (const person of new Set(peopleOf(referral))) await this.changeList(person, (list) => (list.ended?.includes(referral.referralId) ? undefined : { ...list, ended: [...(list.ended ?? []), referral.referralId] }));
    }
  }

  /** Changes a person's case list as `change` says (nothing when undefined or no list); ETag-conditioned, again on a race. */
  private async changeList(aadObjectId: string, change: (list: PersonCasesDoc) => PersonCasesDoc | undefined): Promise<void> {
    const key = personKey(aadObjectId);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const found = await readDoc<PersonCasesDoc>(this.cases, PERSON_LIST, key);
      const next = found && change(stripMeta(found.doc));
      if (!found || !next) return;
      try {
        await this.cases.item(PERSON_LIST, key).replace(next, { accessCondition: { type: 'IfMatch', condition: found.etag } });
        return;
      } catch (err) {
        if (statusOf(err) !== 412) throw err;
      }
    }
  }

  /** Case index for people new to the referral and its number; idempotent, written before the referral. */
  private async index(referral: Referral, previous: Referral | undefined): Promise<void> {
    const before = new Set(previous ? peopleOf(previous) : []);
    // Independent documents (each person's list, the number's): written side by side, all before the referral.
    await Promise.all([
      ...[...new Set(peopleOf(referral).filter((p) => !before.has(p)))].map((person) => this.addToPerson(person, referral.referralId)),
      ...(previous ? [] : [this.cases.items.upsert({ id: referral.number, key: numberKey(referral.number), referralId: referral.referralId } satisfies CaseIndexDoc)]),
    ]);
  }

  /**
   * Adds a referral to the person's list: one conditional patch that appends the id unless it is
   * there already (no read, and the list is not sent back whole); a person without a list gets
   * one, with what an older index held.
   */
  private async addToPerson(aadObjectId: string, referralId: string): Promise<void> {
    const key = personKey(aadObjectId);
    // Known missing after a 404 of the patch: the list is created without reading it first.
    let missing = false;
    if (SAFE_ID.test(referralId)) {
      try {
        await this.cases.item(PERSON_LIST, key).patch({ condition: `FROM c WHERE NOT ARRAY_CONTAINS(c.referralIds, "${referralId}")`, operations: [{ op: 'add', path: '/referralIds/-', value: referralId }] });
        return;
      } catch (err) {
        const code = statusOf(err);
        // 412: the condition failed, the id is listed already.
        if (code === 412) return;
        if (code !== 404) throw err;
        missing = true;
      }
    }
    for (let attempt = 1; ; attempt++) {
      const found = missing && attempt === 1 ? undefined : await readDoc<PersonCasesDoc>(this.cases, PERSON_LIST, key);
      if (found?.doc.referralIds.includes(referralId)) return;
      const known = found ? found.doc.referralIds : await this.legacyPersonIndex(key);
      const doc: PersonCasesDoc = { id: PERSON_LIST, key, referralIds: [...new Set([...known, referralId])] };
      try {
        if (found) await this.cases.item(PERSON_LIST, key).replace(doc, { accessCondition: { type: 'IfMatch', condition: found.etag } });
        else await this.cases.items.create(doc);
        return;
      } catch (err) {
        const code = statusOf(err);
        if ((code !== 412 && code !== 409) || attempt >= 8) throw err;
      }
    }
  }

  /**
   * At start: one query across the case index for any document of the earlier index. Without
   * any, a person's first list and a person without one need no query of their own (two requests
   * each: its plan and the query).
   */
  async lookForOlderIndex(): Promise<boolean> {
    const { resources } = await this.cases.items.query<{ id: string }>('SELECT TOP 1 c.id FROM c WHERE STARTSWITH(c.key, "person:") AND IS_DEFINED(c.referralId)').fetchAll();
    this.olderIndex = resources.length > 0;
    return this.olderIndex;
  }

  /** The referral ids of a person's earlier one-document-per-referral index (one single-partition query; none when there is no such index). */
  private async legacyPersonIndex(key: string): Promise<string[]> {
    if (!this.olderIndex) return [];
    const { resources } = await this.cases.items
      .query<{ referralId: string }>({ query: 'SELECT c.referralId FROM c WHERE c.key = @k AND IS_DEFINED(c.referralId)', parameters: [{ name: '@k', value: key }] }, { partitionKey: key })
      .fetchAll();
    return resources.map((r) => r.referralId);
  }

  /** Writes committed entries as their own documents; ids are deterministic, so a repeat is a no-op. */
  async writeEntries(referralId: string, entries: PendingEntry[]): Promise<void> {
    const docs = entries.map((pending) => pendingDoc(referralId, pending));
    if (docs.length === 1) {
      try {
        await this.container.items.create(docs[0]!);
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
    } else {
      // Several: one transactional batch per 100 in the referral's partition. An upsert of the
      // same id writes the same entry again, so a repeat stays a no-op in effect.
      await this.batch(referralId, docs.map((doc) => ({ operationType: BulkOperationType.Upsert, resourceBody: { ...doc } })));
    }
    await this.logTimeline(referralId, docs);
  }

  /** Adds timeline entries to the referral's timeline document (created, with what came before, when it has none). */
  private async logTimeline(referralId: string, docs: ReferralEntry[]): Promise<void> {
    const timeline = docs.filter((d) => d.type === 'timeline');
    if (timeline.length === 0) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        // At most 10 operations per patch request.
        for (let i = 0; i < timeline.length; i += 10) {
          await this.container.item(TIMELINE_LOG, referralId).patch(timeline.slice(i, i + 10).map((e) => ({ op: 'set' as const, path: `/entries/${pointer(e.id)}`, value: logged(e) })));
        }
        return;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
      // The referral's first timeline entry since the document exists: it starts with what was written before.
      const before = await this.queryEntries(referralId, 'timeline');
      const entries = Object.fromEntries([...before, ...timeline].map((e) => [e.id, logged(e)]));
      try {
        await this.container.items.create<TimelineLogDoc>({ id: TIMELINE_LOG, referralId, type: 'timelineLog', entries });
        return;
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
    }
  }

  /** The timeline from its document, oldest first (entries of the same moment in the order written); undefined when it has none yet. */
  private async timelineOf(referralId: string): Promise<ReferralEntry[] | undefined> {
    const found = await readDoc<TimelineLogDoc>(this.container, TIMELINE_LOG, referralId);
    if (!found) return undefined;
    const all = Object.entries(found.doc.entries).map(([id, e]): ReferralEntry => ({ id, referralId, type: 'timeline', ...e }));
    return all.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i).map(({ e }) => e);
  }

  /** Writes the audit and timeline events of a decision as entries in the referral's partition. */
  async record(referralId: string, actor: string, events: DomainEvent[], at: Date): Promise<void> {
    const docs = entryDocs(referralId, actor, events, at);
    if (docs.length === 1) await this.container.items.create(docs[0]!);
    else if (docs.length > 1) await this.batch(referralId, docs.map((doc) => ({ operationType: BulkOperationType.Create, resourceBody: { ...doc } })));
    await this.logTimeline(referralId, docs);
    for (const entry of docs) this.log.debug({ referralId, action: entry.action, type: entry.type }, 'referral entry written');
  }

  /** Writes operations of one partition as transactional batches of at most 100 (one request each); all or none per batch. */
  private async batch(partitionKey: string, operations: OperationInput[]): Promise<void> {
    for (let i = 0; i < operations.length; i += 100) {
      // Each operation names the partition too (the local server reads it per operation).
      const chunk = operations.slice(i, i + 100).map((op) => ({ ...op, partitionKey }));
      const response = await this.container.items.batch(chunk, partitionKey);
      const failed = (response.result ?? []).find((r) => r.statusCode >= 400);
      if (failed || !response.result) throw Object.assign(new Error(`batch write failed (${failed?.statusCode ?? response.code})`), { code: failed?.statusCode ?? response.code });
    }
  }

  /**
   * The referral's latest timeline entries, newest first: those it keeps with it when they are all
   * that matter (three, or all it ever had: see {@link RECENT_TIMELINE_SINCE}), else read (one point read).
   */
  async recentTimelineOf(referral: Referral): Promise<RecentTimelineEntry[]> {
    const recent = referral.recentTimeline ?? [];
    // Created since: none kept means none written.
    if (recent.length >= RECENT_TIMELINE || referral.createdAt >= RECENT_TIMELINE_SINCE) return [...recent].reverse();
    return this.latestEntries(referral.referralId, 'timeline', RECENT_TIMELINE, referral.createdAt);
  }

  /**
   * The latest `count` entries of a type, newest first (the case card shows three). The timeline:
   * one point read (`createdAt`: the referral's, see {@link TIMELINE_LOG_SINCE}).
   */
  async latestEntries(referralId: string, type: ReferralEntry['type'], count: number, createdAt?: string): Promise<ReferralEntry[]> {
    const timeline = type === 'timeline' ? await this.timelineOf(referralId) : undefined;
    if (timeline) return timeline.reverse().slice(0, count);
    if (type === 'timeline' && hasTimelineLog(createdAt)) return [];
    const { resources } = await this.container.items
      .query<ReferralEntry>(
        {
          query: 'SELECT TOP @count * FROM c WHERE c.referralId = @id AND c.type = @type ORDER BY c.at DESC',
          parameters: [
            { name: '@count', value: count },
            { name: '@id', value: referralId },
            { name: '@type', value: type },
          ],
        },
        { partitionKey: referralId },
      )
      .fetchAll();
    return resources.map(stripMeta);
  }

  /** A type's entries, oldest first. The timeline: one point read of its document (a query for an older referral without one). */
  async entries(referralId: string, type: ReferralEntry['type'], createdAt?: string): Promise<ReferralEntry[]> {
    const timeline = type === 'timeline' ? await this.timelineOf(referralId) : undefined;
    if (timeline) return timeline;
    return type === 'timeline' && hasTimelineLog(createdAt) ? [] : this.queryEntries(referralId, type);
  }

  /** A type's entry documents, oldest first (one single-partition query). */
  private async queryEntries(referralId: string, type: ReferralEntry['type']): Promise<ReferralEntry[]> {
    const { resources } = await this.container.items
      .query<ReferralEntry>(
        {
          query: 'SELECT * FROM c WHERE c.referralId = @id AND c.type = @type ORDER BY c.at ASC',
          parameters: [
            { name: '@id', value: referralId },
            { name: '@type', value: type },
          ],
        },
        { partitionKey: referralId },
      )
      .fetchAll();
    return resources.map(stripMeta);
  }

  /** Referrals in the given states where the person is SMW'er (the person's case index, then point reads). */
  async listForSmw(aadObjectId: string, states: ReferralState[]): Promise<Referral[]> {
    return this.listIndexed(aadObjectId, states, (r) => r.smw.aadObjectId === aadObjectId && states.includes(r.state));
  }

  /** Open referrals where the person is SMW'er or casusregisseur. */
  async listForPerson(aadObjectId: string, states: ReferralState[]): Promise<Referral[]> {
    return this.listIndexed(aadObjectId, states, (r) => (r.smw.aadObjectId === aadObjectId || r.caseManager?.aadObjectId === aadObjectId) && states.includes(r.state));
  }

  /** A point read of the person's list, then a point read per referral: cost follows the person's cases, not the data. */
  private async listIndexed(aadObjectId: string, states: ReferralState[], keep: (r: Referral) => boolean): Promise<Referral[]> {
    const key = personKey(aadObjectId);
    const list = await readDoc<PersonCasesDoc>(this.cases, PERSON_LIST, key);
    const ended = new Set(states.some((s) => ENDED.has(s)) ? [] : (list?.doc.ended ?? []));
    const ids = (list ? list.doc.referralIds : await this.legacyPersonIndex(key)).filter((id) => !ended.has(id));
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found
      .flatMap((f) => (f && keep(f.doc) ? [f.doc] : []))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** Two point reads: the number's index document, then the referral. */
  async findByNumber(number: string): Promise<Referral | undefined> {
    const key = numberKey(number);
    const pointer = await readDoc<CaseIndexDoc>(this.cases, number.toUpperCase(), key);
    if (!pointer) return undefined;
    const found = await this.get(pointer.doc.referralId);
    return found && found.doc.number === number.toUpperCase() ? found.doc : undefined;
  }

  /** Submitted referrals of a wijkteam whose intake card was not posted yet (channel not linked then). */
  async awaitingPost(wijkteamId: string): Promise<Referral[]> {
    const { resources } = await this.container.items
      .query<Referral>({
        query: 'SELECT * FROM c WHERE c.type = "referral" AND c.state = "submitted" AND c.routing.wijkteamId = @w AND NOT IS_DEFINED(c.intakePost)',
        parameters: [{ name: '@w', value: wijkteamId }],
      })
      .fetchAll();
    return resources.map(stripMeta);
  }

  /** Gives the referral's audit and timeline entries the same time to live as the closed referral. */
  async expireEntries(referralId: string, ttlSeconds: number): Promise<number> {
    const { resources } = await this.container.items
      .query<ReferralEntry>({ query: 'SELECT * FROM c WHERE c.referralId = @id AND c.type != "referral"', parameters: [{ name: '@id', value: referralId }] }, { partitionKey: referralId })
      .fetchAll();
    // One transactional batch per 100 entries instead of a patch each (entries are written once and never changed).
    await this.batch(
      referralId,
      resources.map((entry) => ({ operationType: BulkOperationType.Replace, id: entry.id, resourceBody: { ...stripMeta(entry), ttl: ttlSeconds } })),
    );
    // The entries (the timeline's document, expired with them, is not one).
    return resources.filter((r) => r.type === 'audit' || r.type === 'timeline').length;
  }
}
