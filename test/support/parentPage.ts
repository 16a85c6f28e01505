import type { OutboxDocument } from '../../src/notify/outbox.js';
import type { Harness } from './harness.js';

/**
 * A parent's browser over plain HTTP: keeps the page's form cookie, reads the form token from the
 * HTML and posts forms as a browser without JavaScript would (urlencoded, redirects not followed).
 */
export class ParentBrowser {
  cookie = '';

  async open(url: string): Promise<{ status: number; html: string; headers: Headers }> {
    const res = await fetch(url, { headers: this.cookie ? { cookie: this.cookie } : {}, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, html: await res.text(), headers: res.headers };
  }

  /** Posts a form of the page at `pageUrl` (the form token taken from that page's HTML). */
  async post(pageUrl: string, html: string, path: string, fields: [string, string][]): Promise<{ status: number; location: string | null; html: string }> {
    const form = /name="form" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const body = new URLSearchParams([['form', form], ...fields]);
    const base = pageUrl.split('?')[0]!;
    const res = await fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) }, body, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  }

  private keep(res: Response) {
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
  }
}

/** The parent's mails in the local outbox for a referral, oldest first, with the page link in each. */
export async function parentLinkMails(h: Harness, referralId: string): Promise<{ subject: string; html: string; link: string; to: string }[]> {
  const { resources } = await h.bot.schakel.store.containers.outbox.items
    .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.referralId = @id ORDER BY c.createdAt ASC', parameters: [{ name: '@id', value: referralId }] })
    .fetchAll();
  return resources
    .map((d) => ({ subject: d.subject, html: d.html, to: d.to, link: /href="([^"]*\/ouder\/[^"]+)"/.exec(d.html)?.[1] ?? '' }))
    .filter((m) => m.link !== '');
}

/** The radio values (slot ids) offered on a page. */
export const slotIdsOf = (html: string): string[] => [...html.matchAll(/name="slotId" id="slot-\d+" value="([^"]+)"/g)].map((m) => m[1]!);
