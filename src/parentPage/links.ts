import { ParentLinkKeys } from './token.js';

/** The parent links of this server: the keys, and the public address the links point to. */
export class ParentLinks {
  readonly keys: ParentLinkKeys;
  private baseUrl: string | undefined;

  constructor(key: Buffer, baseUrl?: string) {
    this.keys = new ParentLinkKeys(key);
    this.baseUrl = baseUrl?.replace(/\/+$/, '');
  }

  /** Set once the server listens, unless PUBLIC_BASE_URL already said where it is reached. */
  setBaseUrl(url: string): void {
    this.baseUrl ??= url.replace(/\/+$/, '');
  }

  /** The absolute address of a parent's page. */
  url(token: string): string {
    if (!this.baseUrl) throw new Error('parent page base URL not known yet');
    return `${this.baseUrl}/ouder/${token}`;
  }
}
