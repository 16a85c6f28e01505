import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pino } from 'pino';
import type { Logger } from '../log.js';
import { routeOf } from './local/engine.js';
import { checkPatchCondition } from './local/patchCondition.js';
import { isAtomicBatch, isBulk, runAtomicBatch, runBulk } from './local/batch.js';
import { EmbeddedState } from './local/embeddedState.js';
import { DataFolder, type LoadReport } from './local/dataFolder.js';

/**
 * A Cosmos-compatible server in this process, on loopback only: the `@vercel/cosmosdb-server`
 * engine behind our own request handler. With a data folder every acknowledged write is on disk
 * before the answer is sent; TTL is honoured; queries with conditions on the partition key (or
 * other equality conditions) only hand matching documents to the package's query engine.
 */
export interface LocalCosmosServer {
  endpoint: string;
  /** The data folder, or undefined when the data is kept in memory only. */
  dataDir?: string;
  load?: LoadReport;
  /** Removes expired documents now (also done before every request and on a timer). */
  sweepExpired(): Promise<number>;
  /** Writes a snapshot and drops the journal it covers. */
  compact(): Promise<void>;
  close(): Promise<void>;
}

export interface LocalCosmosOptions {
  port?: number;
  host?: string;
  /** Folder for durable data; without it everything is kept in memory (tests). */
  dataDir?: string;
  log?: Logger;
  /** "Now" for TTL, in ms (time travel moves it). Default: the system clock. */
  now?: () => number;
  /** How often expired documents are swept when no request comes in. Default 5 s. */
  sweepEveryMs?: number;
  /** Told of every request as it arrives (benchmarks count them). */
  onRequest?: (req: IncomingMessage) => void;
}

export { LOCAL_COSMOS_KEY } from './localKey.js';

/** A journal larger than this at start is folded into a new snapshot (in the background). */
const COMPACT_AT_START_BYTES = 1024 * 1024;

export async function startLocalCosmos(options: LocalCosmosOptions = {}): Promise<LocalCosmosServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? pino({ level: 'silent' });
  let folder: DataFolder | undefined;
  let state: EmbeddedState | undefined;
  let broken: Error | undefined;

  const persist = async () => {
    if (folder) await folder.flush();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let body: unknown;
    if (!state || broken) {
      res.statusCode = 503;
      body = { code: 'ServiceUnavailable', message: broken ? 'local store cannot write its data folder' : 'starting' };
    } else {
      state.sweepExpired();
      const route = routeOf(req);
      if (!route) {
        res.statusCode = 400;
        body = { message: 'no route' };
      } else {
        const [params, handler] = route;
        try {
          if (req.method === 'PATCH') {
            // The package's own check of a conditional patch is wrong in two ways (see patchCondition.ts).
            const checked = await checkPatchCondition(state.account, req, params);
            if ('status' in checked) {
              res.statusCode = checked.status;
              body = checked.body;
            } else body = await handler(state.account, checked.req, res, params);
          } else if (isAtomicBatch(req)) {
            // The package's batch keeps the operations before a failing one (see local/batch.ts).
            const answer = await runAtomicBatch(state.account, req, params);
            res.statusCode = answer.status;
            body = answer.body;
          } else if (isBulk(req)) {
            // The package's bulk takes no patches (see local/batch.ts).
            const answer = await runBulk(state.account, req, params);
            res.statusCode = answer.status;
            body = answer.body;
          } else body = await handler(state.account, req, res, params);
        } catch (err) {
          log.warn({ err: { message: (err as Error).message }, method: req.method }, 'local store: request failed');
          body = { message: (err as Error).message };
          res.statusCode = 500;
        }
        if (res.statusCode > 399 && body && typeof body === 'object' && !('message' in body)) (body as Record<string, unknown>).message = '';
      }
      try {
        // The answer (success or not) leaves only once every change made so far is on disk.
        await persist();
      } catch (err) {
        broken = err as Error;
        log.error({ err: { message: broken.message } }, 'local store: writing the journal failed; refusing further requests');
        res.statusCode = 503;
        body = { code: 'ServiceUnavailable', message: 'local store cannot write its data folder' };
      }
    }
    const etag = body && typeof body === 'object' ? (body as { _etag?: unknown })._etag : undefined;
    if (typeof etag === 'string') res.setHeader('etag', etag);
    res.setHeader('content-type', 'application/json');
    res.setHeader('content-location', `https://${req.headers.host ?? host}${req.url ?? ''}`);
    res.setHeader('x-ms-activity-id', randomUUID());
    res.setHeader('x-ms-request-charge', '1');
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    options.onRequest?.(req);
    handle(req, res).catch((err: unknown) => {
      log.error({ err: { message: (err as Error).message } }, 'local store: unexpected failure');
      if (!res.writableEnded) {
        res.statusCode = 500;
        res.end('');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const now = options.now ?? Date.now;
  state = new EmbeddedState(host, port, now);
  let load: LoadReport | undefined;
  try {
    if (options.dataDir) {
      ({ folder, report: load } = await DataFolder.open(options.dataDir, state, log));
      // Start-up stays fast next time: fold what the journal holds into a new snapshot.
      if (load.journalBytes > COMPACT_AT_START_BYTES) void folder.compact().catch((err: unknown) => log.error({ err: { message: (err as Error).message } }, 'local store: compaction failed'));
    }
  } catch (err) {
    server.close();
    throw err;
  }

  const sweep = async () => {
    const removed = state?.sweepExpired() ?? 0;
    if (removed > 0) await persist();
    return removed;
  };
  const timer = setInterval(() => {
    sweep().catch((err: unknown) => log.error({ err: { message: (err as Error).message } }, 'local store: TTL sweep failed'));
  }, options.sweepEveryMs ?? 5_000);
  timer.unref();

  return {
    endpoint: `http://${host}:${port}`,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(load ? { load } : {}),
    sweepExpired: sweep,
    compact: async () => {
      await folder?.compact();
    },
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await folder?.close();
    },
  };
}
