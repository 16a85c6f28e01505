import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { DomainEvent } from '../domain/decision.js';
import type { Referral, ReferralState } from '../domain/referral.js';
import type { Logger } from '../log.js';
import { createDoc, readDoc, replaceDoc, stripMeta, type Versioned } from './documents.js';

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

/** Referrals and their audit/timeline entries (container `referrals`, pk `/referralId`). */
export class ReferralRepository {
  constructor(
    private readonly container: Container,
    private readonly log: Logger,
  ) {}

  async get(referralId: string): Promise<Versioned<Referral> | undefined> {
    const found = await readDoc<Referral>(this.container, referralId, referralId);
    if (!found || found.doc.type !== 'referral') return undefined;
    return { doc: stripMeta(found.doc), etag: found.etag };
  }

  async create(referral: Referral): Promise<Versioned<Referral>> {
    return createDoc(this.container, referral);
  }

  /** Replaces only if unchanged since read; throws ConcurrencyError('changed') otherwise. */
  async save(referral: Referral, etag: string): Promise<Versioned<Referral>> {
    return replaceDoc(this.container, referral, referral.referralId, etag);
  }

  /** Writes the audit and timeline events of a decision as entries in the referral's partition. */
  async record(referralId: string, actor: string, events: DomainEvent[], at: Date): Promise<void> {
    for (const event of events) {
      const entry: ReferralEntry = {
        id: randomUUID(),
        referralId,
        type: event.type,
        at: at.toISOString(),
        actor,
        action: event.type === 'audit' ? event.action : event.entry,
        detail: event.detail,
      };
      await this.container.items.create(entry);
      this.log.debug({ referralId, action: entry.action, type: entry.type }, 'referral entry written');
    }
  }

  async entries(referralId: string, type: ReferralEntry['type']): Promise<ReferralEntry[]> {
    const { resources } = await this.container.items
      .query<ReferralEntry>({
        query: 'SELECT * FROM c WHERE c.referralId = @id AND c.type = @type ORDER BY c.at ASC',
        parameters: [
          { name: '@id', value: referralId },
          { name: '@type', value: type },
        ],
      })
      .fetchAll();
    return resources.map(stripMeta);
  }

  /** Referrals in the given states where the person is SMW'er (cross-partition: per user, small). */
  async listForSmw(aadObjectId: string, states: ReferralState[]): Promise<Referral[]> {
    const { resources } = await this.container.items
      .query<Referral>({
        query: 'SELECT * FROM c WHERE c.type = "referral" AND c.smw.aadObjectId = @user AND ARRAY_CONTAINS(@states, c.state) ORDER BY c.updatedAt DESC',
        parameters: [
          { name: '@user', value: aadObjectId },
          { name: '@states', value: states },
        ],
      })
      .fetchAll();
    return resources.map(stripMeta);
  }

  /** Open referrals where the person is SMW'er or casusregisseur. */
  async listForPerson(aadObjectId: string, states: ReferralState[]): Promise<Referral[]> {
    const { resources } = await this.container.items
      .query<Referral>({
        query:
          'SELECT * FROM c WHERE c.type = "referral" AND (c.smw.aadObjectId = @user OR c.caseManager.aadObjectId = @user) AND ARRAY_CONTAINS(@states, c.state) ORDER BY c.updatedAt DESC',
        parameters: [
          { name: '@user', value: aadObjectId },
          { name: '@states', value: states },
        ],
      })
      .fetchAll();
    return resources.map(stripMeta);
  }

  async findByNumber(number: string): Promise<Referral | undefined> {
    const { resources } = await this.container.items
      .query<Referral>({ query: 'SELECT * FROM c WHERE c.type = "referral" AND c.number = @n', parameters: [{ name: '@n', value: number.toUpperCase() }] })
      .fetchAll();
    return resources[0] ? stripMeta(resources[0]) : undefined;
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
      .query<ReferralEntry>({ query: 'SELECT * FROM c WHERE c.referralId = @id AND c.type != "referral"', parameters: [{ name: '@id', value: referralId }] })
      .fetchAll();
    for (const entry of resources) {
      await this.container.item(entry.id, referralId).patch([{ op: 'add', path: '/ttl', value: ttlSeconds }]);
    }
    return resources.length;
  }
}
