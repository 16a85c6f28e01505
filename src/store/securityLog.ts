import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';

/**
 * A security-relevant event that has no referral to be audited on (or is about the product's
 * configuration): refused actions, coordinator changes. Ids only, never a name or free text.
 */
export interface SecurityEntry {
  /** What was tried or changed: a card verb, a command id, `coordinator.added`, … */
  action: string;
  outcome: 'refused' | 'changed';
  /** Entra object id of the person, when Teams said who. */
  actor?: string;
  tenantId?: string;
  referralId?: string;
  /** Why it was refused (`notFound`, `notAllowed`) or what changed, as ids and codes. */
  detail?: Record<string, string | number | boolean>;
}

interface SecurityDoc extends SecurityEntry {
  id: string;
  /** Partition key: the UTC day, so a day's events are read together and expire together. */
  day: string;
  at: string;
  ttl: number;
}

/** Container `security` (pk `/day`): kept `retentionDays`, then removed by Cosmos TTL. */
export class SecurityLog {
  constructor(
    private readonly container: Container,
    private readonly retentionDays: number,
  ) {}

  async write(entry: SecurityEntry, at: Date): Promise<void> {
    const iso = at.toISOString();
    const doc: SecurityDoc = { ...entry, id: randomUUID(), day: iso.slice(0, 10), at: iso, ttl: this.retentionDays * 86_400 };
    await this.container.items.create(doc);
  }

  /** The entries of one UTC day (a single-partition query), oldest first. */
  async day(day: string): Promise<(SecurityEntry & { at: string })[]> {
    const { resources } = await this.container.items
      .query<SecurityDoc>(
        { query: 'SELECT * FROM c WHERE c.day = @day ORDER BY c.at ASC', parameters: [{ name: '@day', value: day }] },
        { partitionKey: day },
      )
      .fetchAll();
    return resources.map(({ action, outcome, actor, tenantId, referralId, detail, at }) => ({ action, outcome, actor, tenantId, referralId, detail, at }));
  }
}
