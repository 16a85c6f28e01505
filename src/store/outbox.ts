import type { Container } from '@azure/cosmos';
import type { OutboxDocument } from '../notify/outbox.js';
import { stripMeta } from './documents.js';

/** Reads the local-mode outbox (container `outbox`, pk `/referralId`). */
export class OutboxRepository {
  constructor(private readonly container: Container) {}

  /** Mail of the given referrals, newest first (one single-partition query per referral). */
  async forReferrals(referralIds: string[], limit = 20): Promise<OutboxDocument[]> {
    const all: OutboxDocument[] = [];
    for (const id of referralIds) {
      const { resources } = await this.container.items
        .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.referralId = @id', parameters: [{ name: '@id', value: id }] }, { partitionKey: id })
        .fetchAll();
      all.push(...resources.map(stripMeta));
    }
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, limit);
  }
}
