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

/** Teams' limit per app per tenant: about 50 requests per second over all conversations. */
export const TEAMS_PER_TENANT: ConnectorWindow[] = [{ limit: 50, ms: 1_000 }];

/** Counters of what a {@link teamsRateLimitPolicy} did, for tests and benchmarks to print. */
export interface RateLimitStats {
  /** Every 429 answered (per-conversation and per-tenant). */
  throttled: number;
  /** Requests that arrived while the conversation's Retry-After had not yet elapsed. */
  earlyAfterRetryAfter: number;
  /** Of `throttled`, those answered because the tenant's limit was exceeded. */
  tenantThrottled?: number;
}

/** Sliding-log check: the instant from which one more request fits every window (0 = fits now). */
function fitsAt(times: number[], windows: ConnectorWindow[], now: number): number {
  let until = 0;
  for (const w of windows) {
    let inside = 0;
    for (let i = times.length - 1; i >= 0 && (times[i] as number) > now - w.ms; i--) inside++;
    if (inside >= w.limit) until = Math.max(until, (times[times.length - w.limit] as number) + w.ms);
  }
  return until;
}

const throttle = (seconds: number) => ({ status: 429, headers: { 'Retry-After': String(seconds) }, body: { error: { code: 'ThrottledRequest', message: 'too many requests' } } });

/**
 * Enforces Teams' limits: per conversation on activity posts, and per tenant on every request
 * to the connector (posts, updates, deletes, new conversations, member lookups) across all
 * conversations. A request that would exceed a window is answered 429 with the Retry-After
 * (whole seconds, rounded up) after which it fits. Throttled requests count too, as they do at Teams.
 */
export function teamsRateLimitPolicy(windows: ConnectorWindow[] = TEAMS_PER_CONVERSATION, stats?: RateLimitStats, tenantWindows: ConnectorWindow[] = TEAMS_PER_TENANT): ConnectorPolicy {
  const seen = new Map<string, number[]>();
  const retryUntil = new Map<string, number>();
  const horizon = Math.max(...windows.map((w) => w.ms));
  const tenantHorizon = Math.max(0, ...tenantWindows.map((w) => w.ms));
  let tenantTimes: number[] = [];
  return (req) => {
    if (!req.path.startsWith('/v3/conversations')) return undefined;
    const now = Date.now();
    tenantTimes = tenantTimes[0] !== undefined && tenantTimes[0] <= now - tenantHorizon ? tenantTimes.filter((t) => t > now - tenantHorizon) : tenantTimes;
    const tenantUntil = fitsAt(tenantTimes, tenantWindows, now);
    tenantTimes.push(now);
    const match = req.method === 'POST' ? req.path.match(/^\/v3\/conversations\/([^/]+)\/activities/) : null;
    let until = 0;
    if (match) {
      const conversation = decodeURIComponent(match[1] as string);
      const times = (seen.get(conversation) ?? []).filter((t) => t > now - horizon);
      seen.set(conversation, times);
      if ((retryUntil.get(conversation) ?? 0) > now && stats) stats.earlyAfterRetryAfter++;
      until = fitsAt(times, windows, now);
      times.push(now);
      if (until > 0) retryUntil.set(conversation, now + Math.max(1, Math.ceil((until - now) / 1000)) * 1000);
    }
    if (until === 0 && tenantUntil === 0) return undefined;
    if (stats) {
      stats.throttled++;
      if (tenantUntil > 0) stats.tenantThrottled = (stats.tenantThrottled ?? 0) + 1;
    }
    return throttle(Math.max(1, Math.ceil((Math.max(until, tenantUntil) - now) / 1000)));
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
