import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response, type Router } from 'express';
import type { Bot } from '../bot/app.js';
import { answerUnhandledInvoke } from '../bot/invokeFallback.js';
import type { Logger } from '../log.js';
import { ActivityAtTheDoor, invalidFields } from './activitySchema.js';
import { RequestBudget } from './budget.js';
import type { ServiceUrlTrust } from './trust.js';

/** Largest request body accepted at /api/messages. */
const BODY_LIMIT = '1mb';

export interface HttpOptions {
  bot: Bot;
  log: Logger;
  /** Empty: any tenant. Otherwise activities from other tenants are refused before the bot sees them. */
  allowedTenantIds: string[];
  /** Resolves when the database answers; `/readyz` fails otherwise. */
  ready: () => Promise<void>;
  /** Bot Framework tokens are required (an app id is configured). */
  authenticated: boolean;
  /** Which service URLs an activity may carry (refused at the door otherwise). */
  trust: ServiceUrlTrust;
  /** Requests per minute per user and per client IP (429 with Retry-After past them). */
  budgets: { userRequestsPerMinute: number; ipRequestsPerMinute: number };
  /** Writes a refusal of another tenant to the security log (ids only); failures are logged, never answered. */
  audit?: (entry: { reason: string; tenantId?: string; actor?: string }) => Promise<void>;
  /** Further GET routes (signed downloads). */
  routes?: Router[];
  /** Wraps each turn; what it holds back runs once the turn's answer is written (see `AfterAnswer`). */
  aroundTurn?: <T>(turn: () => Promise<T>) => Promise<T>;
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

/**
 * The response botbuilder writes to, except that an error status never carries its text
 * (botbuilder puts exception messages in 4xx/5xx bodies): the body becomes a neutral JSON.
 */
function neutralErrors(res: Response) {
  const guarded = {
    header(name: string, value: unknown) {
      res.header(name, String(value));
      return guarded;
    },
    status(code: number) {
      res.status(code);
      return guarded;
    },
    send(body?: unknown) {
      if (res.headersSent) return guarded;
      if (res.statusCode >= 400) res.json({ error: res.statusCode === 401 ? 'unauthorized' : res.statusCode < 500 ? 'bad request' : 'request failed' });
      else res.send(body);
      return guarded;
    },
    end() {
      if (!res.writableEnded) res.end();
      return guarded;
    },
  };
  return guarded as unknown as Response;
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

  const perUser = new RequestBudget(opts.budgets.userRequestsPerMinute);
  const perIp = new RequestBudget(opts.budgets.ipRequestsPerMinute);
  const badRequest = (res: Response, reason: string, fields?: string[]) => {
    log.warn({ reason, fields }, 'activity refused at the door');
    res.status(400).json({ error: 'bad request' });
  };

  for (const route of opts.routes ?? []) app.use(route);

  app.post(
    '/api/messages',
    (req: Request, res: Response, next: express.NextFunction) => {
      const wait = perIp.take(req.socket.remoteAddress ?? 'unknown');
      if (wait > 0) {
        log.warn({ budget: 'ip', retryAfter: wait }, 'request budget exceeded');
        return void res.status(429).set('Retry-After', String(wait)).json({ error: 'too many requests' });
      }
      next();
    },
    express.json({ limit: BODY_LIMIT }),
    async (req: Request, res: Response) => {
      if (closing) return res.status(503).set('Retry-After', '5').end();
      // With authentication on, a request without a token is refused before anything else is said.
      if (opts.authenticated && !req.headers.authorization) return res.status(401).json({ error: 'unauthorized' });
      const parsed = ActivityAtTheDoor.safeParse(req.body);
      if (!parsed.success) return badRequest(res, 'invalid activity', invalidFields(parsed.error));
      const activity = parsed.data;
      if (!opts.trust.isTrusted(activity.serviceUrl)) return badRequest(res, 'untrusted serviceUrl');
      const user = activity.from.aadObjectId;
      if (user) {
        const wait = perUser.take(user);
        if (wait > 0) {
          log.warn({ budget: 'user', retryAfter: wait }, 'request budget exceeded');
          return res.status(429).set('Retry-After', String(wait)).json({ error: 'too many requests' });
        }
      }
      const correlationId = randomUUID();
      const tenant = tenantOfBody(activity);
      if (opts.allowedTenantIds.length > 0 && (!tenant || !opts.allowedTenantIds.includes(tenant))) {
        log.warn({ correlationId, tenant: tenant ?? null, type: activity.type }, 'activity from a tenant that is not allowed refused');
        const actor = (activity as { from?: { aadObjectId?: unknown } }).from?.aadObjectId;
        opts.audit?.({ reason: 'tenantNotAllowed', ...(tenant ? { tenantId: tenant } : {}), ...(typeof actor === 'string' ? { actor } : {}) }).catch((err: unknown) => {
          log.error({ err: { message: (err as Error).message } }, 'refusal at the door could not be audited');
        });
        return res.status(403).json({ error: 'tenant not allowed' });
      }
      inFlight++;
      const started = process.hrtime.bigint();
      try {
        const turn = () =>
          bot.adapter.process(req, neutralErrors(res), async (ctx) => {
            await bot.app.run(ctx);
            await answerUnhandledInvoke(ctx);
          });
        await (opts.aroundTurn ? opts.aroundTurn(turn) : turn());
      } catch (err) {
        // botbuilder answers auth failures itself; anything thrown past it is a bug of ours.
        log.error({ correlationId, err: { name: (err as Error).name, message: (err as Error).message } }, 'activity processing failed');
        if (!res.headersSent) res.status(500).json({ error: 'request failed' });
      } finally {
        inFlight--;
        log.debug({ correlationId, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'activity processed');
      }
    },
  );

  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: express.NextFunction) => {
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status < 500) {
      // The client's fault (bad JSON, too large, wrong charset): a warning, not an alert.
      log.warn({ status, type: err.type ?? err.name }, 'client error at the door');
      if (!res.headersSent) res.status(status).json({ error: status === 413 ? 'payload too large' : 'bad request' });
      return;
    }
    log.error({ err: { name: err.name, message: err.message } }, 'http error');
    if (!res.headersSent) res.status(500).json({ error: 'request failed' });
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
