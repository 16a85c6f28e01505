import type { Container } from '@azure/cosmos';
import { ConcurrencyError, createDoc, readDoc, replaceDoc } from './documents.js';
import { turnMemo } from './turnReads.js';

/** Coordinators added from the chat (container `config`, pk `/kind`); the configured ones are never stored. */
interface CoordinatorsDoc {
  id: 'coordinators';
  kind: 'coordinators';
  ids: string[];
  updatedAt: string;
  updatedBy: string;
}

export type CoordinatorChange = 'added' | 'removed' | 'unchanged' | 'fixed';

/**
 * Who is a coordinator (Servicepunt SMW / beheer): the Entra object ids of `COORDINATOR_AAD_IDS`,
 * which cannot be removed from the chat, plus those coordinators added from the chat. Never
 * "everyone": an empty configuration means nobody.
 */
/** The turn's memory of the added coordinators (see `turnMemo`). */
const COORDINATORS_READ = 'coordinators';

export class CoordinatorDirectory {
  constructor(
    private readonly container: Container,
    private readonly configured: readonly string[],
  ) {}

  async has(aadObjectId: string): Promise<boolean> {
    if (this.configured.includes(aadObjectId)) return true;
    // Once per turn (the gate and the handler both ask); a change always reads afresh.
    const ids = await turnMemo.get(COORDINATORS_READ, async () => (await this.stored())?.doc.ids ?? []);
    return ids.includes(aadObjectId);
  }

  async list(): Promise<{ configured: string[]; added: string[] }> {
    return { configured: [...this.configured], added: (await this.stored())?.doc.ids ?? [] };
  }

  async add(aadObjectId: string, by: string, at: Date): Promise<CoordinatorChange> {
    if (this.configured.includes(aadObjectId)) return 'unchanged';
    return this.change(by, at, (ids) => (ids.includes(aadObjectId) ? undefined : [...ids, aadObjectId]), 'added');
  }

  async remove(aadObjectId: string, by: string, at: Date): Promise<CoordinatorChange> {
    if (this.configured.includes(aadObjectId)) return 'fixed';
    return this.change(by, at, (ids) => (ids.includes(aadObjectId) ? ids.filter((id) => id !== aadObjectId) : undefined), 'removed');
  }

  private async stored() {
    return readDoc<CoordinatorsDoc>(this.container, 'coordinators', 'coordinators');
  }

  /**
   * Read, change, write with IfMatch; a concurrent change is re-read and re-applied. Never from
   * the turn's memory (the ETag must be the stored one), which forgets the list it may hold.
   */
  private async change(by: string, at: Date, next: (ids: string[]) => string[] | undefined, done: CoordinatorChange): Promise<CoordinatorChange> {
    turnMemo.forget(COORDINATORS_READ);
    for (let attempt = 0; attempt < 5; attempt++) {
      const found = await this.stored();
      const ids = next(found?.doc.ids ?? []);
      if (!ids) return 'unchanged';
      const doc: CoordinatorsDoc = { id: 'coordinators', kind: 'coordinators', ids, updatedAt: at.toISOString(), updatedBy: by };
      try {
        if (found) await replaceDoc(this.container, doc, 'coordinators', found.etag);
        else await createDoc(this.container, doc);
        return done;
      } catch (err) {
        if (err instanceof ConcurrencyError) continue;
        throw err;
      }
    }
    throw new ConcurrencyError('changed', 'config/coordinators');
  }
}
