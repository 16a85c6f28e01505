import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { CosmosClient, type Container } from '@azure/cosmos';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { LOCAL_COSMOS_KEY, startLocalCosmos } from '../../src/store/localCosmos.js';

const CHILD = fileURLToPath(new URL('../support/localStoreChild.ts', import.meta.url));
const dirs: string[] = [];
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'schakel-store-'));
  dirs.push(dir);
  return dir;
}

async function openContainer(endpoint: string, defaultTtl = -1): Promise<{ client: CosmosClient; container: Container }> {
  const client = new CosmosClient({ endpoint, key: LOCAL_COSMOS_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
  const { database } = await client.databases.createIfNotExists({ id: 'db' });
  const { container } = await database.containers.createIfNotExists({ id: 'items', partitionKey: { paths: ['/pk'] }, defaultTtl });
  return { client, container };
}

function startChild(dataDir: string): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', CHILD], { env: { ...process.env, CHILD_DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /ready (\S+)/.exec(out);
      if (m?.[1]) resolve({ child, endpoint: m[1] });
    });
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Value = { v: number } | 'deleted';

describe('durable embedded store', () => {
  it('keeps every acknowledged write across 12 SIGKILLs at random moments', async () => {
    const dataDir = tempDir();
    const IDS = 60;
    const WORKERS = 6;
    /** What the server acknowledged, per id; and the write in flight (if any) when the process died. */
    const acked = new Map<string, Value>();
    let counter = 0;
    let totalAcked = 0;
    for (let run = 0; run < 12; run++) {
      const { child, endpoint } = await startChild(dataDir);
      const { client, container } = await openContainer(endpoint);
      // Everything acknowledged before the kill must be there, exactly.
      const { resources } = await container.items.query<{ id: string; v: number }>('SELECT c.id, c.v FROM c').fetchAll();
      const actual = new Map(resources.map((r) => [r.id, r.v]));
      const inFlight = new Map<string, Value>();
      for (const [id, value] of acked) {
        const seen: Value = actual.has(id) ? { v: actual.get(id)! } : 'deleted';
        const maybe = pendingAtKill.get(id);
        const matches = (x: Value | undefined) => x !== undefined && JSON.stringify(x) === JSON.stringify(seen);
        expect(matches(value) || matches(maybe), `id ${id} after kill ${run}: ${JSON.stringify(seen)} vs acked ${JSON.stringify(value)}`).toBe(true);
        // An in-flight write that did land counts as acknowledged from now on.
        if (!matches(value)) acked.set(id, seen);
      }
      for (const id of actual.keys()) if (!acked.has(id)) acked.set(id, { v: actual.get(id)! });
      pendingAtKill.clear();
      let stop = false;
      const worker = async (w: number) => {
        while (!stop) {
          const id = `doc-${w + WORKERS * Math.floor(Math.random() * (IDS / WORKERS))}`;
          const pk = `p${Number(id.slice(4)) % 7}`;
          const del = Math.random() < 0.15 && acked.get(id) !== undefined && acked.get(id) !== 'deleted';
          const value: Value = del ? 'deleted' : { v: ++counter };
          inFlight.set(id, value);
          try {
            if (value === 'deleted') await container.item(id, pk).delete();
            else if (Math.random() < 0.3 && acked.get(id) !== undefined && acked.get(id) !== 'deleted') {
              await container.item(id, pk).patch([{ op: 'set', path: '/v', value: value.v }]);
            } else await container.items.upsert({ id, pk, v: value.v, pad: 'x'.repeat(200) });
            acked.set(id, value);
            totalAcked++;
            inFlight.delete(id);
          } catch {
            stop = true; // the process is gone; this write's fate is unknown
          }
        }
      };
      const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
      await sleep(50 + Math.random() * 250);
      child.kill('SIGKILL');
      await exited(child);
      await Promise.all(workers);
      for (const [id, value] of inFlight) pendingAtKill.set(id, value);
      client.dispose();
    }
    expect(totalAcked).toBeGreaterThan(100);
    const { child, endpoint } = await startChild(dataDir);
    const { client } = await openContainer(endpoint);
    client.dispose();
    child.kill('SIGKILL');
    await exited(child);
  }, 120_000);

  it('honours TTL: an expired document disappears from reads and queries, and stays gone after a restart', async () => {
    const dataDir = tempDir();
    let now = Date.now();
    let server = await startLocalCosmos({ dataDir, now: () => now });
    let { client, container } = await openContainer(server.endpoint);
    await container.items.create({ id: 'short', pk: 'a', ttl: 60 });
    await container.items.create({ id: 'forever', pk: 'a' });
    await container.items.create({ id: 'never', pk: 'a', ttl: -1 });
    expect((await container.item('short', 'a').read()).statusCode).toBe(200);
    now += 61_000;
    expect((await container.item('short', 'a').read()).statusCode).toBe(404);
    const { resources } = await container.items.query("SELECT c.id FROM c WHERE c.pk = 'a'").fetchAll();
    expect(resources.map((r: { id: string }) => r.id).sort()).toEqual(['forever', 'never']);
    client.dispose();
    await server.close();
    server = await startLocalCosmos({ dataDir, now: () => now });
    ({ client, container } = await openContainer(server.endpoint));
    expect((await container.item('short', 'a').read()).statusCode).toBe(404);
    expect((await container.item('forever', 'a').read()).statusCode).toBe(200);
    client.dispose();
    await server.close();
  });

  it('applies a container default TTL, swept on a timer without any request', async () => {
    let now = Date.now();
    const server = await startLocalCosmos({ now: () => now, sweepEveryMs: 50 });
    const { client, container } = await openContainer(server.endpoint, 30);
    await container.items.create({ id: 'a', pk: 'x' });
    await container.items.create({ id: 'b', pk: 'x', ttl: -1 });
    now += 31_000;
    await sleep(150);
    expect(await server.sweepExpired()).toBe(0); // the timer already did it
    const { resources } = await container.items.query("SELECT c.id FROM c WHERE c.pk = 'x'").fetchAll();
    expect(resources).toEqual([{ id: 'b' }]);
    client.dispose();
    await server.close();
  });

  it('cuts a truncated journal tail, reports it in the log, and keeps what came before', async () => {
    const dataDir = tempDir();
    let server = await startLocalCosmos({ dataDir });
    let { client, container } = await openContainer(server.endpoint);
    for (let i = 0; i < 5; i++) await container.items.create({ id: `d${i}`, pk: 'p', n: i });
    client.dispose();
    await server.close();
    const journal = readdirSync(dataDir).find((f) => f.startsWith('journal-'))!;
    const size = statSync(join(dataDir, journal)).size;
    truncateSync(join(dataDir, journal), size - 7); // the last write was torn
    const lines: string[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    server = await startLocalCosmos({ dataDir, log: createLogger('info', sink) });
    expect(server.load?.cut).toMatchObject({ file: journal, problem: 'truncated' });
    const warning = lines.map((l) => JSON.parse(l) as { msg: string; problem?: string; droppedBytes?: number }).find((l) => l.msg.includes('journal tail cut'));
    expect(warning).toMatchObject({ problem: 'truncated' });
    expect(warning?.droppedBytes).toBeGreaterThan(0);
    ({ client, container } = await openContainer(server.endpoint));
    const { resources } = await container.items.query<{ id: string }>("SELECT c.id FROM c WHERE c.pk = 'p'").fetchAll();
    expect(resources.map((r) => r.id).sort()).toEqual(['d0', 'd1', 'd2', 'd3']);
    // New writes follow the intact frames and load again.
    await container.items.create({ id: 'd9', pk: 'p' });
    client.dispose();
    await server.close();
    server = await startLocalCosmos({ dataDir });
    expect(server.load?.cut).toBeUndefined();
    ({ client, container } = await openContainer(server.endpoint));
    expect((await container.item('d9', 'p').read()).statusCode).toBe(200);
    client.dispose();
    await server.close();
  });

  it('lets one process at a time use a data folder; a lock left by a killed process is taken over', async () => {
    const dataDir = tempDir();
    const first = await startLocalCosmos({ dataDir });
    await expect(startLocalCosmos({ dataDir })).rejects.toThrow(/in use by process/);
    await first.close();
    const second = await startLocalCosmos({ dataDir });
    await second.close();
  });

  it('answers partition and equality queries as the engine does (ORDER BY, TOP, IN, COUNT)', async () => {
    const server = await startLocalCosmos();
    const { client, container } = await openContainer(server.endpoint);
    for (let i = 0; i < 40; i++) await container.items.create({ id: `r${i}`, pk: `b${i % 4}`, status: i % 3 === 0 ? 'done' : 'pending', at: 100 - i, nested: { k: i % 2 } });
    const query = async (q: string, parameters: { name: string; value: string | number | string[] }[] = []) =>
      (await container.items.query({ query: q, parameters }).fetchAll()).resources as unknown[];
    const due = await query("SELECT TOP @n c.id FROM c WHERE c.pk IN (@b0, @b1) AND c.status = 'pending' AND c.at <= @at ORDER BY c.at", [
      { name: '@n', value: 3 },
      { name: '@b0', value: 'b1' },
      { name: '@b1', value: 'b2' },
      { name: '@at', value: 90 },
    ]);
    expect(due).toEqual([{ id: 'r38' }, { id: 'r37' }, { id: 'r34' }]);
    expect(await query('SELECT VALUE COUNT(1) FROM c WHERE c.pk = @p AND c.nested.k = 1', [{ name: '@p', value: 'b1' }])).toEqual([10]);
    expect(await query("SELECT VALUE COUNT(1) FROM c WHERE 'b3' = c.pk")).toEqual([10]);
    expect(await query('SELECT VALUE COUNT(1) FROM c WHERE c.pk = @p', [{ name: '@p', value: 'nope' }])).toEqual([0]);
    expect(await query("SELECT VALUE COUNT(1) FROM c WHERE c.pk != 'b0' AND c.status = 'done'")).toEqual([10]);
    client.dispose();
    await server.close();
  });

  it('checks a conditional patch on the one document addressed, with its property names as written (as Azure does)', async () => {
    const server = await startLocalCosmos();
    const { client, container } = await openContainer(server.endpoint);
    // The same id in two partitions, a camel-case array: the package alone lowercased the condition and looked across partitions.
    await container.items.create({ id: 'list', pk: 'anna', referralIds: ['x'] });
    await container.items.create({ id: 'list', pk: 'bram', referralIds: [] });
    const append = (pk: string, value: string) =>
      container.item('list', pk).patch({ condition: `FROM c WHERE NOT ARRAY_CONTAINS(c.referralIds, "${value}")`, operations: [{ op: 'add', path: '/referralIds/-', value }] }).then(
        () => 200,
        (err: { code?: number }) => err.code,
      );
    expect(await append('anna', 'x')).toBe(412);
    expect(await append('anna', 'y')).toBe(200);
    expect(await append('anna', 'y')).toBe(412);
    expect(await append('bram', 'x')).toBe(200);
    expect(await append('nobody', 'x')).toBe(404);
    expect((await container.item('list', 'anna').read()).resource.referralIds).toEqual(['x', 'y']);
    expect((await container.item('list', 'bram').read()).resource.referralIds).toEqual(['x']);
    // A plain patch (no condition) is handed on unchanged.
    await container.item('list', 'bram').patch([{ op: 'set', path: '/note', value: 'ok' }]);
    expect((await container.item('list', 'bram').read()).resource.note).toBe('ok');
    client.dispose();
    await server.close();
  });

  it('runs a transactional batch all or nothing, as Azure does, also after a restart', async () => {
    const dataDir = tempDir();
    let server = await startLocalCosmos({ dataDir });
    let { client, container } = await openContainer(server.endpoint);
    const { etag } = await container.items.create({ id: 'referral', pk: 'r1', v: 1 });
    await container.items.create({ id: 'entry-old', pk: 'r1' });
    const codes = (response: { result?: { statusCode: number }[] }) => (response.result ?? []).map((r) => r.statusCode);

    // The second operation fails (the id is taken): the first is not kept.
    const taken = await container.items.batch([{ operationType: 'Create', resourceBody: { id: 'entry-new', pk: 'r1' } }, { operationType: 'Create', resourceBody: { id: 'entry-old', pk: 'r1' } }], 'r1');
    expect(taken.code).toBe(207);
    expect(codes(taken)).toEqual([424, 409]);
    // A replace on a stale ETag fails the batch: nothing of it is written.
    const stale = await container.items.batch(
      [
        { operationType: 'Create', resourceBody: { id: 'entry-2', pk: 'r1' } },
        { operationType: 'Replace', id: 'referral', ifMatch: '"stale"', resourceBody: { id: 'referral', pk: 'r1', v: 2 } },
      ],
      'r1',
    );
    expect(codes(stale)).toEqual([424, 412]);
    // Operations without a partition key of their own take the batch's (the package looked under their id).
    const ok = await container.items.batch(
      [
        { operationType: 'Replace', id: 'referral', ifMatch: etag, resourceBody: { id: 'referral', pk: 'r1', v: 3 } },
        { operationType: 'Create', resourceBody: { id: 'entry-3', pk: 'r1' } },
        { operationType: 'Upsert', resourceBody: { id: 'entry-old', pk: 'r1', again: true } },
      ],
      'r1',
    );
    expect(codes(ok)).toEqual([200, 201, 200]);
    expect(ok.result?.[0]?.eTag).toBeTruthy();

    client.dispose();
    await server.close();
    server = await startLocalCosmos({ dataDir });
    ({ client, container } = await openContainer(server.endpoint));
    const ids = (await container.items.query<{ id: string }>('SELECT c.id FROM c').fetchAll()).resources.map((r) => r.id).sort();
    expect(ids).toEqual(['entry-3', 'entry-old', 'referral']);
    expect((await container.item('referral', 'r1').read()).resource.v).toBe(3);
    expect((await container.item('entry-old', 'r1').read()).resource.again).toBe(true);
    client.dispose();
    await server.close();
  });

  it('runs conditional patches in a bulk request, each on its own, the condition checked on the document addressed', async () => {
    const server = await startLocalCosmos();
    const { client, container } = await openContainer(server.endpoint);
    await container.items.create({ id: 'r1', pk: 'day-1', status: 'pending' });
    await container.items.create({ id: 'r2', pk: 'day-2', status: 'sent' });
    // The same id in another partition, pending: it must not make r2's condition hold.
    await container.items.create({ id: 'r2', pk: 'day-3', status: 'pending' });
    const cancel = (id: string, pk: string) => ({ operationType: 'Patch' as const, id, partitionKey: pk, resourceBody: { condition: 'FROM c WHERE c.status IN ("pending")', operations: [{ op: 'set' as const, path: '/status', value: 'cancelled' }] } });
    const results = await container.items.executeBulkOperations([cancel('r1', 'day-1'), cancel('r2', 'day-2'), cancel('gone', 'day-1')]);
    expect(results.map((r) => r.response?.statusCode ?? (r.error as { code?: number } | undefined)?.code)).toEqual([200, 412, 404]);
    expect((await container.item('r1', 'day-1').read()).resource.status).toBe('cancelled');
    expect((await container.item('r2', 'day-2').read()).resource.status).toBe('sent');
    expect((await container.item('r2', 'day-3').read()).resource.status).toBe('pending');
    client.dispose();
    await server.close();
  });
});

const pendingAtKill = new Map<string, Value>();
