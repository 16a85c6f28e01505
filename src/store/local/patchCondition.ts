import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { AccountNode, ItemsNode, StoredDoc } from './engine.js';

const PARTITION_HEADER = 'x-ms-documentdb-partitionkey';
const CONDITION_PREFIX = /^\s*from\s+c\s+where\s+/i;
/** A double- or single-quoted string literal of Cosmos SQL (with backslash escapes). */
const STRING_LITERAL = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g;

/**
 * A conditional patch (`{ condition: "FROM c WHERE …", operations }`) checked the way Azure
 * Cosmos DB does before the package applies it. The package's own check lowercases the whole
 * condition (so `c.referralIds` names no property) and tests it against every document of the
 * container with that id, whatever its partition (so another person's list can satisfy it).
 * Here the condition is evaluated on the one document addressed (id and partition key), as
 * written; the package then gets the request without it.
 *
 * Returns the request to hand on (its body replayed), or the answer when the condition fails.
 */
export async function checkPatchCondition(
  account: AccountNode,
  req: IncomingMessage,
  params: Record<string, string>,
): Promise<{ req: IncomingMessage } | { status: number; body: Record<string, unknown> }> {
  const raw = await readBody(req);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return { req: replay(req, raw) };
  }
  const condition = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { condition?: unknown }).condition : undefined;
  const { dbId, collId, docId } = params;
  if (typeof condition !== 'string' || !dbId || !collId || !docId) return { req: replay(req, raw) };
  if (!CONDITION_PREFIX.test(condition)) return { status: 400, body: { code: 'BadRequest', message: 'Invalid condition in patch request.' } };
  const header = req.headers[PARTITION_HEADER];
  let partition: unknown = docId;
  try {
    const value = JSON.parse(Array.isArray(header) ? (header[0] ?? '') : (header ?? '')) as unknown;
    partition = Array.isArray(value) ? value[0] : value;
  } catch {
    // No usable partition key header: the package answers that itself.
    return { req: replay(req, raw) };
  }
  const collection = account.database(dbId).collection(collId);
  const doc = collection.documents._item('/id', docId, partition).read();
  const rest = { ...(parsed as Record<string, unknown>) };
  delete rest.condition;
  const forward = { req: replay(req, Buffer.from(JSON.stringify(rest))) };
  // Missing: the package answers 404.
  if (!doc) return forward;
  const matches = conditionHolds(collection.documents, doc, condition);
  if (matches === 'invalid') return { status: 400, body: { code: 'BadRequest', message: 'Invalid condition in patch request.' } };
  if (!matches) return { status: 412, body: { code: 'PreconditionFailed', message: 'Condition specified in the patch request is not satisfied.' } };
  return forward;
}

/**
 * Whether a patch condition (`FROM c WHERE …`) holds for one document, evaluated by the
 * package's query engine with the property names as written; 'invalid' for a condition it cannot run.
 */
export function conditionHolds(documents: ItemsNode, doc: StoredDoc, condition: string): boolean | 'invalid' {
  if (!CONDITION_PREFIX.test(condition)) return 'invalid';
  try {
    // String literals become parameters: the compiled query (the package caches it by its text) then
    // serves every patch of the same shape, instead of compiling anew for each id.
    const parameters: { name: string; value: string }[] = [];
    const where = condition.replace(CONDITION_PREFIX, '').replace(STRING_LITERAL, (_m, double: string | undefined, single: string | undefined) => {
      const name = `@literal${parameters.length}`;
      parameters.push({ name, value: (double ?? single ?? '').replace(/\\(.)/g, '$1') });
      return name;
    });
    const query = documents._getQuery(`SELECT VALUE 1 FROM c WHERE ${where}`);
    const result = query.exec([doc], { parameters }) as { result?: unknown[] };
    return (result.result ?? []).length > 0;
  } catch {
    return 'invalid';
  }
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The same request with its body readable again (the package reads the stream itself). */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Readable.from([body]) as unknown as IncomingMessage;
  return Object.assign(copy, { headers: { ...req.headers, 'content-length': String(body.length) }, method: req.method, url: req.url, httpVersion: req.httpVersion });
}
