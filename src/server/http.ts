import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response, type Router } from 'express';
import type { Bot } from '../bot/app.js';
import type { Logger } from '../log.js';

export interface HttpOptions {
  bot: Bot;
  log: Logger;
  /** Empty: any tenant. Otherwise activities from other tenants are refused before the bot sees them. */
  allowedTenantIds: string[];
  /** Resolves when the database answers; `/readyz` fails otherwise. */
  ready: () => Promise<void>;
  /** Further GET routes (signed downloads). */
  routes?: Router[];
}

export interface HttpServer {
  server: Server;
  url: string;
  /** Stops accepting, waits for in-flight turns (at most `graceMs`), then closes. */
  close(graceMs: number): Promise<void>;
}

function tenantOfBody(body: unknown): string | undefined {
  const b = body as { channelData?: { tenant?: { id?: unknown } }; conversation?: { tenantId?: unknown } } | undefined;
  const id = b?.channelData?.tenant?.id ?? b?.conversation?.tenantId;
  return typeof id === 'string' ? id : undefined;
}

export async function startHttp(opts: HttpOptions, port: number, host: string): Promise<HttpServer> {
  const { bot, log } = opts;
  const app = express();
  app.disable('x-powered-by');
  let inFlight = 0;
  let closing = false;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    if (closing) return res.status(503).json({ status: 'shutting down' });
    try {
      await opts.ready();
      res.json({ status: 'ready' });
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, 'readiness check failed');
      res.status(503).json({ status: 'database unreachable' });
    }
  });

  for (const route of opts.routes ?? []) app.use(route);

  app.post('/api/messages', express.json({ limit: '1mb' }), async (req: Request, res: Response) => {
    if (closing) return res.status(503).set('Retry-After', '5').end();
    const correlationId = randomUUID();
    const tenant = tenantOfBody(req.body);
    if (opts.allowedTenantIds.length > 0 && (!tenant || !opts.allowedTenantIds.includes(tenant))) {
      log.warn({ correlationId, tenant: tenant ?? null, type: (req.body as { type?: string })?.type }, 'activity from a tenant that is not allowed refused');
      return res.status(403).json({ error: 'tenant not allowed' });
    }
    inFlight++;
    const started = process.hrtime.bigint();
    try {
      await bot.adapter.process(req, res, async (ctx) => {
        await bot.app.run(ctx);
      });
    } finally {
      inFlight--;
      log.debug({ correlationId, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'activity processed');
    }
  });

  app.use((err: Error, _req: Request, res: Response, _next: express.NextFunction) => {
    log.error({ err: { name: err.name, message: err.message } }, 'http error');
    if (!res.headersSent) res.status((err as { status?: number }).status ?? 500).json({ error: 'request failed' });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  return {
    server,
    url,
    close: async (graceMs: number) => {
      closing = true;
      const until = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
      server.closeIdleConnections();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
