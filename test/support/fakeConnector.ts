import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** One request the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  /** The activity (or create-conversation parameters) the bot sent. */
  body: Record<string, unknown>;
  at: number;
  /** The status the fake answered with. */
  status: number;
  /** The activity id the fake gave a sent activity (what the bot later updates). */
  responseId?: string;
}

/** Returning a response short-circuits the default handling (fault injection, rate limits). */
export type ConnectorPolicy = (req: Request) => { status: number; headers?: Record<string, string>; body?: unknown } | undefined;

export interface RosterMember {
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
}

/**
 * A Bot Connector on loopback that records every activity the bot sends: replies, proactive
 * sends, updates, deletes and new conversations. It serves a roster per conversation and can
 * be told to answer with faults.
 */
export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  readonly rosters = new Map<string, RosterMember[]>();
  policy: ConnectorPolicy | undefined;
  private server?: Server;
  private faults: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
  url = '';

  async start(): Promise<this> {
    const app = express();
    app.use(express.json({ limit: '2mb' }));
    app.use((req, res, next) => {
      const injected = this.faults.shift() ?? this.policy?.(req);
      if (!injected) return next();
      this.record(req, injected.status);
      res.status(injected.status).set(injected.headers ?? {}).json(injected.body ?? { error: { code: 'Injected', message: 'fault' } });
    });
    app.post('/v3/conversations', (req, res) => {
      const id = `a:${randomUUID()}`;
      this.record(req, 201, id);
      res.status(201).json({ id, activityId: randomUUID(), serviceUrl: this.url });
    });
    const send = (req: Request, res: express.Response) => {
      const id = randomUUID();
      this.record(req, 200, undefined, id);
      res.status(200).json({ id });
    };
    app.post('/v3/conversations/:conversationId/activities', send);
    app.post('/v3/conversations/:conversationId/activities/:activityId', send);
    app.put('/v3/conversations/:conversationId/activities/:activityId', (req, res) => {
      this.record(req, 200);
      res.status(200).json({ id: req.params.activityId });
    });
    app.delete('/v3/conversations/:conversationId/activities/:activityId', (req, res) => {
      this.record(req, 200);
      res.status(200).end();
    });
    app.get('/v3/conversations/:conversationId/pagedmembers', (req, res) => {
      res.json({ members: this.rosters.get(req.params.conversationId as string) ?? [] });
    });
    app.get('/v3/conversations/:conversationId/members', (req, res) => {
      res.json(this.rosters.get(req.params.conversationId as string) ?? []);
    });
    app.get('/v3/conversations/:conversationId/members/:memberId', (req, res) => {
      const member = (this.rosters.get(req.params.conversationId as string) ?? []).find(
        (m) => m.id === req.params.memberId || m.aadObjectId === req.params.memberId,
      );
      if (!member) return res.status(404).json({ error: { code: 'MemberNotFoundInConversation' } });
      res.json(member);
    });
    app.use((req, res) => {
      this.record(req, 404);
      res.status(404).json({ error: { code: 'NotFound', message: `${req.method} ${req.path}` } });
    });
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  /** The next `count` requests are answered with this status (and headers, e.g. Retry-After). */
  failNext(count: number, status: number, headers?: Record<string, string>): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, headers });
  }

  /** Activities sent into a conversation (replies and proactive sends), in order. */
  sent(conversationId?: string): Record<string, unknown>[] {
    return this.calls
      .filter((c) => c.method === 'POST' && c.conversationId !== undefined && c.status < 300)
      .filter((c) => conversationId === undefined || c.conversationId === conversationId)
      .map((c) => c.body);
  }

  /** Activities the bot updated in place. */
  updated(conversationId?: string): Record<string, unknown>[] {
    return this.calls
      .filter((c) => c.method === 'PUT' && c.status < 300 && (conversationId === undefined || c.conversationId === conversationId))
      .map((c) => c.body);
  }

  /** Waits until `predicate` holds over the recorded calls; fails after `timeoutMs`. */
  async waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.calls)) {
      if (Date.now() > until) throw new Error(`FakeConnector.waitFor timed out after ${timeoutMs} ms (${this.calls.length} calls)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  reset(): void {
    this.calls.length = 0;
    this.faults = [];
    this.policy = undefined;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private record(req: Request, status: number, conversationId?: string, responseId?: string): void {
    const params = req.path.match(/^\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?)?/);
    this.calls.push({
      method: req.method,
      path: req.path,
      conversationId: conversationId ?? (params?.[1] ? decodeURIComponent(params[1]) : undefined),
      activityId: params?.[2] ? decodeURIComponent(params[2]) : undefined,
      body: (req.body ?? {}) as Record<string, unknown>,
      at: Date.now(),
      status,
      responseId,
    });
  }
}
