import express, { type Request, type Response } from 'express';
import { createServer as createHttpsServer } from 'node:https';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { selfSignedCertificate } from './selfSignedCert.js';

/** One request the gateway made to Graph. */
export interface GraphCall {
  method: string;
  /** Path after the version, e.g. `/users/u1/events`. */
  path: string;
  /** Request headers without Authorization and cookies (`authorized` says whether the token was right). */
  headers: Record<string, string>;
  authorized: boolean;
  body: unknown;
  status: number;
  at: number;
}

export interface FakeScheduleItem {
  start: Date;
  end: Date;
  status?: 'busy' | 'tentative' | 'oof' | 'free' | 'workingElsewhere';
}

type Fault = { status: number; headers?: Record<string, string> };

const ZONES: Record<string, string> = { 'W. Europe Standard Time': 'Europe/Amsterdam', UTC: 'UTC' };

/**
 * Microsoft Graph and its token authority on loopback. Graph is served over plain http (the
 * gateway's base URL); the authority over https with a fresh self-signed certificate, because
 * @azure/identity only talks to https authorities — the gateway trusts `ca` and nothing else.
 */
export class FakeGraph {
  readonly calls: GraphCall[] = [];
  /** Token requests as received, without the client secret. */
  readonly tokenRequests: Record<string, string>[] = [];
  readonly events = new Map<string, Record<string, unknown>>();
  readonly mails: unknown[] = [];
  private readonly schedules = new Map<string, FakeScheduleItem[]>();
  private readonly scheduleErrors = new Set<string>();
  private faults: Fault[] = [];
  /** Every Graph answer waits this long (a slow Graph). */
  private latencyMs = 0;
  private readonly tokens = new Set<string>();
  private readonly tls = selfSignedCertificate();
  private graphServer?: Server;
  private loginServer?: Server;
  graphUrl = '';
  authorityHost = '';

  /** PEM of the authority's certificate, to trust in the credential. */
  get ca(): string {
    return this.tls.cert;
  }

  async start(): Promise<this> {
    const graph = express();
    graph.use(express.json({ limit: '1mb' }));
    graph.use('/v1.0', (req, res, next) => this.gate(req, res, next));
    graph.post('/v1.0/users/:user/calendar/getSchedule', (req, res) => this.getSchedule(req, res));
    graph.post('/v1.0/users/:user/events', (req, res) => this.createEvent(req, res));
    graph.patch('/v1.0/users/:user/events/:id', (req, res) => this.reply(req, res, this.events.has(String(req.params.id)) ? 200 : 404, {}));
    graph.post('/v1.0/users/:user/events/:id/cancel', (req, res) => this.reply(req, res, this.events.has(String(req.params.id)) ? 202 : 404));
    graph.post('/v1.0/users/:user/sendMail', (req, res) => {
      this.mails.push(req.body);
      this.reply(req, res, 202);
    });
    graph.use((req, res) => this.reply(req, res, 404, { error: { code: 'NotFound', message: req.path } }));

    const login = express();
    login.use(express.urlencoded({ extended: false }));
    login.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
      const base = `${this.authorityHost}/${req.params.tenant}`;
      res.json({
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
      });
    });
    login.post('/:tenant/oauth2/v2.0/token', (req, res) => {
      const { client_secret: _secret, ...rest } = req.body as Record<string, string>;
      this.tokenRequests.push({ ...rest, tenant: String(req.params.tenant), secretGiven: String(Boolean(_secret)) });
      const token = `fake-token-${this.tokenRequests.length}`;
      this.tokens.add(token);
      res.json({ token_type: 'Bearer', access_token: token, expires_in: 3600, ext_expires_in: 3600 });
    });

    this.graphServer = await listen(graph.listen(0, '127.0.0.1'));
    this.loginServer = await listen(createHttpsServer({ cert: this.tls.cert, key: this.tls.key }, login).listen(0, '127.0.0.1'));
    this.graphUrl = `http://127.0.0.1:${(this.graphServer.address() as AddressInfo).port}`;
    this.authorityHost = `https://127.0.0.1:${(this.loginServer.address() as AddressInfo).port}`;
    return this;
  }

  /** Busy time getSchedule reports for an address. */
  setSchedule(address: string, items: FakeScheduleItem[]): void {
    this.schedules.set(address.toLowerCase(), items);
  }

  /** getSchedule reports an error entry for this address (e.g. an unknown mailbox). */
  failSchedule(address: string): void {
    this.scheduleErrors.add(address.toLowerCase());
  }

  /** The next `count` Graph requests get this status (and headers, e.g. Retry-After). */
  failNext(count: number, status: number, headers?: Record<string, string>): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, headers });
  }

  /** Every Graph request is answered `ms` late (0: at once). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** No more injected faults. */
  clearFaults(): void {
    this.faults = [];
  }

  reset(): void {
    this.calls.length = 0;
    this.faults = [];
    this.latencyMs = 0;
    this.events.clear();
    this.mails.length = 0;
    this.schedules.clear();
    this.scheduleErrors.clear();
  }

  async stop(): Promise<void> {
    for (const s of [this.graphServer, this.loginServer]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  private gate(req: Request, res: Response, next: () => void): void {
    if (this.latencyMs > 0) {
      setTimeout(() => this.pass(req, res, next), this.latencyMs);
      return;
    }
    this.pass(req, res, next);
  }

  private pass(req: Request, res: Response, next: () => void): void {
    const fault = this.faults.shift();
    if (fault) {
      res.set(fault.headers ?? {});
      this.reply(req, res, fault.status, { error: { code: fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'injected' } });
    } else if (!this.isAuthorized(req)) {
      this.reply(req, res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'no valid token' } });
    } else next();
  }

  private getSchedule(req: Request, res: Response): void {
    const body = req.body as { schedules: string[]; startTime: { dateTime: string; timeZone: string }; endTime: { dateTime: string; timeZone: string } };
    const preferred = /outlook\.timezone="([^"]+)"/.exec(req.header('prefer') ?? '')?.[1] ?? 'UTC';
    const zone = ZONES[preferred] ?? preferred;
    const toInstant = (t: { dateTime: string; timeZone: string }) => DateTime.fromISO(t.dateTime, { zone: ZONES[t.timeZone] ?? t.timeZone }).toMillis();
    const from = toInstant(body.startTime);
    const to = toInstant(body.endTime);
    const local = (d: Date) => ({ dateTime: DateTime.fromJSDate(d, { zone }).toFormat("yyyy-LL-dd'T'HH:mm:ss'.0000000'"), timeZone: preferred });
    const value = body.schedules.map((scheduleId) => {
      if (this.scheduleErrors.has(scheduleId.toLowerCase())) {
        return { scheduleId, error: { message: 'mailbox not found', responseCode: 'ErrorMailRecipientNotFound' } };
      }
      const items = (this.schedules.get(scheduleId.toLowerCase()) ?? []).filter((i) => i.start.getTime() < to && i.end.getTime() > from);
      return {
        scheduleId,
        availabilityView: '',
        scheduleItems: items.map((i) => ({ isPrivate: false, status: i.status ?? 'busy', subject: 'Bezet', start: local(i.start), end: local(i.end) })),
      };
    });
    this.reply(req, res, 200, { value });
  }

  private createEvent(req: Request, res: Response): void {
    const body = req.body as Record<string, unknown>;
    const id = `event-${this.events.size + 1}`;
    this.events.set(id, body);
    const online = body.isOnlineMeeting === true;
    this.reply(req, res, 201, {
      id,
      ...body,
      onlineMeeting: online ? { joinUrl: `https://teams.example/l/meetup-join/${id}` } : null,
    });
  }

  private isAuthorized(req: Request): boolean {
    const m = /^Bearer (.+)$/.exec(req.header('authorization') ?? '');
    return m !== null && this.tokens.has(m[1] as string);
  }

  private reply(req: Request, res: Response, status: number, body?: unknown): void {
    const headers = Object.fromEntries(
      Object.entries(req.headers)
        .filter(([k]) => k !== 'authorization' && k !== 'cookie')
        .map(([k, v]) => [k, String(v)]),
    );
    this.calls.push({
      method: req.method,
      path: decodeURIComponent(req.originalUrl.replace(/^\/v1\.0/, '').split('?')[0] as string),
      headers,
      authorized: this.isAuthorized(req),
      body: req.body,
      status,
      at: Date.now(),
    });
    if (body === undefined) res.status(status).end();
    else res.status(status).json(body);
  }
}

async function listen(server: Server): Promise<Server> {
  if (server.listening) return server;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}
