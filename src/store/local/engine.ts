import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Typed access to the parts of `@vercel/cosmosdb-server` that the durable local store wraps:
 * its in-memory account (databases → collections → documents, each an `Items` map) and its
 * router. Only what is used is declared. The package has no extension hooks, so the store
 * replaces methods on the live instances (never on the shared prototypes, never in files).
 */

export type StoredDoc = Record<string, unknown> & { id: string; _rid: string; _etag?: string; _ts?: number; ttl?: unknown };

export interface ItemNode {
  read(): StoredDoc | undefined;
}

export interface PageOptions {
  maxItemCount?: number | null;
  continuation?: unknown;
}

export interface QueryParams {
  query: string;
  parameters?: { name: string; value: unknown }[];
}

export interface SqlNode {
  type: string;
  [key: string]: unknown;
}

export interface CompiledQuery {
  ast: SqlNode;
  exec(data: StoredDoc[], options: Record<string, unknown>): unknown;
}

export interface ItemsNode {
  _data: Map<string, ItemNode>;
  /** `${partition || id}:${keyPath}:${id}` → _rid (see `_getId`). */
  _index: Map<string, string>;
  _uniqueKeyPaths: string[];
  _ridCount: number;
  _parent: ItemNode;
  _set(data: StoredDoc): StoredDoc;
  delete(idOrRid: string, partition: unknown): void;
  query(params: QueryParams, options: PageOptions): unknown;
  _item(keyPath: string, value: string, partition: unknown): ItemNode;
  _getPartition(data: StoredDoc): unknown;
  _getId(keyPath: string, id: string, partition: unknown): string;
  _newItem(data: StoredDoc): ItemNode;
  _getPartitionKeyPath(): string[];
  _getQuery(sql: string): CompiledQuery;
  _userDefinedFunctions(): unknown;
}

export interface DatabaseNode extends ItemNode {
  collections: ItemsNode;
  collection(id: string): CollectionNode;
}

export interface CollectionNode extends ItemNode {
  documents: ItemsNode;
}

export interface AccountNode extends ItemNode {
  databases: ItemsNode;
  database(id: string): DatabaseNode;
}

export type RouteHandler = (account: AccountNode, req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => unknown;

const packageRequire = createRequire(createRequire(import.meta.url).resolve('@vercel/cosmosdb-server'));

const AccountClass = (packageRequire('./account/index.js') as { default: new (host: string, port: number) => AccountNode }).default;

/** The package's router: the route handler and its path parameters for a request, or undefined. */
export const routeOf = (packageRequire('./routes.js') as { default: (req: IncomingMessage) => [Record<string, string>, RouteHandler] | undefined }).default;

/** The query engine's own equality (type-strict, as Cosmos SQL `=`), so pre-filtering never disagrees with it. */
export const sqlEqual = (packageRequire('@zeit/cosmosdb-query/lib/helpers.js') as { equal(a: unknown, b: unknown): unknown }).equal;

/** One operation of a batch, as the package's batch handler takes it (its partition key a JSON string). */
export interface BatchInput {
  operationType?: string;
  id?: string;
  partitionKey?: string;
  ifMatch?: string;
  resourceBody?: Record<string, unknown> & { id?: unknown; operations?: unknown; condition?: unknown };
}

/** A patch as the package's patch function takes it (its partition key a JSON string). */
export interface PatchInput {
  id: string;
  partitionKey?: string;
  ifMatch?: string;
  operations: unknown[];
}

export interface OperationResult {
  statusCode: number;
  body?: StoredDoc | Record<string, unknown>;
}

type Operation = (collection: CollectionNode, input: BatchInput) => OperationResult;

/** The package's single-operation functions of a batch (create, upsert, read, delete, replace). */
export const documentOperations = packageRequire('./handler/_document-operations.js') as {
  createOperation: Operation;
  upsertOperation: Operation;
  readOperation: Operation;
  deleteOperation: Operation;
  replaceOperation: Operation;
};

/** The package's patch of one document (the function its PATCH route uses). */
export const patchOperation = (packageRequire('./handler/_patch-operations.js') as { patchOperation: (collection: CollectionNode, input: PatchInput) => OperationResult }).patchOperation;

export function newAccount(host: string, port: number): AccountNode {
  return new AccountClass(host, port);
}
