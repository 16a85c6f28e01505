import type { IncomingMessage } from 'node:http';
import { documentOperations, patchOperation, type AccountNode, type BatchInput, type OperationResult } from './engine.js';
import { conditionHolds, readBody } from './patchCondition.js';

const PARTITION_HEADER = 'x-ms-documentdb-partitionkey';

/** A request of the SDK's `items.batch` (a transactional batch), not of its bulk execution. */
export function isAtomicBatch(req: IncomingMessage): boolean {
  const flag = (name: string) => String(req.headers[name] ?? '').toLowerCase() === 'true';
  return req.method === 'POST' && flag('x-ms-cosmos-is-batch-request') && flag('x-ms-cosmos-batch-atomic');
}

/** A request of the SDK's bulk execution (`executeBulkOperations`): operations that stand on their own. */
export function isBulk(req: IncomingMessage): boolean {
  const flag = (name: string) => String(req.headers[name] ?? '').toLowerCase() === 'true';
  return req.method === 'POST' && flag('x-ms-cosmos-is-batch-request') && !flag('x-ms-cosmos-batch-atomic');
}

export interface BatchAnswer {
  status: number;
  body: unknown;
}

/**
 * A transactional batch as Azure Cosmos DB runs it: all operations or none. The package applies
 * them one by one and keeps those before a failing one, and reads each operation's partition
 * key only from the operation (an operation without one is looked for under its id). Here every
 * operation is checked first against the documents as they are and as the batch's earlier
 * operations leave them; only when all would succeed are they applied, in one synchronous pass
 * (so no other request runs in between, and the journal gets them as one frame). A failing batch
 * changes nothing and is answered 207 with the failing operation's status and 424 for the others.
 */
export async function runAtomicBatch(account: AccountNode, req: IncomingMessage, params: Record<string, string>): Promise<BatchAnswer> {
  const read = await operationsOf(account, req, params);
  if ('status' in read) return read;
  const { collection, inputs } = read;
  const header = req.headers[PARTITION_HEADER];
  const batchKey = Array.isArray(header) ? header[0] : header;
  const ops = inputs.map((input) => ({ ...input, ...(input.partitionKey === undefined && batchKey !== undefined ? { partitionKey: batchKey } : {}) }));

  const failure = firstFailure(collection.documents, ops);
  if (failure) {
    return { status: 207, body: ops.map((_, i) => ({ statusCode: i === failure.index ? failure.status : 424, requestCharge: 0 })) };
  }
  return { status: 200, body: ops.map((op) => answerOf(apply(collection, op))) };
}

/** The request's operations and the container they are for, or the answer when it has none to run. */
async function operationsOf(account: AccountNode, req: IncomingMessage, params: Record<string, string>): Promise<{ collection: Collection; inputs: BatchInput[] } | BatchAnswer> {
  let inputs: unknown;
  try {
    inputs = JSON.parse((await readBody(req)).toString('utf8'));
  } catch {
    return { status: 400, body: { code: 'BadRequest', message: 'Invalid request body' } };
  }
  const collection = account.database(params.dbId ?? '').collection(params.collId ?? '');
  if (!collection.read()) return { status: 404, body: { code: 'NotFound', message: 'container not found' } };
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 100) return { status: 400, body: { code: 'BadRequest', message: 'a batch holds 1 to 100 operations' } };
  return { collection, inputs: inputs as BatchInput[] };
}

/** The partition an operation addresses (its key is a JSON string, as the SDK sends it); undefined when unreadable. */
function partitionOf(op: BatchInput, id: string): { value: unknown } | undefined {
  try {
    const parsed = JSON.parse(op.partitionKey ?? 'null') as unknown;
    return { value: Array.isArray(parsed) ? parsed[0] : (parsed ?? id) };
  } catch {
    return undefined;
  }
}

/**
 * Bulk operations, each on its own (after a failure the rest still run unless the request asks
 * otherwise), as the package does, and also patches: with their condition checked on the one
 * document addressed, as for a single patch (see patchCondition.ts). Answered 207 when any failed.
 */
export async function runBulk(account: AccountNode, req: IncomingMessage, params: Record<string, string>): Promise<BatchAnswer> {
  const read = await operationsOf(account, req, params);
  if ('status' in read) return read;
  const { collection, inputs } = read;
  const continueOnError = String(req.headers['x-ms-cosmos-batch-continue-on-error'] ?? '').toLowerCase() === 'true';
  let failed = false;
  const body = inputs.map((op) => {
    if (failed && !continueOnError) return { statusCode: 424, requestCharge: 0 };
    const result = op.operationType === 'Patch' ? patchOne(collection, op) : isKnown(op.operationType) ? apply(collection, op) : { statusCode: 400 };
    failed ||= result.statusCode >= 400;
    return answerOf(result);
  });
  return { status: body.some((r) => r.statusCode >= 400) ? 207 : 200, body };
}

const isKnown = (type: unknown) => type === 'Create' || type === 'Upsert' || type === 'Read' || type === 'Delete' || type === 'Replace';

const answerOf = (r: OperationResult) =>
  r.statusCode >= 400 ? { statusCode: r.statusCode, requestCharge: 0 } : { statusCode: r.statusCode, requestCharge: 1, ...(r.body && '_etag' in r.body ? { eTag: r.body._etag, resourceBody: r.body } : r.body ? { resourceBody: r.body } : {}) };

/** One patch of a bulk request: 404, 412 (ETag or condition), 400, or applied. */
function patchOne(collection: Collection, op: BatchInput): OperationResult {
  if (typeof op.id !== 'string' || op.id === '') return { statusCode: 400 };
  const partition = partitionOf(op, op.id);
  if (!partition) return { statusCode: 400 };
  const doc = collection.documents._item('/id', op.id, partition.value).read();
  if (!doc) return { statusCode: 404 };
  if (op.ifMatch !== undefined && op.ifMatch !== doc._etag) return { statusCode: 412 };
  const resource = op.resourceBody as unknown;
  const operations = Array.isArray(resource) ? (resource as unknown[]) : op.resourceBody?.operations;
  const condition = Array.isArray(resource) ? undefined : op.resourceBody?.condition;
  if (!Array.isArray(operations)) return { statusCode: 400 };
  if (condition !== undefined) {
    const holds = typeof condition === 'string' ? conditionHolds(collection.documents, doc, condition) : 'invalid';
    if (holds === 'invalid') return { statusCode: 400 };
    if (!holds) return { statusCode: 412 };
  }
  return patchOperation(collection, { id: op.id, ...(op.partitionKey !== undefined ? { partitionKey: op.partitionKey } : {}), operations });
}

type Collection = Parameters<typeof documentOperations.createOperation>[0];

function apply(collection: Collection, op: BatchInput): OperationResult {
  switch (op.operationType) {
    case 'Create':
      return documentOperations.createOperation(collection, op);
    case 'Upsert':
      return documentOperations.upsertOperation(collection, op);
    case 'Read':
      return documentOperations.readOperation(collection, op);
    case 'Delete':
      return documentOperations.deleteOperation(collection, op);
    case 'Replace':
      return documentOperations.replaceOperation(collection, op);
    case 'Patch':
      return patchOperation(collection, { id: op.id ?? '', ...(op.partitionKey !== undefined ? { partitionKey: op.partitionKey } : {}), ...(op.ifMatch !== undefined ? { ifMatch: op.ifMatch } : {}), operations: op.resourceBody?.operations as unknown[] });
    default:
      // Checked before anything was applied.
      throw new Error(`batch operation ${String(op.operationType)} not supported`);
  }
}

/** What the documents would be after each operation: the ETag it has (undefined: absent, 'changed': written by the batch). */
function firstFailure(documents: Collection['documents'], ops: BatchInput[]): { index: number; status: number } | undefined {
  const state = new Map<string, string | undefined>();
  const keyOf = (op: BatchInput, id: string) => `${op.partitionKey ?? ''}\u0000${id}`;
  const current = (op: BatchInput, id: string): string | undefined => {
    const key = keyOf(op, id);
    if (state.has(key)) return state.get(key);
    const partition = partitionOf(op, id);
    const doc = partition && documents._item('/id', id, partition.value).read();
    return doc ? String(doc._etag ?? 'stored') : undefined;
  };
  const settable = (body: BatchInput['resourceBody'], items: typeof documents, op: BatchInput, id: string): boolean => {
    // Only unconditional `set` operations (all Schakel sends in a batch), checked here so that applying them cannot fail halfway.
    const operations = body?.operations;
    if (!Array.isArray(operations) || operations.length === 0 || operations.length > 10 || body?.condition !== undefined) return false;
    const partition = partitionOf(op, id);
    const doc = partition && items._item('/id', id, partition.value).read();
    // A document patched earlier in the same batch: its state is not known here.
    if (!doc || state.has(keyOf(op, id))) return false;
    return operations.every((o: unknown) => isSettable(doc, o));
  };
  for (const [index, op] of ops.entries()) {
    const id = op.operationType === 'Delete' || op.operationType === 'Read' || op.operationType === 'Patch' ? op.id : op.resourceBody?.id;
    if (typeof id !== 'string' || id === '') return { index, status: 400 };
    const etag = current(op, id);
    const mismatch = op.ifMatch !== undefined && etag !== undefined && op.ifMatch !== etag;
    const set = (value: string | undefined) => state.set(keyOf(op, id), value);
    switch (op.operationType) {
      case 'Create':
        if (etag !== undefined) return { index, status: 409 };
        set('changed');
        break;
      case 'Upsert':
        if (mismatch) return { index, status: 412 };
        set('changed');
        break;
      case 'Replace':
        if (etag === undefined) return { index, status: 404 };
        if (mismatch) return { index, status: 412 };
        set('changed');
        break;
      case 'Delete':
        if (etag === undefined) return { index, status: 404 };
        if (mismatch) return { index, status: 412 };
        set(undefined);
        break;
      case 'Read':
        if (etag === undefined) return { index, status: 404 };
        break;
      case 'Patch':
        if (etag === undefined) return { index, status: 404 };
        if (mismatch) return { index, status: 412 };
        if (!settable(op.resourceBody, documents, op, id)) return { index, status: 400 };
        set('changed');
        break;
      default:
        return { index, status: 400 };
    }
  }
  return undefined;
}

/** A `set` the package applies without error: a path below the root, not a system property, through objects (missing ones are created). */
function isSettable(doc: Record<string, unknown>, operation: unknown): boolean {
  if (!operation || typeof operation !== 'object') return false;
  const { op, path } = operation as { op?: unknown; path?: unknown };
  if (op !== 'set' || typeof path !== 'string' || !path.startsWith('/') || path.startsWith('/_') || path.length < 2) return false;
  const segments = path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc;
  for (const segment of segments.slice(0, -1)) {
    if (node === undefined) return true;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return node === undefined || (node !== null && typeof node === 'object' && !Array.isArray(node));
}
