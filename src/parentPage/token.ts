import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The parent's link token: `<referralId>.<expiry>.<random>.<mac>`.
 *
 * - `random` is 32 random bytes (base64url): the secret part, given out once (mail, the SMW'er's
 *   chat) and never stored.
 * - `referralId` and `expiry` (epoch seconds, base 36) make a lookup one point read of the referral
 *   — no index of tokens and no cross-partition query.
 * - `mac` = HMAC-SHA256(key, the first three parts): a tampered or made-up token is refused
 *   before the database is asked (constant-time compare).
 * - The referral stores only `hash` = HMAC-SHA256(key, "store|" + token). The stored hash names
 *   the one current link: a new link (or a revocation) makes every earlier token fail, and a
 *   copy of the database gives nobody a working link.
 */
export interface ParsedToken {
  referralId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  hash: string;
}

export type TokenParse = { ok: true; token: ParsedToken } | { ok: false; reason: 'malformed' | 'tampered'; referralId?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B64 = /^[A-Za-z0-9_-]+$/;
const b64 = (b: Buffer) => b.toString('base64url');

export class ParentLinkKeys {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('parent link key must be at least 32 bytes');
  }

  /** A new token for a referral, valid until `expiresAt`, and the hash to store. */
  issue(referralId: string, expiresAt: Date): { token: string; hash: string } {
    const head = `${referralId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}.${b64(randomBytes(32))}`;
    const token = `${head}.${this.mac('link', head)}`;
    return { token, hash: this.hash(token) };
  }

  /** Checks shape and MAC; says nothing of the referral (the caller compares the stored hash). */
  parse(token: string): TokenParse {
    if (token.length > 200) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 4) return { ok: false, reason: 'malformed' };
    const [referralId, expiry, random, mac] = parts as [string, string, string, string];
    if (!UUID.test(referralId) || !/^[0-9a-z]{1,10}$/.test(expiry) || !B64.test(random) || !B64.test(mac)) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.mac('link', `${referralId}.${expiry}.${random}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'tampered', referralId };
    return { ok: true, token: { referralId, expiresAt: parseInt(expiry, 36) * 1000, hash: this.hash(token) } };
  }

  /** What is stored of a token. */
  hash(token: string): string {
    return this.mac('store', token);
  }

  /** A fingerprint of the parent's contact: a changed address or number rotates the link. */
  contactKey(contact: { email?: string; phone?: string }): string {
    return this.mac('contact', `${contact.email?.toLowerCase() ?? ''}|${contact.phone ?? ''}`).slice(0, 22);
  }

  /** The per-page form token, bound to the link token and the browser's form cookie. */
  formToken(token: string, nonce: string): string {
    return this.mac('form', `${token}|${nonce}`);
  }

  /** Constant-time check of a posted form token. */
  checkForm(token: string, nonce: string, given: string): boolean {
    const expected = Buffer.from(this.formToken(token, nonce));
    const g = Buffer.from(given);
    return g.length === expected.length && timingSafeEqual(g, expected);
  }

  private mac(purpose: string, text: string): string {
    return b64(createHmac('sha256', this.key).update(`${purpose}|${text}`).digest());
  }
}

/**
 * The key: PARENT_LINK_SIGNING_KEY when set; otherwise in local mode a random key kept in the data
 * folder (so links in the outbox still open after a restart), and against a remote database one
 * random key per process (production refuses to start without the variable).
 */
export function parentLinkKey(configured: string | undefined, dataDir: string, local: boolean): Buffer {
  if (configured) return Buffer.from(configured);
  if (!local) return randomBytes(32);
  const file = join(dataDir, 'parent-link.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const key = randomBytes(32);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}
