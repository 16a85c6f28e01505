import { LRUCache } from 'lru-cache';

/**
 * A small read-through cache for documents that change rarely and are read on almost every
 * message the bot sends (conversation references, the wijkindeling, a wijkteam's channel).
 * Only found documents are kept, so something created by another instance is seen at once;
 * a change made by another instance is seen within `ttlMs`, one made here at once (the
 * repositories write through). Holds no personal data of pupils or parents.
 */
export class ReadCache<V extends object> {
  private readonly cache: LRUCache<string, V>;

  private readonly enabled: boolean;

  /** `ttlMs` 0 turns the cache off (every read goes to the database). */
  constructor(options: { max: number; ttlMs: number }) {
    this.enabled = options.ttlMs > 0;
    this.cache = new LRUCache<string, V>({ max: options.max, ttl: Math.max(1, options.ttlMs) });
  }

  /** The kept value, or what `load` finds (kept when found). */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    if (!this.enabled) return load();
    const kept = this.cache.get(key);
    if (kept !== undefined) return kept;
    const found = await load();
    if (found !== undefined) this.set(key, found);
    return found;
  }

  /** Kept frozen: every reader shares the one object. */
  set(key: string, value: V): void {
    if (this.enabled) this.cache.set(key, Object.freeze(value));
  }

  forget(key: string): void {
    this.cache.delete(key);
  }
}
