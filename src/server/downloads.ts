import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';

/**
 * Signed, expiring download URLs on the bot's own HTTP server: `GET /downloads/:token`.
 * A token is `base64url(payload).base64url(HMAC-SHA256(payload))`; the payload holds the kind
 * of download, an id the kind's provider understands, the expiry and a random nonce (so two
 * links to the same file differ and none can be guessed). A provider per kind produces the
 * content when the link is opened; nothing is stored for a link.
 */

export interface DownloadContent {
  body: Buffer | string;
  contentType: string;
  /** Offered as the attachment's file name; without it the content is shown inline (images). */
  fileName?: string;
}

/** Produces the content for an id of its kind, or undefined when there is none (404). */
export type DownloadProvider = (id: string) => Promise<DownloadContent | undefined>;

export interface DownloadTicket {
  kind: string;
  id: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

export type TokenCheck = { ok: true; ticket: DownloadTicket } | { ok: false; reason: 'invalid' | 'expired' };

interface Payload {
  k: string;
  i: string;
  e: number;
  n: string;
}

export interface DownloadsOptions {
  /** HMAC key (DOWNLOAD_SIGNING_KEY); at least 32 bytes. */
  key: Buffer;
  clock: Clock;
  log: Logger;
  /** Public base URL of the bot's HTTP server; may be set once it listens ({@link Downloads.setBaseUrl}). */
  baseUrl?: string;
}

const b64 = (b: Buffer) => b.toString('base64url');

export class Downloads {
  private readonly providers = new Map<string, DownloadProvider>();
  private baseUrl: string | undefined;

  constructor(private readonly opts: DownloadsOptions) {
    if (opts.key.length < 32) throw new Error('download signing key must be at least 32 bytes');
    this.baseUrl = opts.baseUrl?.replace(/\/+$/, '');
  }

  /** A random key for development and tests: links die with the process. */
  static ephemeralKey(): Buffer {
    return randomBytes(32);
  }

  /** Registers the provider of one kind of download (e.g. `report.csv`, `ics`). */
  register(kind: string, provider: DownloadProvider): void {
    if (this.providers.has(kind)) throw new Error(`download kind already registered: ${kind}`);
    this.providers.set(kind, provider);
  }

  setBaseUrl(url: string): void {
    this.baseUrl ??= url.replace(/\/+$/, '');
  }

  /** A signed token for `kind`/`id`, valid for `ttlSeconds`. */
  token(kind: string, id: string, ttlSeconds: number): string {
    const payload: Payload = { k: kind, i: id, e: this.opts.clock.now().getTime() + ttlSeconds * 1000, n: b64(randomBytes(12)) };
    const body = b64(Buffer.from(JSON.stringify(payload)));
    return `${body}.${this.sign(body)}`;
  }

  /** The absolute URL of a signed download. */
  url(kind: string, id: string, ttlSeconds: number): string {
    if (!this.baseUrl) throw new Error('download base URL not known yet');
    return `${this.baseUrl}/downloads/${this.token(kind, id, ttlSeconds)}`;
  }

  /** Checks signature (constant time) and expiry. */
  verify(token: string): TokenCheck {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return { ok: false, reason: 'invalid' };
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
    let p: Payload;
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (typeof p.k !== 'string' || typeof p.i !== 'string' || typeof p.e !== 'number') return { ok: false, reason: 'invalid' };
    if (this.opts.clock.now().getTime() >= p.e) return { ok: false, reason: 'expired' };
    return { ok: true, ticket: { kind: p.k, id: p.i, expiresAt: p.e } };
  }

  /** The route `GET /downloads/:token`: 404 for a bad token or unknown content, 410 once expired. */
  router(): Router {
    const router = express.Router();
    router.get('/downloads/:token', async (req, res) => {
      res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Content-Type-Options': 'nosniff' });
      const check = this.verify(String(req.params.token));
      if (!check.ok) {
        this.opts.log.warn({ reason: check.reason }, 'download refused');
        return void res.status(check.reason === 'expired' ? 410 : 404).type('text/plain').send(check.reason === 'expired' ? 'Link verlopen' : 'Niet gevonden');
      }
      const provider = this.providers.get(check.ticket.kind);
      const content = provider ? await provider(check.ticket.id) : undefined;
      if (!content) return void res.status(404).type('text/plain').send('Niet gevonden');
      this.opts.log.info({ kind: check.ticket.kind }, 'download served');
      // attachment() sets a type from the file name: first, so the provider's own type wins.
      if (content.fileName) res.attachment(content.fileName);
      res.type(content.contentType);
      res.send(content.body);
    });
    return router;
  }

  private sign(body: string): string {
    return b64(createHmac('sha256', this.opts.key).update(body).digest());
  }
}
