import type { Container } from '@azure/cosmos';
import type { Store } from './cosmos.js';
import { stripMeta } from './documents.js';
import { turnReads } from './turnReads.js';

/** Everything Schakel holds about one referral (one family), across containers. */
export interface FamilyData {
  referral: Record<string, unknown>[];
  reminders: Record<string, unknown>[];
  outbox: Record<string, unknown>[];
}

type Located = { container: Container; id: string; pk: string };

/**
 * Export and erasure of one family's data on request (AVG): the referral's partition (referral,
 * audit and timeline entries), its reminders and its outbox mail.
 */
export class FamilyDataRepository {
  constructor(private readonly store: Store) {}

  async export(referralId: string): Promise<FamilyData> {
    const [referral, reminders, outbox] = await Promise.all([
      this.all(this.store.containers.referrals, 'SELECT * FROM c WHERE c.referralId = @id', referralId, true),
      this.all(this.store.containers.reminders, 'SELECT * FROM c WHERE c.referralId = @id', referralId),
      this.all(this.store.containers.outbox, 'SELECT * FROM c WHERE c.referralId = @id', referralId, true),
    ]);
    return { referral, reminders, outbox };
  }

  /** Deletes every document of the referral; returns how many. */
  async erase(referralId: string): Promise<number> {
    const { referrals, reminders, outbox } = this.store.containers;
    const located: Located[] = [
      ...(await this.all(referrals, 'SELECT c.id FROM c WHERE c.referralId = @id', referralId, true)).map((d) => ({ container: referrals, id: String(d.id), pk: referralId })),
      ...(await this.all(reminders, 'SELECT c.id, c.bucket FROM c WHERE c.referralId = @id', referralId)).map((d) => ({ container: reminders, id: String(d.id), pk: String(d.bucket) })),
      ...(await this.all(outbox, 'SELECT c.id FROM c WHERE c.referralId = @id', referralId, true)).map((d) => ({ container: outbox, id: String(d.id), pk: referralId })),
    ];
    // The case index and the runner's due mark point at the referral: they go too.
    const { cases, effects } = this.store.containers;
    located.push(
      ...(await this.all(cases, 'SELECT c.id, c.key FROM c WHERE c.referralId = @id', referralId)).map((d) => ({ container: cases, id: String(d.id), pk: String(d.key) })),
      ...(await this.all(effects, 'SELECT c.id, c.bucket FROM c WHERE c.referralId = @id', referralId)).map((d) => ({ container: effects, id: String(d.id), pk: String(d.bucket) })),
    );
    turnReads.forget(referralId);
    for (const doc of located) await doc.container.item(doc.id, doc.pk).delete();
    // People's case lists keep only ids, but an erased referral leaves no trace there either.
    const lists = await this.all(cases, 'SELECT c.id, c.key FROM c WHERE IS_ARRAY(c.referralIds) AND ARRAY_CONTAINS(c.referralIds, @id)', referralId);
    for (const list of lists) await this.dropFromList(cases, String(list.id), String(list.key), referralId);
    return located.length;
  }

  /** Removes one id from a person's case list (ETag-conditioned; read again on a race). */
  private async dropFromList(cases: Container, id: string, key: string, referralId: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const { resource, etag } = await cases.item(id, key).read<{ referralIds: string[]; ended?: string[] }>();
      if (!resource || !etag) return;
      const next = {
        ...stripMeta(resource as unknown as Record<string, unknown>),
        referralIds: resource.referralIds.filter((x) => x !== referralId),
        ...(resource.ended ? { ended: resource.ended.filter((x) => x !== referralId) } : {}),
      };
      try {
        await cases.item(id, key).replace(next, { accessCondition: { type: 'IfMatch', condition: etag } });
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== 412) throw err;
      }
    }
  }

  /** `onePartition`: the container is partitioned by referral id, so the query stays in one partition. */
  private async all(container: Container, query: string, referralId: string, onePartition = false): Promise<Record<string, unknown>[]> {
    const { resources } = await container.items.query<Record<string, unknown>>({ query, parameters: [{ name: '@id', value: referralId }] }, onePartition ? { partitionKey: referralId } : {}).fetchAll();
    return resources.map(stripMeta);
  }
}
