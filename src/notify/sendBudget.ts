import type { Container } from '@azure/cosmos';
import type { Logger } from '../log.js';
import { statusOf } from '../store/documents.js';

/**
 * How many Bot Connector requests per second this instance may make for the tenant. Teams
 * allows about 50 per app per tenant in all; with several instances each uses a share.
 */
export interface SendBudget {
  /** The current share (0 = wait); calling it also says this instance wants to send. */
  perSecond(): number;
  stop(): Promise<void>;
}

/** The whole tenant limit for this process: right when there is only one instance. */
export class LocalSendBudget implements SendBudget {
  constructor(private readonly limit = 50) {}
  perSecond(): number {
    return this.limit;
  }
  async stop(): Promise<void> {}
}

/** One instance's entry in the shared budget document. */
interface Member {
  /** Requests per second it may make until `expires`. */
  share: number;
  /** A share it gave up recently, still counted until `heldUntil` (its sends stay in the window that long). */
  held: number;
  heldUntil: number;
  /** Its share lapses here unless renewed (it stops sending by itself at this instant). */
  expires: number;
}

/** The budget document in the `config` container (pk `/kind`). */
interface BudgetDoc {
  id: string;
  kind: 'sendBudget';
  tenantId: string;
  perSecond: number;
  members: Record<string, Member>;
}

export interface SharedSendBudgetOptions {
  container: Container;
  tenantId: string;
  /** Identifies this instance (the scheduler's owner id). */
  owner: string;
  log: Logger;
  /** The tenant's limit (default 50 per second). */
  limit?: number;
  /** Renewal interval of this instance's share while it sends (default 1 s). */
  heartbeatMs?: number;
  /** How long a share lasts without renewal (default 4 s): a crashed instance's share returns after this plus the window. */
  leaseMs?: number;
  /** The limit's window plus a margin for clock differences between instances (default 1.25 s). */
  windowMs?: number;
  /** Without demand for this long, the instance gives its share back (default 20 s). */
  idleMs?: number;
  now?: () => number;
}

/**
 * The tenant's send budget shared by every instance through one Cosmos document, written with
 * ETags. Each instance that wants to send holds a lease on a share (an equal part of the limit)
 * and renews it every second while it sends; an idle or crashed instance's share returns to
 * the others. The sum of the shares in use never exceeds the limit in any window:
 * - an instance lowers its own share locally before it writes the lower value, and a share it
 *   gives up is still counted (`held`) for one window, because its last sends are still in it;
 * - an instance raises its share only after the document (read with its ETag) shows the room free;
 * - a share not renewed by `expires` is no longer used by its owner, and is counted by the
 *   others until `expires` plus one window.
 * Cost: one point write per active instance per heartbeat (a read only after a conflict).
 */
export class SharedSendBudget implements SendBudget {
  private readonly limit: number;
  private readonly heartbeatMs: number;
  private readonly leaseMs: number;
  private readonly windowMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private readonly id: string;
  private share = 0;
  private expires = 0;
  private lastDemand = Number.NEGATIVE_INFINITY;
  private known: { doc: BudgetDoc; etag: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: SharedSendBudgetOptions) {
    this.limit = o.limit ?? 50;
    this.heartbeatMs = o.heartbeatMs ?? 1_000;
    this.leaseMs = o.leaseMs ?? 4_000;
    this.windowMs = o.windowMs ?? 1_250;
    this.idleMs = o.idleMs ?? 20_000;
    this.now = o.now ?? (() => Date.now());
    this.id = `sendBudget:${o.tenantId}`;
  }

  perSecond(): number {
    const now = this.now();
    this.lastDemand = now;
    if (!this.timer && !this.beating && !this.stopped) this.beat(0);
    return now < this.expires ? this.share : 0;
  }

  /** Gives the share back (for one window still counted by the others) and stops renewing. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.beating;
    if (this.share > 0 || this.expires > 0) await this.renew(true).catch(() => undefined);
    this.share = 0;
  }

  private beat(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.beating = this.renew(false)
        .then((again) => {
          this.beating = undefined;
          if (!this.stopped && again) this.beat(this.heartbeatMs);
        })
        .catch((err: unknown) => {
          this.beating = undefined;
          this.o.log.warn({ status: statusOf(err) ?? null, err: { name: (err as Error).name } }, 'send budget renewal failed; retrying');
          if (!this.stopped) this.beat(this.heartbeatMs);
        });
    }, delay);
    this.timer.unref();
  }

  /** One renewal; true while this instance still holds (or wants) a share. Retries ETag conflicts. */
  private async renew(leaving: boolean): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = this.known ?? (await this.read());
      const now = this.now();
      const idle = leaving || now - this.lastDemand > this.idleMs;
      const next = this.allocate(current?.doc, now, idle);
      const target = next.members[this.o.owner]?.share ?? 0;
      // Lowering takes effect here at once; raising only once the document says so.
      if (target < this.share) this.share = target;
      try {
        const written = current
          ? await this.o.container.item(this.id, 'sendBudget').replace(next, { accessCondition: { type: 'IfMatch', condition: current.etag } })
          : await this.o.container.items.create(next);
        this.known = { doc: next, etag: written.etag ?? '' };
        this.share = target;
        this.expires = idle ? 0 : now + this.leaseMs;
        return !idle;
      } catch (err) {
        const status = statusOf(err);
        if (status !== 412 && status !== 409) throw err;
        this.known = undefined; // another instance wrote: read again
      }
    }
    return !leaving;
  }

  private async read(): Promise<{ doc: BudgetDoc; etag: string } | undefined> {
    try {
      const { resource } = await this.o.container.item(this.id, 'sendBudget').read<BudgetDoc & { _etag: string }>();
      if (!resource) return undefined;
      const { id, kind, tenantId, perSecond, members, _etag } = resource;
      return { doc: { id, kind, tenantId, perSecond, members }, etag: _etag };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  /** The document after this instance's renewal: its fair share, within what the others leave free. */
  private allocate(doc: BudgetDoc | undefined, now: number, idle: boolean): BudgetDoc {
    const members: Record<string, Member> = {};
    const committed = (m: Member) => (now < m.expires + this.windowMs ? Math.max(m.share, now < m.heldUntil ? m.held : 0) : now < m.heldUntil ? m.held : 0);
    let others = 0;
    const live = idle ? [] : [this.o.owner];
    for (const [owner, m] of Object.entries(doc?.members ?? {})) {
      if (owner === this.o.owner) continue;
      if (committed(m) === 0 && now >= m.expires) continue; // gone for more than a window: forget it
      members[owner] = m;
      others += committed(m);
      if (now < m.expires) live.push(owner);
    }
    const mine = doc?.members[this.o.owner];
    // Equal parts; the remainder goes one each to the first owners in name order.
    const rank = live.sort().indexOf(this.o.owner);
    const fair = idle ? 0 : Math.floor(this.limit / live.length) + (rank < this.limit % live.length ? 1 : 0);
    // Raise only into room nobody else counts on; lowering is always allowed.
    const target = fair > this.share ? Math.max(this.share, Math.min(fair, this.limit - others)) : fair;
    const givenUp = this.share > target ? this.share : 0;
    const stillHeld = mine && now < mine.heldUntil ? mine.held : 0;
    members[this.o.owner] = {
      share: target,
      held: Math.max(givenUp, stillHeld),
      heldUntil: givenUp > 0 ? now + this.windowMs : (mine?.heldUntil ?? 0),
      expires: idle ? now : now + this.leaseMs,
    };
    return { id: this.id, kind: 'sendBudget', tenantId: this.o.tenantId, perSecond: this.limit, members };
  }
}
