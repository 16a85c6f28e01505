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

/** A sliding window as Teams enforces it: at most `limit` requests in any `ms` interval. */
export interface ConnectorWindow {
  limit: number;
  ms: number;
}

export const TEAMS_PER_CONVERSATION: ConnectorWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];

/** Counters of what a {@link teamsRateLimitPolicy} did, for tests and benchmarks to print. */
export interface RateLimitStats {
  throttled: number;
  /** Requests that arrived while the conversation's Retry-After had not yet elapsed. */
  earlyAfterRetryAfter: number;
}

/**
 * Enforces Teams' per-conversation limits on activity posts: a request that would exceed a
 * window is answered 429 with the Retry-After (whole seconds, rounded up) after which it fits.
 * Throttled requests count too, as they do at Teams.
 */
export function teamsRateLimitPolicy(windows: ConnectorWindow[] = TEAMS_PER_CONVERSATION, stats?: RateLimitStats): ConnectorPolicy {
  const seen = new Map<string, number[]>();
  const retryUntil = new Map<string, number>();
  const horizon = Math.max(...windows.map((w) => w.ms));
  return (req) => {
    const match = req.method === 'POST' ? req.path.match(/^\/v3\/conversations\/([^/]+)\/activities/) : null;
    if (!match) return undefined;
    const conversation = decodeURIComponent(match[1] as string);
    const now = Date.now();
    const times = (seen.get(conversation) ?? []).filter((t) => t > now - horizon);
    seen.set(conversation, times);
    if ((retryUntil.get(conversation) ?? 0) > now && stats) stats.earlyAfterRetryAfter++;
    let until = 0;
    for (const w of windows) {
      const inside = times.filter((t) => t > now - w.ms);
      if (inside.length >= w.limit) until = Math.max(until, (inside[inside.length - w.limit] as number) + w.ms);
    }
    times.push(now);
    if (until === 0) return undefined;
    const seconds = Math.max(1, Math.ceil((until - now) / 1000));
    retryUntil.set(conversation, now + seconds * 1000);
    if (stats) stats.throttled++;
    return { status: 429, headers: { 'Retry-After': String(seconds) }, body: { error: { code: 'ThrottledRequest', message: 'too many requests' } } };
  };
}

/**
 * Answers a share of activity posts with a fault: half 429 (with Retry-After), half a 5xx
 * (500/502/503/504). `random` is injectable so a test can be repeated exactly.
 */
export function randomFaultPolicy(rate: number, retryAfterSeconds = 1, random: () => number = Math.random): ConnectorPolicy {
  const server = [500, 502, 503, 504];
  return (req) => {
    if (req.method !== 'POST' || !/^\/v3\/conversations\/[^/]+\/activities/.test(req.path)) return undefined;
    if (random() >= rate) return undefined;
    if (random() < 0.5) return { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } };
    return { status: server[Math.floor(random() * server.length)] as number };
  };
}

/** Runs policies in order; the first that answers wins. */
export function combinePolicies(...policies: ConnectorPolicy[]): ConnectorPolicy {
  return (req) => {
    for (const p of policies) {
      const answer = p(req);
      if (answer) return answer;
    }
    return undefined;
  };
}

/** The ids a card's actions carry (`data.reminderId`), or undefined for other activities. */
export function reminderIdOf(body: Record<string, unknown>): string | undefined {
  const attachments = body.attachments as { content?: { actions?: { data?: { reminderId?: unknown } }[]; body?: { id?: unknown }[] } }[] | undefined;
  const id = attachments?.[0]?.content?.actions?.[0]?.data?.reminderId;
  if (typeof id === 'string') return id;
  // Cards without buttons (channel notices) carry the reminder id on their title.
  const title = attachments?.[0]?.content?.body?.[0]?.id;
  return typeof title === 'string' && title.startsWith('reminder:') ? title.slice('reminder:'.length) : undefined;
}

/** Successful reminder deliveries counted by `conversationId|reminderId`. */
export function countDeliveries(calls: ConnectorCall[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    if (c.method !== 'POST' || c.status >= 300 || !c.path.includes('/activities')) continue;
    const reminderId = reminderIdOf(c.body);
    if (!reminderId) continue;
    const key = `${c.conversationId}|${reminderId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
