import { newAccount, type AccountNode, type ItemNode, type ItemsNode, type PageOptions, type QueryParams, type StoredDoc, type DatabaseNode, type CollectionNode } from './engine.js';
import { conditionsOf, isPlainKey } from './queryFilter.js';
import { ExpiryQueue } from './expiryQueue.js';

/** Which map of the account a mutation belongs to: the databases, one database's collections, one collection's documents. */
export type Kind = 'dbs' | 'colls' | 'docs';

/**
 * One change as the journal stores it. `put` carries the whole stored resource (with `_rid`,
 * `_etag`, `_ts`), so replaying it restores exactly what was acknowledged; `n` is the map's
 * resource-id counter, so ids handed out after a restart never collide with loaded ones.
 */
export type Mutation =
  | { o: 'put'; k: Kind; s: string[]; n: number; d: StoredDoc }
  | { o: 'del'; k: Kind; s: string[]; id: string; pk?: unknown };

interface Scope {
  kind: Kind;
  path: string[];
}

/**
 * The embedded server's in-memory account, instrumented: every change to a database, container
 * or document is recorded as a {@link Mutation}; the changes made by one synchronous operation
 * (a replace is a delete plus a set) are handed to `sink` as one frame, so a frame is atomic.
 * It also keeps a per-partition index for queries and a queue of TTL expiries.
 */
export class EmbeddedState {
  readonly account: AccountNode;
  private readonly scopes = new WeakMap<ItemsNode, Scope>();
  private readonly partitions = new WeakMap<ItemsNode, Map<unknown, Map<string, ItemNode>>>();
  private readonly expiries = new ExpiryQueue<{ items: ItemsNode; path: string[]; rid: string; etag: unknown }>();
  private openFrame: Mutation[] | undefined;
  private recording = false;
  sink: (frame: Mutation[]) => void = () => undefined;

  constructor(
    host: string,
    port: number,
    private readonly now: () => number,
  ) {
    this.account = newAccount(host, port);
    this.instrument(this.account.databases, { kind: 'dbs', path: [] });
  }

  /** Applies stored mutations without recording them again (loading a snapshot or the journal). */
  replay(mutations: Mutation[]): number {
    let applied = 0;
    for (const m of mutations) {
      const items = this.resolve(m.k, m.s);
      if (!items) continue;
      if (m.o === 'put') {
        items._ridCount = Math.max(items._ridCount, m.n);
        if (m.k === 'docs' && !this.loadDirectly(items, m)) items._set(m.d);
        else if (m.k !== 'docs') items._set(m.d);
      } else if (items._item('/id', m.id, m.pk).read()) {
        items.delete(m.id, m.pk);
      }
      applied++;
    }
    return applied;
  }

  /**
   * A new document without unique keys besides `id` goes straight into the maps, as `_set`
   * would put it (loading 100,000 documents this way takes a third of the time). False: use `_set`.
   */
  private loadDirectly(items: ItemsNode, m: Extract<Mutation, { o: 'put' }>): boolean {
    if (items._uniqueKeyPaths.length !== 1 || items._data.has(m.d._rid)) return false;
    const pk = items._getPartition(m.d);
    const key = items._getId('/id', m.d.id, pk);
    if (items._index.has(key)) return false;
    items._index.set(key, m.d._rid);
    items._data.set(m.d._rid, items._newItem(m.d));
    this.afterSet(items, this.scopes.get(items)!, m.d, pk);
    return true;
  }

  startRecording(): void {
    this.recording = true;
  }

  /** Hands the open frame to the sink now (normally done at the end of the current tick). */
  seal(): void {
    const frame = this.openFrame;
    this.openFrame = undefined;
    if (frame && frame.length > 0) this.sink(frame);
  }

  /** Every resource as `put` mutations, parents first: the content of a snapshot. References, not copies (stored objects are never changed in place). */
  capture(): Mutation[] {
    const out: Mutation[] = [];
    const dbs = this.account.databases;
    for (const db of dbs._data.values()) {
      const d = db.read();
      if (!d) continue;
      out.push({ o: 'put', k: 'dbs', s: [], n: dbs._ridCount, d });
      const colls = (db as DatabaseNode).collections;
      for (const coll of colls._data.values()) {
        const c = coll.read();
        if (!c) continue;
        out.push({ o: 'put', k: 'colls', s: [d.id], n: colls._ridCount, d: c });
        const docs = (coll as CollectionNode).documents;
        for (const doc of docs._data.values()) {
          const x = doc.read();
          if (x) out.push({ o: 'put', k: 'docs', s: [d.id, c.id], n: docs._ridCount, d: x });
        }
      }
    }
    return out;
  }

  /** Removes documents whose TTL has passed; cheap when none has. Returns how many were removed. */
  sweepExpired(): number {
    const now = this.now();
    let removed = 0;
    for (let next = this.expiries.peek(); next && next.at <= now; next = this.expiries.peek()) {
      const { items, path, rid, etag } = this.expiries.pop()!.value;
      if (this.resolve('docs', path) !== items) continue;
      const doc = items._data.get(rid)?.read();
      if (!doc || doc._etag !== etag) continue;
      items.delete(doc.id, items._getPartition(doc));
      removed++;
    }
    return removed;
  }

  private resolve(kind: Kind, path: string[]): ItemsNode | undefined {
    let items: ItemsNode | undefined;
    if (kind === 'dbs') items = this.account.databases;
    else {
      const db = this.account.database(path[0] ?? '');
      if (!db.read()) return undefined;
      if (kind === 'colls') items = db.collections;
      else {
        const coll = db.collection(path[1] ?? '');
        items = coll.read() ? coll.documents : undefined;
      }
    }
    return items && this.scopes.has(items) ? items : undefined;
  }

  private record(m: Mutation): void {
    if (!this.recording) return;
    if (!this.openFrame) {
      this.openFrame = [];
      queueMicrotask(() => this.seal());
    }
    this.openFrame.push(m);
  }

  private instrument(items: ItemsNode, scope: Scope): void {
    this.scopes.set(items, scope);
    const originalSet = items._set;
    const originalDelete = items.delete;
    const originalQuery = items.query;
    items._set = (data) => {
      const result = originalSet.call(items, data);
      this.afterSet(items, scope, data);
      return result;
    };
    items.delete = (idOrRid, partition) => {
      const existing = items._item('/id', idOrRid, partition).read();
      originalDelete.call(items, idOrRid, partition);
      if (existing) this.afterDelete(items, scope, existing);
    };
    if (scope.kind === 'docs') {
      this.partitions.set(items, new Map());
      items.query = (params, options) => this.query(items, params, options) ?? originalQuery.call(items, params, options);
    }
  }

  private afterSet(items: ItemsNode, scope: Scope, data: StoredDoc, knownPk?: unknown): void {
    if (this.recording) this.record({ o: 'put', k: scope.kind, s: scope.path, n: items._ridCount, d: data });
    const node = items._data.get(data._rid);
    if (!node) return;
    if (scope.kind === 'dbs') this.instrument((node as DatabaseNode).collections, { kind: 'colls', path: [data.id] });
    else if (scope.kind === 'colls') this.instrument((node as CollectionNode).documents, { kind: 'docs', path: [...scope.path, data.id] });
    else {
      const pk = knownPk ?? items._getPartition(data);
      const index = this.partitions.get(items)!;
      let partition = index.get(pk);
      if (!partition) index.set(pk, (partition = new Map()));
      partition.set(data._rid, node);
      const at = this.expiryOf(items, data);
      if (at !== undefined) this.expiries.push(at, { items, path: scope.path, rid: data._rid, etag: data._etag });
    }
  }

  private afterDelete(items: ItemsNode, scope: Scope, data: StoredDoc): void {
    const pk = items._getPartition(data);
    this.record({ o: 'del', k: scope.kind, s: scope.path, id: data.id, ...(pk === undefined ? {} : { pk }) });
    if (scope.kind !== 'docs') return;
    const index = this.partitions.get(items)!;
    const partition = index.get(pk);
    partition?.delete(data._rid);
    if (partition?.size === 0) index.delete(pk);
  }

  /** Cosmos TTL: the container's `defaultTtl` turns it on (-1: no default); a document's own `ttl` overrides it (-1: never). */
  private expiryOf(items: ItemsNode, doc: StoredDoc): number | undefined {
    const defaultTtl = items._parent.read()?.defaultTtl;
    if (typeof defaultTtl !== 'number') return undefined;
    const ttl = typeof doc.ttl === 'number' ? doc.ttl : defaultTtl;
    if (ttl <= 0) return undefined;
    return (doc._ts ?? 0) * 1000 + ttl * 1000;
  }

  /**
   * Runs the package's query engine on the documents that can match (undefined: no usable
   * condition, the engine scans everything as before). The engine copies its input once per row,
   * so handing it one partition instead of the whole container is what keeps queries fast.
   */
  private query(items: ItemsNode, params: QueryParams, options: PageOptions): unknown {
    const container = items._parent.read();
    if (!container) return undefined;
    const compiled = items._getQuery(params.query);
    const conditions = conditionsOf(compiled.ast, params.parameters);
    if (conditions.length === 0) return undefined;
    const pkPath = items._getPartitionKeyPath().join('/');
    const byPartition = conditions.find((c) => c.path.join('/') === pkPath && c.values.every(isPlainKey));
    let candidates: Iterable<ItemNode>;
    if (byPartition) {
      const index = this.partitions.get(items)!;
      const found: ItemNode[] = [];
      for (const value of new Set(byPartition.values)) for (const node of index.get(value)?.values() ?? []) found.push(node);
      candidates = found;
    } else candidates = items._data.values();
    const docs: StoredDoc[] = [];
    for (const node of candidates) {
      const doc = node.read();
      if (doc && conditions.every((c) => c.test(doc))) docs.push(doc);
    }
    const indexingPolicy = container.indexingPolicy as { compositeIndexes?: unknown } | undefined;
    try {
      return compiled.exec(docs, {
        parameters: params.parameters,
        udf: items._userDefinedFunctions(),
        maxItemCount: options.maxItemCount,
        continuation: options.continuation,
        compositeIndexes: indexingPolicy?.compositeIndexes ?? [],
      });
    } catch (err) {
      // As the package does: an error while evaluating is the query's fault (400).
      if (err && typeof err === 'object') (err as { badRequest?: boolean }).badRequest = true;
      throw err;
    }
  }
}
