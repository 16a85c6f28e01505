import type { Container } from '@azure/cosmos';
import { ConcurrencyError, readDoc, replaceDoc, stripMeta, upsertDoc, type Versioned } from './documents.js';

/** The kind (partition) of the `config` container that holds who wants a daily digest. */
const KIND = 'digest';

/**
 * One person's daily digest (container `config`, pk `/kind` = `digest`): one small document per
 * person who asked for it, all in one partition, so the job finds who is due with one
 * single-partition query whose size is the number of subscribers.
 */
export interface DigestSubscription {
  id: string;
  kind: typeof KIND;
  aadObjectId: string;
  /** Local wall-clock time, `HH:MM`. */
  time: string;
  lang: 'nl' | 'en';
  /** The local day of the last digest claimed: at most one per person per day. */
  lastDay?: string;
  updatedAt: string;
}

const idOf = (aadObjectId: string) => `digest:${aadObjectId}`;

export class DigestRepository {
  constructor(private readonly container: Container) {}

  async get(aadObjectId: string): Promise<DigestSubscription | undefined> {
    return (await readDoc<DigestSubscription>(this.container, idOf(aadObjectId), KIND))?.doc;
  }

  /** On (or a new time); keeps the day already sent, so switching on again sends no second digest today. */
  async subscribe(aadObjectId: string, time: string, lang: 'nl' | 'en', at: Date): Promise<void> {
    const known = await this.get(aadObjectId);
    await upsertDoc(this.container, { id: idOf(aadObjectId), kind: KIND, aadObjectId, time, lang, ...(known?.lastDay ? { lastDay: known.lastDay } : {}), updatedAt: at.toISOString() } satisfies DigestSubscription);
  }

  async unsubscribe(aadObjectId: string): Promise<boolean> {
    try {
      await this.container.item(idOf(aadObjectId), KIND).delete();
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return false;
      throw err;
    }
  }

  /** Subscriptions whose time has come today (`time` ≤ `localTime`) and that have not had today's digest. */
  async due(today: string, localTime: string): Promise<Versioned<DigestSubscription>[]> {
    const { resources } = await this.container.items
      .query<DigestSubscription & { _etag: string }>(
        {
          query: 'SELECT * FROM c WHERE c.kind = @kind AND c.time <= @time AND (NOT IS_DEFINED(c.lastDay) OR c.lastDay < @today)',
          parameters: [
            { name: '@kind', value: KIND },
            { name: '@time', value: localTime },
            { name: '@today', value: today },
          ],
        },
        { partitionKey: KIND },
      )
      .fetchAll();
    return resources.map((r) => ({ doc: stripMeta(r), etag: r._etag }));
  }

  /** Takes today's digest (IfMatch): of several instances exactly one wins; false when another did. */
  async claim(found: Versioned<DigestSubscription>, today: string, at: Date): Promise<boolean> {
    try {
      await replaceDoc(this.container, { ...found.doc, lastDay: today, updatedAt: at.toISOString() }, KIND, found.etag);
      return true;
    } catch (err) {
      if (err instanceof ConcurrencyError) return false;
      throw err;
    }
  }

  /** Gives today's digest back after a send that failed, so a later pass tries again. */
  async release(aadObjectId: string, today: string, previous: string | undefined): Promise<void> {
    const found = await readDoc<DigestSubscription>(this.container, idOf(aadObjectId), KIND);
    if (!found || found.doc.lastDay !== today) return;
    const { lastDay: _drop, ...rest } = found.doc;
    await replaceDoc(this.container, { ...rest, ...(previous ? { lastDay: previous } : {}) }, KIND, found.etag).catch(() => undefined);
  }
}
