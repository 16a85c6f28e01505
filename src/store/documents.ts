import type { Container, ItemDefinition } from '@azure/cosmos';

/** A stored document together with the ETag it was read with. */
export interface Versioned<T> {
  doc: T;
  etag: string;
}

/** The document changed since it was read (HTTP 412) or already exists (409). */
export class ConcurrencyError extends Error {
  constructor(readonly kind: 'changed' | 'exists', what: string) {
    super(kind === 'changed' ? `${what} was changed by someone else` : `${what} already exists`);
    this.name = 'ConcurrencyError';
  }
}

export function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; statusCode?: unknown };
    if (typeof e.code === 'number') return e.code;
    if (typeof e.statusCode === 'number') return e.statusCode;
  }
  return undefined;
}

/** Point read; `undefined` when absent. */
export async function readDoc<T extends ItemDefinition>(container: Container, id: string, pk: string): Promise<Versioned<T> | undefined> {
  try {
    const { resource, etag } = await container.item(id, pk).read<T>();
    if (!resource) return undefined;
    return { doc: resource, etag: etag ?? (resource as { _etag?: string })._etag ?? '' };
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
}

/** Creates; {@link ConcurrencyError} `exists` when the id is taken. */
export async function createDoc<T extends ItemDefinition>(container: Container, doc: T): Promise<Versioned<T>> {
  try {
    const { resource, etag } = await container.items.create<T>(doc);
    return { doc: stripMeta(resource as T), etag: etag ?? '' };
  } catch (err) {
    if (statusOf(err) === 409) throw new ConcurrencyError('exists', `${container.id}/${doc.id ?? ''}`);
    throw err;
  }
}

/** Replaces only if nobody wrote since `etag` was read; {@link ConcurrencyError} `changed` otherwise. */
export async function replaceDoc<T extends ItemDefinition>(container: Container, doc: T, pk: string, etag: string): Promise<Versioned<T>> {
  try {
    const { resource, etag: next } = await container
      .item(doc.id as string, pk)
      .replace<T>(doc, { accessCondition: { type: 'IfMatch', condition: etag } });
    return { doc: stripMeta(resource as T), etag: next ?? '' };
  } catch (err) {
    if (statusOf(err) === 412) throw new ConcurrencyError('changed', `${container.id}/${doc.id ?? ''}`);
    throw err;
  }
}

/** Upsert for documents that are last-writer-wins by nature (conversation references). */
export async function upsertDoc<T extends ItemDefinition>(container: Container, doc: T): Promise<void> {
  await container.items.upsert(doc);
}

const META = ['_rid', '_self', '_etag', '_attachments', '_ts'] as const;

/** Drops Cosmos system properties so a document can be validated and written back cleanly. */
export function stripMeta<T>(doc: T): T {
  const copy = { ...(doc as Record<string, unknown>) };
  for (const key of META) delete copy[key];
  return copy as T;
}
