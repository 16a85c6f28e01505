import type { Container } from '@azure/cosmos';
import { readDoc, statusOf } from './documents.js';

/**
 * One document per referral that has open effects, all in one small partition (`bucket: due`):
 * the runner's due query reads only this partition, whose size is the number of referrals with
 * work in flight, not the number of referrals. The referral's outbox is the truth; this is a hint
 * written before the commit and removed (IfMatch) only after the runner saw an empty outbox.
 */
export interface DueMark {
  id: string;
  bucket: typeof BUCKET;
  referralId: string;
  nextAt: string;
  leaseUntil?: string;
  owner?: string;
  /** The outbox sequence of the latest commit that marked it (a runner that saw less must not remove the mark). */
  seq?: number;
}

/** A runner's hold on a mark: the ETag to release it with, and the commit sequence the mark asked for then. */
export interface Lease {
  etag: string;
  seq: number;
  /**
   * Held since the commit that created the mark, which took the lease for this process, and
   * unchanged since: nobody can have run the referral's effects after that commit, so the runner
   * may start from the referral as committed instead of reading it.
   */
  sinceCommit?: boolean;
}

/** The lease a committing process takes with the mark it creates, for its own runner. */
export interface Hold {
  owner: string;
  until: Date;
}

const BUCKET = 'due';

export class EffectIndex {
  /**
   * The mark as this process last wrote it (with its ETag), per referral: a runner started right
   * after the commit claims with it instead of reading the mark first. Only a hint: when anyone
   * wrote the mark since, the claim's IfMatch fails and the mark is read as usual.
   */
  private readonly written = new Map<string, { doc: DueMark; etag: string }>();

  constructor(private readonly container: Container) {}

  private remember(referralId: string, doc: DueMark | undefined, etag: string | undefined): void {
    if (doc && etag) this.written.set(referralId, { doc, etag });
    else this.written.delete(referralId);
    // A hint per referral with work in flight; never more than a few thousand.
    if (this.written.size > 5_000) this.written.delete(this.written.keys().next().value as string);
  }

  /**
   * Marks a referral due at `nextAt`; keeps a runner's lease (patch), so the holder sees the change
   * on release. A new mark may be created with the lease already taken (`hold`): the committing
   * process runs the effects right after its commit, and another instance's loop leaves them to it
   * (or takes over when the lease runs out, after a crash) — no separate claim for every commit.
   */
  async mark(referralId: string, nextAt: string, seq = 0, hold?: Hold): Promise<void> {
    // Usually the first mark (a fresh commit): create; when one exists, patch so a runner keeps its lease.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const { resource, etag } = await this.container.items.create<DueMark>({ id: referralId, bucket: BUCKET, referralId, nextAt, seq, ...(hold ? { owner: hold.owner, leaseUntil: hold.until.toISOString() } : {}) });
        this.remember(referralId, resource, etag);
        return;
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
      try {
        const { resource, etag } = await this.container.item(referralId, BUCKET).patch<DueMark>([
          { op: 'set', path: '/nextAt', value: nextAt },
          { op: 'set', path: '/seq', value: seq },
        ]);
        this.remember(referralId, resource, etag);
        return;
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    }
  }

  /** Referrals due at `now` whose lease (if any) has run out, earliest first. */
  async due(now: string, limit: number): Promise<string[]> {
    const { resources } = await this.container.items
      .query<{ referralId: string }>(
        {
          query: 'SELECT TOP @n c.referralId FROM c WHERE c.bucket = @b AND c.nextAt <= @now AND (NOT IS_DEFINED(c.leaseUntil) OR c.leaseUntil < @now) ORDER BY c.nextAt',
          parameters: [
            { name: '@n', value: limit },
            { name: '@b', value: BUCKET },
            { name: '@now', value: now },
          ],
        },
        { partitionKey: BUCKET },
      )
      .fetchAll();
    return resources.map((r) => r.referralId);
  }

  /** Takes the referral's lease; the ETag to release it with, or undefined when someone else holds it. */
  async claim(referralId: string, owner: string, now: Date, leaseMs: number): Promise<Lease | undefined> {
    const written = this.written.get(referralId);
    this.written.delete(referralId);
    if (written) {
      // Created with this owner's lease by a commit here, with most of the lease left: already held.
      const until = written.doc.leaseUntil ? Date.parse(written.doc.leaseUntil) : 0;
      if (written.doc.owner === owner && until - now.getTime() >= leaseMs / 2) return { etag: written.etag, seq: written.doc.seq ?? 0, sinceCommit: true };
      const lease = await this.take(referralId, written.doc, written.etag, owner, now, leaseMs);
      if (lease) return lease;
    }
    const found = await readDoc<DueMark>(this.container, referralId, BUCKET);
    if (!found) return undefined;
    return this.take(referralId, found.doc, found.etag, owner, now, leaseMs);
  }

  /** The lease on the mark as read (`doc`, `etag`); undefined when someone else holds it or it changed since. */
  private async take(referralId: string, doc: DueMark, etag: string, owner: string, now: Date, leaseMs: number): Promise<Lease | undefined> {
    if (doc.leaseUntil && doc.leaseUntil > now.toISOString() && doc.owner !== owner) return undefined;
    try {
      const { etag: next } = await this.container
        .item(referralId, BUCKET)
        .replace<DueMark>({ id: referralId, bucket: BUCKET, referralId, nextAt: doc.nextAt, owner, leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), ...(doc.seq !== undefined ? { seq: doc.seq } : {}) }, { accessCondition: { type: 'IfMatch', condition: etag } });
      return next ? { etag: next, seq: doc.seq ?? 0 } : undefined;
    } catch (err) {
      if (statusOf(err) === 412) return undefined;
      throw err;
    }
  }

  /**
   * Gives the lease back: removes the mark when nothing waits, else sets the next time. False when
   * the mark changed meanwhile (a new commit): the caller looks at the referral again.
   */
  async release(referralId: string, lease: Lease, nextAt: string | undefined, seenSeq: number, now: string): Promise<boolean> {
    // The mark asked for a commit this runner has not seen: it is being saved right now (the mark
    // is written before the save). Removing the mark could strand it: keep it once more, due at
    // once, at the sequence seen (a commit that never landed then cannot keep it forever).
    const keep = nextAt ?? (lease.seq > seenSeq ? now : undefined);
    const condition = { accessCondition: { type: 'IfMatch' as const, condition: lease.etag } };
    try {
      if (keep === undefined) await this.container.item(referralId, BUCKET).delete(condition);
      else await this.container.item(referralId, BUCKET).replace<DueMark>({ id: referralId, bucket: BUCKET, referralId, nextAt: keep, seq: seenSeq }, condition);
      return true;
    } catch (err) {
      const status = statusOf(err);
      if (status === 412) return false;
      if (status === 404) return true;
      throw err;
    }
  }

  async remove(referralId: string): Promise<void> {
    try {
      await this.container.item(referralId, BUCKET).delete();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }
}
