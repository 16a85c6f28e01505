import { ParentLinkKeys } from './token.js';

/** The parent links of this server: the keys, and the public address the links point to. */
/** How long a just-issued link is kept in this process's memory so the professionals' cards can show it. */
export const RECENT_LINK_MS = 24 * 3600_000;

export class ParentLinks {
  readonly keys: ParentLinkKeys;
  private baseUrl: string | undefined;
  /**
   * Links issued by this process in the last {@link RECENT_LINK_MS}, by referral: the database
   * holds only their hash, so this is how the SMW'er's card can show the link to read out or text
   * right after it was issued. Lost on restart (and not shared between instances): the card then
   * says until when the link is active, and "Nieuwe link voor ouders" makes a new one.
   */
  private readonly recent = new Map<string, { url: string; hash: string; until: number }>();

  constructor(key: Buffer, baseUrl?: string) {
    this.keys = new ParentLinkKeys(key);
    this.baseUrl = baseUrl?.replace(/\/+$/, '');
  }

  /** Set once the server listens, unless PUBLIC_BASE_URL already said where it is reached. */
  setBaseUrl(url: string): void {
    this.baseUrl ??= url.replace(/\/+$/, '');
  }

  remember(referralId: string, url: string, hash: string, now: Date): void {
    for (const [id, entry] of this.recent) if (entry.until <= now.getTime()) this.recent.delete(id);
    this.recent.set(referralId, { url, hash, until: now.getTime() + RECENT_LINK_MS });
  }

  /** The link issued recently for this referral, while it is still the referral's current one. */
  recentUrl(referral: { referralId: string; parentPage?: { link?: { hash: string; revokedAt?: string } } }, now: Date): string | undefined {
    const entry = this.recent.get(referral.referralId);
    if (!entry || entry.until <= now.getTime()) return undefined;
    const link = referral.parentPage?.link;
    // A referral read before the link was committed has no link yet: the new one is still its current one.
    if (link && (link.hash !== entry.hash || link.revokedAt)) return undefined;
    return entry.url;
  }

  /** The absolute address of a parent's page. */
  url(token: string): string {
    if (!this.baseUrl) throw new Error('parent page base URL not known yet');
    return `${this.baseUrl}/ouder/${token}`;
  }
}
