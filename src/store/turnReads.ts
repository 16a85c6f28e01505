import { AsyncLocalStorage } from 'node:async_hooks';
import type { Referral } from '../domain/referral.js';
import type { Versioned } from './documents.js';

/**
 * What one turn has read (or written): the referral it is about, found or not, and the
 * coordinators document, so the gate's reads also serve the handler's view and decision — one
 * point read per document per turn instead of one per step. Only inside a turn; the effect
 * runner, the scheduler and the web pages always read the database. A write that loses its race
 * (ETag) drops the entry, so the retry reads afresh; each reader gets its own copy.
 */
const turn = new AsyncLocalStorage<Map<string, unknown>>();

/** Runs one turn with its own memory of reads. */
export function withTurnReads<T>(fn: () => Promise<T>): Promise<T> {
  return turn.run(new Map(), fn);
}

export const turnMemo = {
  /** What this turn read for `key` before (also "not found"), else `load()`, remembered. */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const memory = turn.getStore();
    if (!memory) return load();
    if (memory.has(key)) return structuredClone(memory.get(key)) as T;
    const value = await load();
    memory.set(key, structuredClone(value));
    return value;
  },
  set(key: string, value: unknown): void {
    turn.getStore()?.set(key, structuredClone(value));
  },
  forget(key: string): void {
    turn.getStore()?.delete(key);
  },
};

const referralKey = (referralId: string) => `referral:${referralId}`;

export const turnReads = {
  get(referralId: string, load: () => Promise<Versioned<Referral> | undefined>): Promise<Versioned<Referral> | undefined> {
    return turnMemo.get(referralKey(referralId), load);
  },
  set(found: Versioned<Referral>): void {
    turnMemo.set(referralKey(found.doc.referralId), found);
  },
  forget(referralId: string): void {
    turnMemo.forget(referralKey(referralId));
  },
};
