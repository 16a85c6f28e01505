import { randomUUID } from 'node:crypto';
import { BulkOperationType, type Container, type JSONObject, type OperationInput, type PatchOperation } from '@azure/cosmos';
import type { Clock } from '../domain/clock.js';
import type { PlannedReminder, RecipientAddress, ReminderKind, ReminderStatus, ReminderSubject } from '../domain/reminders.js';
import { readDoc, statusOf, stripMeta, type Versioned } from './documents.js';
import { turnMemo } from './turnReads.js';

/**
 * Reminder documents in the `reminders` container.
 *
 * Partition key `bucket` = the UTC calendar day of `dueAt` (`YYYY-MM-DD`). The scheduler's
 * due-query names the buckets of today and a configurable number of days before it, so on
 * Azure it touches only those logical partitions; an hourly sweep without bucket catches
 * anything older. A reminder never changes its due day: snooze and reschedule create new
 * reminders (the bucket, being the partition key, cannot change) and cancel the old ones.
 */

/**
 * Where a reminder stands for one recipient. `inOutbox`: an e-mail that only reached the local
 * outbox (no mail service configured) — final, but never to be told as sent.
 */
export type RecipientState = 'pending' | 'sending' | 'delivered' | 'inOutbox' | 'unreachable' | 'deadLettered';

export interface RecipientDelivery extends RecipientAddress {
  state: RecipientState;
  /** Send attempts made so far (each HTTP try counts; throttled tries included). */
  attempts: number;
  /** Failed attempts that count towards dead-lettering (429s do not). */
  failures?: number;
  lastError?: string;
  deliveredAt?: string;
  /** Teams could not reach this person and the reminder went to their e-mail instead. */
  fallback?: 'email';
}

export interface ReminderLease {
  /** Scheduler instance id; empty when free. */
  owner: string;
  /** Random per claim: after an unclear write the holder re-reads and continues only if it is still there. */
  token: string;
  until: string;
}

export interface ReminderDocument {
  id: string;
  bucket: string;
  referralId: string;
  kind: ReminderKind;
  dueAt: string;
  timeZone: string;
  subject: ReminderSubject;
  recipients: RecipientDelivery[];
  status: ReminderStatus;
  /** When the scheduler may next pick it up: `dueAt`, later after a deferral (e.g. a long Retry-After). */
  nextAttemptAt: string;
  lease: ReminderLease;
  createdAt: string;
  updatedAt: string;
  doneAt?: string;
  doneBy?: string;
  /** Seconds; set when the reminder is finished so Azure removes it (the local server ignores TTL). */
  ttl?: number;
}

/**
 * What a referral's reminder index keeps of each reminder: enough to choose which to withdraw
 * when plans change, without reading the reminders themselves. No names, no addresses.
 */
export interface ReminderRef {
  id: string;
  referralId: string;
  kind: ReminderKind;
  dueAt: string;
  subject: Pick<ReminderSubject, 'normId' | 'agreementId' | 'date'>;
}

export function refOf(r: Pick<PlannedReminder, 'id' | 'referralId' | 'kind' | 'dueAt' | 'subject'>): ReminderRef {
  const { normId, agreementId, date } = r.subject;
  return { id: r.id, referralId: r.referralId, kind: r.kind, dueAt: r.dueAt, subject: { ...(normId ? { normId } : {}), ...(agreementId ? { agreementId } : {}), ...(date ? { date } : {}) } };
}

/**
 * One per referral, in its own partition of the `reminders` container: the reminders saved for
 * it that are not known to be finished (`reminders`), and the days (buckets) they are in. Saving
 * adds them, before the reminders themselves (so it may name one not yet there, never miss one);
 * withdrawing one, or finding it no longer pending, takes it out. Finding what to withdraw is then
 * one point read. Indexes written before `reminders` existed have only the days; the first lookup
 * fills it in. It has no `status`, so the scheduler's due-queries never match it.
 */
export interface ReminderIndexDocument {
  id: string;
  bucket: string;
  type: 'reminderIndex';
  referralId: string;
  buckets: string[];
  reminders?: ReminderRef[];
  updatedAt: string;
}

/** Every referral created from this moment on has its reminders in the index. */
export const REMINDER_INDEX_SINCE = '2026-11-23T21:00:00.000Z';

const reminderMemoKey = (id: string) => `reminder:${id}`;

export function reminderIndexKey(referralId: string): string {
  return `referral-reminders:${referralId}`;
}

export const FREE_LEASE: ReminderLease = { owner: '', token: '', until: '1970-01-01T00:00:00.000Z' };
const FINAL: RecipientState[] = ['delivered', 'inOutbox', 'unreachable', 'deadLettered'];

export function bucketOf(dueAt: string): string {
  return new Date(dueAt).toISOString().slice(0, 10);
}

export function isFinal(state: RecipientState): boolean {
  return FINAL.includes(state);
}

export function toDocument(planned: PlannedReminder, now: Date): ReminderDocument {
  const at = now.toISOString();
  return {
    id: planned.id,
    bucket: bucketOf(planned.dueAt),
    referralId: planned.referralId,
    kind: planned.kind,
    dueAt: planned.dueAt,
    timeZone: planned.timeZone,
    subject: planned.subject,
    recipients: planned.recipients.map((r) => ({ ...r, state: 'pending', attempts: 0 })),
    status: 'pending',
    nextAttemptAt: planned.dueAt,
    lease: FREE_LEASE,
    createdAt: at,
    updatedAt: at,
  };
}

/** The holder lost its lease (someone else claimed it) or the reminder was cancelled/done meanwhile. */
export class LeaseLostError extends Error {
  constructor(id: string) {
    super(`lease on reminder ${id} is no longer held`);
    this.name = 'LeaseLostError';
  }
}

/**
 * A planning step chose on the reminder index as this process last wrote it, and the index has
 * changed since (another instance planned for the referral): nothing of the step's index change
 * was written; the step is chosen again on the stored index.
 */
export class StaleIndexError extends Error {
  constructor(referralId: string) {
    super(`reminder index of ${referralId} changed since this process wrote it`);
    this.name = 'StaleIndexError';
  }
}

export interface ReminderStoreOptions {
  /** Seconds a finished reminder is kept (Cosmos TTL). */
  finishedTtlSeconds?: number;
  /** Tries for a write whose outcome is unknown (5xx, timeout, dropped connection). */
  writeAttempts?: number;
}

/** A reminder this instance holds a lease on, with the ETag of its last own write. */
export interface Claimed {
  doc: ReminderDocument;
  token: string;
  etag: string;
}

/** One operation's answer in a bulk request. */
interface BulkAnswer {
  statusCode: number;
}

/** A patch condition: the reminder's status is one of these. */
const statusCondition = (from: ReminderStatus[]) => `FROM c WHERE c.status IN (${from.map((f) => JSON.stringify(f)).join(', ')})`;

/** How many reminder indexes, as last read or written by this process, are kept to write the next change on. */
const KNOWN_INDEXES_KEPT = 1_000;

export class ReminderStore {
  private readonly ttl: number;
  private readonly writeAttempts: number;
  /** Reminder indexes as this process last read or wrote them (null: found missing); their ETag guards every write. */
  private readonly knownIndexes = new Map<string, Versioned<ReminderIndexDocument> | null>();

  constructor(
    private readonly container: Container,
    private readonly clock: Clock,
    options: ReminderStoreOptions = {},
  ) {
    this.ttl = options.finishedTtlSeconds ?? 90 * 24 * 3600;
    this.writeAttempts = options.writeAttempts ?? 6;
  }

  /** Stores planned reminders; planning again is a no-op, and a cancelled one planned again comes back. */
  async save(planned: PlannedReminder[]): Promise<{ created: number; existing: number }> {
    const { created, existing } = await this.apply([], planned);
    return { created, existing };
  }

  /**
   * A planning step's changes at once: the cancellations (conditional: one sent meanwhile stays
   * as it is), then one write of each referral's index (the cancelled out, the planned in), then
   * the planned reminders. The index may so name a reminder not yet saved, or one no longer
   * pending, but never miss a pending one. Planning again is a no-op; a cancelled reminder
   * planned again comes back.
   */
  async apply(cancel: Pick<PlannedReminder, 'id' | 'dueAt' | 'referralId'>[], planned: PlannedReminder[], options: { chosenOnMemory?: boolean } = {}): Promise<{ created: number; existing: number; cancelled: number }> {
    const cancelled = await this.cancelPending(cancel);
    const now = this.clock.now();
    for (const referralId of new Set([...cancel, ...planned].map((r) => r.referralId))) {
      const ids = new Set(cancel.filter((c) => c.referralId === referralId).map((c) => c.id));
      const refs = planned.filter((p) => p.referralId === referralId).map(refOf);
      await this.retrying(() =>
        this.updateIndex(referralId, options.chosenOnMemory === true, (index) => {
          const without = ids.size > 0 ? indexWithout(index, ids, now) : undefined;
          const added = refs.length > 0 ? indexWith(without ?? index, referralId, refs, now) : undefined;
          return added ?? without;
        }),
      );
    }
    let created = 0;
    let existing = 0;
    if (planned.length === 0) return { created, existing, cancelled };
    const docs = planned.map((p) => toDocument(p, now));
    const outcomes = await this.createAll(docs);
    for (const [i, doc] of docs.entries()) {
      if (outcomes[i] === 'created') created++;
      else if (await this.revive(doc)) created++;
      else existing++;
    }
    return { created, existing, cancelled };
  }

  /**
   * Creates the reminders in a bulk request ({@link bulk}): one request per partition key range (a
   * small container has one) instead of one per reminder, on Azure and on the embedded store.
   * Each reminder's own answer counts: created, or there already (409); transient answers are
   * tried again, the others thrown.
   */
  private async createAll(docs: ReminderDocument[]): Promise<Array<'created' | 'exists'>> {
    const outcomes: Array<'created' | 'exists'> = [];
    if (docs.length === 1) {
      const doc = docs[0] as ReminderDocument;
      outcomes.push(await this.retrying(() => this.container.items.create(doc).then(() => 'created' as const, (err: unknown) => (statusOf(err) === 409 ? ('exists' as const) : Promise.reject(err)))));
      return outcomes;
    }
    let open = docs.map((_, i) => i);
    for (let attempt = 1; open.length > 0; attempt++) {
      const operations: OperationInput[] = open.map((i) => {
        const doc = docs[i] as ReminderDocument;
        // A reminder is plain JSON data; its interfaces only lack the index signature JSONObject asks for.
        return { operationType: BulkOperationType.Create, partitionKey: doc.bucket, resourceBody: { ...doc } as unknown as JSONObject };
      });
      let results: BulkAnswer[];
      try {
        results = await this.bulk(operations);
      } catch (err) {
        if (attempt >= this.writeAttempts || !isTransient(err)) throw err;
        await pause(attempt);
        continue;
      }
      const again: number[] = [];
      for (const [k, result] of results.entries()) {
        const i = open[k] as number;
        const code = result.statusCode;
        if (code === 201 || code === 200) outcomes[i] = 'created';
        else if (code === 409) outcomes[i] = 'exists';
        else if (isTransient({ code }) && attempt < this.writeAttempts) again.push(i);
        else throw Object.assign(new Error(`reminder create answered ${code}`), { code });
      }
      open = again;
      if (again.length > 0) await pause(attempt);
    }
    return outcomes;
  }

  private async revive(fresh: ReminderDocument): Promise<boolean> {
    const found = await this.read(fresh.id, fresh.bucket);
    if (!found || found.doc.status !== 'cancelled') return false;
    try {
      await this.container.item(fresh.id, fresh.bucket).replace(fresh, { accessCondition: { type: 'IfMatch', condition: found.etag } });
      return true;
    } catch (err) {
      if (statusOf(err) === 412) return false;
      throw err;
    }
  }

  /** The stored reminder; within a turn, as that turn read it before (the gate's read serves the button's handler: see `turnReads`). */
  async get(id: string, bucket: string): Promise<Versioned<ReminderDocument> | undefined> {
    return turnMemo.get(reminderMemoKey(id), () => this.read(id, bucket));
  }

  /** The reminder as stored now (what the store's own retries and ETag loops read). */
  private async read(id: string, bucket: string): Promise<Versioned<ReminderDocument> | undefined> {
    const found = await readDoc<ReminderDocument>(this.container, id, bucket);
    return found ? { doc: stripMeta(found.doc), etag: found.etag } : undefined;
  }

  /**
   * Cancels reminders that are still pending; returns how many were. Sent ones stay as they are.
   * Either way none of them is pending any more, so they leave their referral's index.
   */
  async cancel(reminders: Pick<PlannedReminder, 'id' | 'dueAt' | 'referralId'>[]): Promise<number> {
    return (await this.apply(reminders, [])).cancelled;
  }

  /** "Klaar": marks an open reminder done; recipients not yet reached are no longer sent it. */
  async markDone(id: string, bucket: string, byRecipientKey: string): Promise<boolean> {
    return this.setStatusIf(id, bucket, 'done', ['pending', 'sent'], [
      { op: 'set', path: '/doneAt', value: this.clock.now().toISOString() },
      { op: 'set', path: '/doneBy', value: byRecipientKey },
    ]);
  }

  /**
   * Operations that stand on their own, in one request per partition key range and 100
   * operations (a small container has one range). Not `executeBulkOperations`: its streaming
   * executor sleeps a second (`intervalForPartialBatchInMs`) whenever the operations are not all
   * answered by the time it first looks, which held every planning step a second or two.
   */
  private async bulk(operations: OperationInput[]): Promise<BulkAnswer[]> {
    const answers: BulkAnswer[] = [];
    for (let i = 0; i < operations.length; i += 100) {
      const response = await this.container.items.bulk(operations.slice(i, i + 100));
      answers.push(...response.map((r) => ({ statusCode: r.statusCode })));
    }
    return answers;
  }

  /**
   * Cancels those still pending; returns how many were. Several at once: one bulk request of
   * conditional patches (one per partition key range: one for a small container) instead of a
   * patch each; each reminder's own answer counts as in {@link setStatusIf}.
   */
  private async cancelPending(reminders: Pick<PlannedReminder, 'id' | 'dueAt'>[]): Promise<number> {
    if (reminders.length <= 1) {
      let cancelled = 0;
      for (const r of reminders) if (await this.setStatusIf(r.id, bucketOf(r.dueAt), 'cancelled', ['pending'])) cancelled++;
      return cancelled;
    }
    let cancelled = 0;
    // Reminders whose earlier attempt may have gone through unseen (its answer lost).
    const unclear = new Set<number>();
    let open = reminders.map((_, i) => i);
    for (let attempt = 1; open.length > 0; attempt++) {
      const operations: OperationInput[] = open.map((i) => {
        const r = reminders[i] as Pick<PlannedReminder, 'id' | 'dueAt'>;
        return { operationType: BulkOperationType.Patch, id: r.id, partitionKey: bucketOf(r.dueAt), resourceBody: { condition: statusCondition(['pending']), operations: this.statusOperations('cancelled') } };
      });
      let results: BulkAnswer[];
      try {
        results = await this.bulk(operations);
      } catch (err) {
        if (attempt >= this.writeAttempts || !isTransient(err)) throw err;
        for (const i of open) unclear.add(i);
        await pause(attempt);
        continue;
      }
      const again: number[] = [];
      for (const [k, result] of results.entries()) {
        const i = open[k] as number;
        const r = reminders[i] as Pick<PlannedReminder, 'id' | 'dueAt'>;
        const code = result.statusCode;
        if (code === 200) cancelled++;
        else if (code === 412 && unclear.has(i)) {
          if ((await this.retrying(() => this.read(r.id, bucketOf(r.dueAt))))?.doc.status === 'cancelled') cancelled++;
        } else if (code === 404 || code === 412) continue;
        else if (isTransient({ code }) && attempt < this.writeAttempts) {
          unclear.add(i);
          again.push(i);
        } else throw Object.assign(new Error(`reminder cancel answered ${code}`), { code });
      }
      open = again;
      if (again.length > 0) await pause(attempt);
    }
    return cancelled;
  }

  private statusOperations(status: ReminderStatus, extra: PatchOperation[] = []): PatchOperation[] {
    return [{ op: 'set', path: '/status', value: status }, { op: 'set', path: '/updatedAt', value: this.clock.now().toISOString() }, { op: 'set', path: '/ttl', value: this.ttl }, ...extra];
  }

  /**
   * Changes the status if it is one of `from`: one patch whose condition the database checks on
   * the document (no read first). Only when an earlier attempt's answer was lost is the reminder
   * read, to see whether that attempt went through.
   */
  private async setStatusIf(id: string, bucket: string, status: ReminderStatus, from: ReminderStatus[], extra: PatchOperation[] = []): Promise<boolean> {
    // A read later in the same turn sees the change.
    turnMemo.forget(reminderMemoKey(id));
    let unclear = false;
    for (let attempt = 1; attempt <= this.writeAttempts; attempt++) {
      try {
        await this.container.item(id, bucket).patch({ condition: statusCondition(from), operations: this.statusOperations(status, extra) });
        return true;
      } catch (err) {
        const code = statusOf(err);
        if (code === 404) return false;
        if (code === 412) {
          if (!unclear) return false;
          return (await this.retrying(() => this.read(id, bucket)))?.doc.status === status;
        }
        if (!isTransient(err)) throw err;
        unclear = true;
      }
    }
    throw new Error(`could not change the status of reminder ${id}`);
  }

  /**
   * Changes the referral's reminder index as `change` says (nothing when it returns undefined):
   * an ETag-conditioned replace, read and changed again on a race. `chosenOnMemory`: the step
   * chose what to change on the index as this process remembered it; if the stored index is
   * another, that choice may miss a reminder another instance planned, so nothing is written and
   * {@link StaleIndexError} asks the step to choose again.
   */
  private async updateIndex(referralId: string, chosenOnMemory: boolean, change: (index: ReminderIndexDocument | undefined) => ReminderIndexDocument | undefined): Promise<void> {
    const key = reminderIndexKey(referralId);
    for (let attempt = 1; ; attempt++) {
      // The index as this process last read or wrote it, first: a planning step reads it and then changes
      // it several times in a row. Its ETag guards the write (a missing one: the create fails if it exists
      // meanwhile); changed by someone else, it is read again.
      const remembered = attempt === 1 ? this.knownIndexes.get(key) : undefined;
      this.knownIndexes.delete(key);
      const found = remembered === undefined ? await readDoc<ReminderIndexDocument>(this.container, key, key) : (remembered ?? undefined);
      const doc = change(found ? stripMeta(found.doc) : undefined);
      if (!doc && remembered !== undefined) {
        // Nothing to change as remembered: only the stored index can say so (another instance may have changed it).
        if (!chosenOnMemory) continue;
        return this.confirm(referralId, remembered);
      }
      if (!doc) return;
      try {
        const { etag } = found ? await this.container.item(key, key).replace(doc, { accessCondition: { type: 'IfMatch', condition: found.etag } }) : await this.container.items.create(doc);
        if (etag) this.rememberIndex(key, { doc, etag });
        return;
      } catch (err) {
        const code = statusOf(err);
        if ((code === 412 || code === 409) && chosenOnMemory && remembered !== undefined) throw new StaleIndexError(referralId);
        if ((code !== 412 && code !== 409) || attempt >= this.writeAttempts) throw err;
      }
    }
  }

  /**
   * A step that chose on the remembered index and found nothing to change: whether the stored
   * index is still the one remembered (one read); {@link StaleIndexError} when another instance
   * changed it, so the step chooses again on it.
   */
  async confirmRemembered(referralId: string): Promise<void> {
    return this.confirm(referralId, this.knownIndexes.get(reminderIndexKey(referralId)));
  }

  /** Reads the stored index and keeps it; {@link StaleIndexError} when it is not `remembered` (null: known missing). */
  private async confirm(referralId: string, remembered: Versioned<ReminderIndexDocument> | null | undefined): Promise<void> {
    const key = reminderIndexKey(referralId);
    const stored = await readDoc<ReminderIndexDocument>(this.container, key, key);
    this.rememberIndex(key, stored ?? null);
    if ((stored?.etag ?? null) !== (remembered?.etag ?? null)) throw new StaleIndexError(referralId);
  }

  /** Keeps the index as written (bounded: the oldest is forgotten first). */
  private rememberIndex(key: string, known: Versioned<ReminderIndexDocument> | null): void {
    this.knownIndexes.delete(key);
    this.knownIndexes.set(key, known);
    if (this.knownIndexes.size > KNOWN_INDEXES_KEPT) {
      const oldest = this.knownIndexes.keys().next().value;
      if (oldest !== undefined) this.knownIndexes.delete(oldest);
    }
  }

  /**
   * The reminders of one referral that may still be pending, from its index alone (one point
   * read): what planning and "Klaar" choose from when they withdraw reminders. Cancelling is
   * conditional, so one that went out meanwhile is left as it is (and leaves the index). An index
   * from before it listed reminders is filled in once from the reminders themselves.
   */
  async pendingRefsOfReferral(referralId: string, referralCreatedAt?: string): Promise<ReminderRef[]> {
    return (await this.lookUpPending(referralId, referralCreatedAt, false)).refs;
  }

  /**
   * As {@link pendingRefsOfReferral}; with `useMemory`, from the index as this process last read
   * or wrote it when it has it (no read). `remembered` says which: a step that chose on memory
   * hands that to {@link apply}, which then refuses to write over an index changed meanwhile.
   */
  async lookUpPending(referralId: string, referralCreatedAt: string | undefined, useMemory: boolean): Promise<{ refs: ReminderRef[]; remembered: boolean }> {
    const key = reminderIndexKey(referralId);
    const known = useMemory ? this.knownIndexes.get(key) : undefined;
    // An index from before it listed its reminders is read (and filled in) as before.
    if (known !== undefined && (known === null ? referralCreatedAt !== undefined && referralCreatedAt >= REMINDER_INDEX_SINCE : known.doc.reminders !== undefined)) {
      return { refs: known ? sortedRefs(known.doc.reminders ?? []) : [], remembered: true };
    }
    return { refs: await this.readPendingRefs(referralId, referralCreatedAt), remembered: false };
  }

  private async readPendingRefs(referralId: string, referralCreatedAt?: string): Promise<ReminderRef[]> {
    const key = reminderIndexKey(referralId);
    const index = await readDoc<ReminderIndexDocument>(this.container, key, key);
    // What planning reads, it changes next: kept for that write (its ETag guards it).
    this.rememberIndex(key, index ?? null);
    if (index?.doc.reminders) return sortedRefs(index.doc.reminders);
    const refs = (await this.pendingOfReferral(referralId, referralCreatedAt, index ?? null)).map(refOf);
    if (index) {
      const filled: ReminderIndexDocument = { ...stripMeta(index.doc), reminders: refs, buckets: daysOf(refs), updatedAt: this.clock.now().toISOString() };
      try {
        await this.container.item(key, key).replace(filled, { accessCondition: { type: 'IfMatch', condition: index.etag } });
      } catch (err) {
        // Changed meanwhile: the next lookup fills it in.
        if (statusOf(err) !== 412) throw err;
      }
    }
    return refs;
  }

  /**
   * The pending reminders of one referral, read in full (for a case changing hands): a point read
   * of the referral's reminder index, then a point read of each reminder it lists (an index from
   * before it listed reminders: one single-partition query per day it names). Referrals
   * whose reminders may predate the index (created before {@link REMINDER_INDEX_SINCE}, or of
   * unknown age) fall back to one query across all days; a newer one without an index has none.
   */
  async pendingOfReferral(referralId: string, referralCreatedAt?: string, read?: Versioned<ReminderIndexDocument> | null): Promise<ReminderDocument[]> {
    const key = reminderIndexKey(referralId);
    // `read`: the index as the caller just read it (null: missing).
    const index = read === undefined ? await readDoc<ReminderIndexDocument>(this.container, key, key) : (read ?? undefined);
    const query = { query: `SELECT * FROM c WHERE c.referralId = @id AND c.status = 'pending'`, parameters: [{ name: '@id', value: referralId }] };
    const byDue = (a: ReminderDocument, b: ReminderDocument) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id);
    if (index?.doc.reminders) {
      const found = await Promise.all(index.doc.reminders.map((r) => this.retrying(() => this.read(r.id, bucketOf(r.dueAt)))));
      return found.flatMap((f) => (f && f.doc.status === 'pending' ? [f.doc] : [])).sort(byDue);
    }
    if (!index) {
      if (referralCreatedAt !== undefined && referralCreatedAt >= REMINDER_INDEX_SINCE) return [];
      const { resources } = await this.container.items.query<ReminderDocument>(query).fetchAll();
      return resources.map((r) => stripMeta(r));
    }
    // The bucket also in the filter: the local server does not narrow a query by its partition key.
    const perDay = await Promise.all(
      index.doc.buckets.map((bucket) =>
        this.container.items
          .query<ReminderDocument>({ query: `${query.query} AND c.bucket = @bucket`, parameters: [...query.parameters, { name: '@bucket', value: bucket }] }, { partitionKey: bucket })
          .fetchAll(),
      ),
    );
    await this.pruneIndex(index, index.doc.buckets.filter((bucket, i) => perDay[i]!.resources.length === 0));
    return perDay.flatMap(({ resources }) => resources.map((r) => stripMeta(r))).sort(byDue);
  }

  /**
   * Drops from the index the days before yesterday that hold nothing pending of the referral any
   * more (their reminders went out, were done or withdrawn), so later lookups query fewer days.
   * Only days well in the past: nothing is planned there, and a save to a day adds it again.
   * ETag-conditioned; a race with another writer just leaves the day in for the next lookup.
   */
  private async pruneIndex(index: Versioned<ReminderIndexDocument>, empty: string[]): Promise<void> {
    const yesterday = bucketOf(new Date(this.clock.now().getTime() - 86_400_000).toISOString());
    const drop = new Set(empty.filter((bucket) => bucket < yesterday));
    if (drop.size === 0) return;
    const doc: ReminderIndexDocument = { ...index.doc, buckets: index.doc.buckets.filter((b) => !drop.has(b)), updatedAt: this.clock.now().toISOString() };
    try {
      await this.container.item(doc.id, doc.bucket).replace(doc, { accessCondition: { type: 'IfMatch', condition: index.etag } });
    } catch (err) {
      if (statusOf(err) !== 412) throw err;
    }
  }

  /**
   * The case changed hands: every pending reminder of the referral addressed to `fromAadObjectId`
   * in `role` goes to the new person instead (ETag-conditioned; read again on a race). Returns how many.
   */
  async readdress(referralId: string, role: string, fromAadObjectId: string, to: { aadObjectId: string; teamsUserId?: string; email?: string }): Promise<number> {
    let changed = 0;
    for (const pending of await this.pendingOfReferral(referralId)) {
      for (let attempt = 1; attempt <= this.writeAttempts; attempt++) {
        const current = await this.retrying(() => this.read(pending.id, pending.bucket));
        if (!current || current.doc.status !== 'pending') break;
        const hit = (r: RecipientDelivery) => r.role === role && r.aadObjectId === fromAadObjectId && r.state === 'pending';
        if (!current.doc.recipients.some(hit)) break;
        const recipients = current.doc.recipients.map((r): RecipientDelivery => {
          if (!hit(r)) return r;
          const { teamsUserId: _t, email: _e, ...rest } = r;
          return { ...rest, key: `${role}:${to.aadObjectId}`, aadObjectId: to.aadObjectId, ...(to.teamsUserId ? { teamsUserId: to.teamsUserId } : {}), ...(to.email ? { email: to.email } : {}) };
        });
        try {
          await this.container.item(pending.id, pending.bucket).replace({ ...current.doc, recipients, updatedAt: this.clock.now().toISOString() }, { accessCondition: { type: 'IfMatch', condition: current.etag } });
          changed++;
          break;
        } catch (err) {
          if (statusOf(err) !== 412 && !isTransient(err)) throw err;
        }
      }
    }
    return changed;
  }

  /**
   * Someone stopped being a party (consent withdrawn): every pending reminder of the referral
   * stops going to `role` — the recipient is removed, or the reminder cancelled when nobody else
   * was on it (ETag-conditioned; read again on a race). Returns how many reminders changed.
   */
  async dropRecipients(referralId: string, role: string, referralCreatedAt?: string): Promise<number> {
    let changed = 0;
    for (const pending of await this.pendingOfReferral(referralId, referralCreatedAt)) {
      for (let attempt = 1; attempt <= this.writeAttempts; attempt++) {
        const current = await this.retrying(() => this.read(pending.id, pending.bucket));
        if (!current || current.doc.status !== 'pending') break;
        const keep = current.doc.recipients.filter((r) => r.role !== role || r.state !== 'pending');
        if (keep.length === current.doc.recipients.length) break;
        const at = this.clock.now().toISOString();
        const next: ReminderDocument = keep.length > 0 ? { ...current.doc, recipients: keep, updatedAt: at } : { ...current.doc, status: 'cancelled', updatedAt: at, ttl: this.ttl };
        try {
          await this.container.item(pending.id, pending.bucket).replace(next, { accessCondition: { type: 'IfMatch', condition: current.etag } });
          changed++;
          break;
        } catch (err) {
          if (statusOf(err) !== 412 && !isTransient(err)) throw err;
        }
      }
    }
    return changed;
  }

  /**
   * Open reminders (pending or sent, not done) due by `until`, in the named day buckets: what a
   * daily digest lists. One query over those buckets for everyone, grouped by the caller.
   */
  async openDueBy(buckets: string[], until: string, limit = 2_000): Promise<ReminderDocument[]> {
    if (buckets.length === 0) return [];
    const parameters = [{ name: '@until', value: until }, { name: '@limit', value: limit }, ...buckets.map((b, i) => ({ name: `@b${i}`, value: b }))];
    const { resources } = await this.container.items
      .query<ReminderDocument>({ query: `SELECT TOP @limit * FROM c WHERE c.bucket IN (${buckets.map((_, i) => `@b${i}`).join(', ')}) AND c.status IN ('pending', 'sent') AND c.dueAt <= @until ORDER BY c.dueAt`, parameters })
      .fetchAll();
    return resources.map((r) => stripMeta(r));
  }

  /** Pending reminders whose time has come and whose lease is free or expired, oldest first. */
  async findDue(buckets: string[] | 'all', limit: number): Promise<Versioned<ReminderDocument>[]> {
    const now = this.clock.now().toISOString();
    const parameters = [
      { name: '@now', value: now },
      { name: '@limit', value: limit },
    ];
    let where = `c.status = 'pending' AND c.nextAttemptAt <= @now AND c.lease.until <= @now`;
    if (buckets !== 'all') {
      if (buckets.length === 0) return [];
      buckets.forEach((b, i) => parameters.push({ name: `@b${i}`, value: b }));
      where = `c.bucket IN (${buckets.map((_, i) => `@b${i}`).join(', ')}) AND ${where}`;
    }
    const { resources } = await this.container.items
      .query<ReminderDocument & { _etag: string }>({ query: `SELECT TOP @limit * FROM c WHERE ${where} ORDER BY c.nextAttemptAt`, parameters })
      .fetchAll();
    return resources.map((r) => ({ doc: stripMeta(r), etag: r._etag }));
  }

  /**
   * Takes the lease with an ETag-conditioned replace: of several instances that found the same
   * reminder, exactly one wins. `undefined` when another instance was first.
   */
  async claim(found: Versioned<ReminderDocument>, owner: string, leaseMs: number): Promise<Claimed | undefined> {
    const token = randomUUID();
    const now = this.clock.now();
    const doc: ReminderDocument = {
      ...found.doc,
      lease: { owner, token, until: new Date(now.getTime() + leaseMs).toISOString() },
      updatedAt: now.toISOString(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const { etag } = await this.container.item(doc.id, doc.bucket).replace(doc, { accessCondition: { type: 'IfMatch', condition: found.etag } });
        return { doc, token, etag: etag ?? '' };
      } catch (err) {
        const code = statusOf(err);
        if (code !== 412 && (attempt >= this.writeAttempts || !isTransient(err))) throw err;
        // 412 either means another instance won, or our own write went through and only its answer was lost.
        const current = await this.retrying(() => this.read(doc.id, doc.bucket));
        if (current?.doc.lease.token === token) return { doc: current.doc, token, etag: current.etag };
        if (code === 412 || !current || current.etag !== found.etag) return undefined;
        await pause(attempt);
      }
    }
  }

  /** Persists a recipient's state while holding the lease; extends the lease. Throws {@link LeaseLostError}. */
  async updateRecipient(claimed: Claimed, index: number, patch: Partial<RecipientDelivery>, leaseMs?: number): Promise<void> {
    const operations: PatchOperation[] = Object.entries(patch).map(([key, value]) => ({ op: 'set', path: `/recipients/${index}/${key}`, value }));
    const now = this.clock.now();
    operations.push({ op: 'set', path: '/updatedAt', value: now.toISOString() });
    if (leaseMs !== undefined) {
      const until = new Date(now.getTime() + leaseMs).toISOString();
      operations.push({ op: 'set', path: '/lease/until', value: until });
      claimed.doc.lease = { ...claimed.doc.lease, until };
    }
    await this.patchHeld(claimed, operations);
    const recipient = claimed.doc.recipients[index];
    if (recipient) Object.assign(recipient, patch);
  }

  /**
   * Records a final recipient state even if the lease was lost meanwhile: once a message went
   * out, saying so is always right, and it keeps a later holder from sending it again.
   */
  async recordFinal(claimed: Claimed, index: number, patch: Partial<RecipientDelivery>): Promise<void> {
    const operations: PatchOperation[] = Object.entries(patch).map(([key, value]) => ({ op: 'set', path: `/recipients/${index}/${key}`, value }));
    operations.push({ op: 'set', path: '/updatedAt', value: this.clock.now().toISOString() });
    const { etag } = await this.retrying(() => this.container.item(claimed.doc.id, claimed.doc.bucket).patch(operations));
    if (etag) claimed.etag = etag;
    const recipient = claimed.doc.recipients[index];
    if (recipient) Object.assign(recipient, patch);
  }

  /**
   * Gives the lease back. When every recipient is final the reminder becomes `sent`; otherwise
   * it stays pending and is picked up again from `nextAttemptAt`.
   */
  async release(claimed: Claimed, nextAttemptAt?: Date): Promise<void> {
    const finished = claimed.doc.recipients.every((r) => isFinal(r.state));
    const operations: PatchOperation[] = [
      { op: 'set', path: '/lease', value: FREE_LEASE },
      { op: 'set', path: '/updatedAt', value: this.clock.now().toISOString() },
    ];
    if (finished) {
      operations.push({ op: 'set', path: '/status', value: 'sent' }, { op: 'set', path: '/ttl', value: this.ttl });
    } else if (nextAttemptAt) {
      operations.push({ op: 'set', path: '/nextAttemptAt', value: nextAttemptAt.toISOString() });
    }
    try {
      await this.patchHeld(claimed, operations);
    } catch (err) {
      if (!(err instanceof LeaseLostError)) throw err;
    }
  }

  /**
   * A write while holding the lease, conditioned on the ETag of our last write. A 412 or an
   * unclear outcome leads to a re-read: if the lease is still ours and the reminder still
   * pending, the same (idempotent) operations are applied to the fresh version; otherwise the
   * lease is lost. (An ETag condition rather than a query condition: the local server
   * evaluates conditional patches by scanning the whole container.)
   */
  private async patchHeld(claimed: Claimed, operations: PatchOperation[]): Promise<void> {
    const item = this.container.item(claimed.doc.id, claimed.doc.bucket);
    for (let attempt = 1; ; attempt++) {
      try {
        const { etag } = await item.patch(operations, { accessCondition: { type: 'IfMatch', condition: claimed.etag } });
        if (etag) claimed.etag = etag;
        return;
      } catch (err) {
        const code = statusOf(err);
        if (code === 404) throw new LeaseLostError(claimed.doc.id);
        if (code !== 412 && (attempt >= this.writeAttempts || !isTransient(err))) throw err;
        if (attempt >= this.writeAttempts * 2) throw err;
        const current = await this.retrying(() => this.read(claimed.doc.id, claimed.doc.bucket));
        if (!current || current.doc.lease.token !== claimed.token || current.doc.status !== 'pending') throw new LeaseLostError(claimed.doc.id);
        claimed.etag = current.etag;
        if (code !== 412) await pause(attempt);
      }
    }
  }

  /** Retries writes whose outcome is unknown; every write here is idempotent (sets, or conditioned). */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= this.writeAttempts || !isTransient(err)) throw err;
        await pause(attempt);
      }
    }
  }
}

/** Server errors, throttling, timeouts and broken connections: the write may or may not have happened. */
export function isTransient(err: unknown): boolean {
  if (err instanceof LeaseLostError) return false;
  const code = statusOf(err);
  if (code !== undefined) return code === 408 || code === 429 || code === 449 || code >= 500;
  // No HTTP answer: only connection-level failures (ECONNRESET, timeouts) are worth another try; anything else is a bug.
  const e = err as { code?: unknown; name?: unknown } | undefined;
  return (typeof e?.code === 'string' && /^(E[A-Z]+|UND_ERR_\w+|REQUEST_SEND_ERROR)$/.test(e.code)) || e?.name === 'AbortError' || e?.name === 'TimeoutError';
}

function pause(attempt: number): Promise<void> {
  const ms = Math.min(1000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sortedRefs(refs: ReminderRef[]): ReminderRef[] {
  return [...refs].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.id.localeCompare(b.id));
}

function daysOf(refs: ReminderRef[]): string[] {
  return [...new Set(refs.map((r) => bucketOf(r.dueAt)))].sort();
}

/** The index with these reminders in it; undefined when it already had them all. */
export function indexWith(index: ReminderIndexDocument | undefined, referralId: string, refs: ReminderRef[], now: Date): ReminderIndexDocument | undefined {
  const key = reminderIndexKey(referralId);
  const at = now.toISOString();
  if (!index) return { id: key, bucket: key, type: 'reminderIndex', referralId, buckets: daysOf(refs), reminders: refs, updatedAt: at };
  const days = [...new Set([...index.buckets, ...daysOf(refs)])].sort();
  // An index from before it listed reminders gets the days only: a partial list would pass for a whole one.
  if (!index.reminders) return days.length === index.buckets.length ? undefined : { ...index, buckets: days, updatedAt: at };
  const known = new Set(index.reminders.map((r) => r.id));
  const added = refs.filter((r) => !known.has(r.id));
  if (added.length === 0 && days.length === index.buckets.length) return undefined;
  return { ...index, buckets: days, reminders: [...index.reminders, ...added], updatedAt: at };
}

/** The index without these reminders (its days follow); undefined when it had none of them. */
export function indexWithout(index: ReminderIndexDocument | undefined, ids: Set<string>, now: Date): ReminderIndexDocument | undefined {
  if (!index?.reminders || !index.reminders.some((r) => ids.has(r.id))) return undefined;
  const reminders = index.reminders.filter((r) => !ids.has(r.id));
  return { ...index, reminders, buckets: daysOf(reminders), updatedAt: now.toISOString() };
}
