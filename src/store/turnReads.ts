import { AsyncLocalStorage } from 'node:async_hooks';
import type { Referral } from '../domain/referral.js';
import type { Versioned } from './documents.js';

/**
 * The referrals one turn has read or written, so the gate's read also serves the handler's view
 * and decision: one point read per turn instead of one per step. Only inside a turn; the effect
 * runner, the scheduler and the web pages always read the database. A write that loses its race
 * (ETag) drops the entry, so the retry reads afresh; each reader gets its own copy.
 */
const turn = new AsyncLocalStorage<Map<string, Versioned<Referral>>>();

/** Runs one turn with its own memory of referral reads. */
export function withTurnReads<T>(fn: () => Promise<T>): Promise<T> {
  return turn.run(new Map(), fn);
}

export const turnReads = {
  get(referralId: string): Versioned<Referral> | undefined {
    const kept = turn.getStore()?.get(referralId);
    return kept ? structuredClone(kept) : undefined;
  },
  set(found: Versioned<Referral>): void {
    turn.getStore()?.set(found.doc.referralId, structuredClone(found));
  },
  forget(referralId: string): void {
    turn.getStore()?.delete(referralId);
  },
};
