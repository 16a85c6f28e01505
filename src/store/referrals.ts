import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { DomainEvent } from '../domain/decision.js';
import type { PendingEntry } from '../domain/effects.js';
import type { Referral, ReferralState } from '../domain/referral.js';
import type { Logger } from '../log.js';
import { createDoc, readDoc, replaceDoc, statusOf, stripMeta, type Versioned } from './documents.js';

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
 * A case-index document (container `cases`, pk `/key`): `person:<aad>` lists the referrals a
 * person is or was party to; `number:<AM-…>` points from a referral number to its id. Both are
 * hints written before the referral itself: a reader checks the referral it points to.
 */
interface CaseIndexDoc {
  id: string;
  key: string;
  referralId: string;
}

const personKey = (aad: string) => `person:${aad}`;
const numberKey = (n: string) => `number:${n.toUpperCase()}`;
const peopleOf = (r: Referral): string[] => [r.smw.aadObjectId, ...(r.caseManager ? [r.caseManager.aadObjectId] : [])];

/** Referrals and their audit/timeline entries (container `referrals`, pk `/referralId`), with the case index. */
export class ReferralRepository {
  constructor(
    private readonly container: Container,
    private readonly log: Logger,
    private readonly cases: Container,
  ) {}

  async get(referralId: string): Promise<Versioned<Referral> | undefined> {
    const found = await readDoc<Referral>(this.container, referralId, referralId);
    if (!found || found.doc.type !== 'referral') return undefined;
    return { doc: stripMeta(found.doc), etag: found.etag };
  }

  async create(referral: Referral): Promise<Versioned<Referral>> {
    await this.index(referral, undefined);
    return createDoc(this.container, referral);
  }

  /**
   * Replaces only if unchanged since read; throws ConcurrencyError('changed') otherwise. With the
   * stored version (`previous`) only people new to the referral are indexed.
   */
  async save(referral: Referral, etag: string, previous?: Referral): Promise<Versioned<Referral>> {
    await this.index(referral, previous);
    return replaceDoc(this.container, referral, referral.referralId, etag);
  }

  /** Case index for people new to the referral and its number; idempotent, written before the referral. */
  private async index(referral: Referral, previous: Referral | undefined): Promise<void> {
    const before = new Set(previous ? peopleOf(previous) : []);
    const docs: CaseIndexDoc[] = peopleOf(referral)
      .filter((p) => !before.has(p))
      .map((p) => ({ id: referral.referralId, key: personKey(p), referralId: referral.referralId }));
    if (!previous) docs.push({ id: referral.number, key: numberKey(referral.number), referralId: referral.referralId });
    for (const doc of docs) await this.cases.items.upsert(doc);
  }

  /** Writes committed entries as their own documents; ids are deterministic, so a repeat is a no-op. */
  async writeEntries(referralId: string, entries: PendingEntry[]): Promise<void> {
    for (const pending of entries) {
      const { event } = pending;
      const entry: ReferralEntry = {
        id: pending.id,
        referralId,
        type: event.type,
        at: pending.at,
        actor: pending.actor,
        action: event.type === 'audit' ? event.action : event.entry,
        detail: event.detail,
      };
      try {
        await this.container.items.create(entry);
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
    }
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

  /** The latest `count` entries of a type, newest first (the case card shows three). One single-partition query. */
  async latestEntries(referralId: string, type: ReferralEntry['type'], count: number): Promise<ReferralEntry[]> {
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

  async entries(referralId: string, type: ReferralEntry['type']): Promise<ReferralEntry[]> {
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
    return this.listIndexed(aadObjectId, (r) => r.smw.aadObjectId === aadObjectId && states.includes(r.state));
  }

  /** Open referrals where the person is SMW'er or casusregisseur. */
  async listForPerson(aadObjectId: string, states: ReferralState[]): Promise<Referral[]> {
    return this.listIndexed(aadObjectId, (r) => (r.smw.aadObjectId === aadObjectId || r.caseManager?.aadObjectId === aadObjectId) && states.includes(r.state));
  }

  /** One single-partition query of the person's index, then a point read per referral: cost follows the person's cases, not the data. */
  private async listIndexed(aadObjectId: string, keep: (r: Referral) => boolean): Promise<Referral[]> {
    const key = personKey(aadObjectId);
    const { resources } = await this.cases.items
      .query<{ referralId: string }>({ query: 'SELECT c.referralId FROM c WHERE c.key = @k', parameters: [{ name: '@k', value: key }] }, { partitionKey: key })
      .fetchAll();
    const found = await Promise.all(resources.map((r) => this.get(r.referralId)));
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
    for (const entry of resources) {
      await this.container.item(entry.id, referralId).patch([{ op: 'add', path: '/ttl', value: ttlSeconds }]);
    }
    return resources.length;
  }
}
