import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Versioned } from '../store/documents.js';
import type { ReminderDocument, ReminderStore } from '../store/reminders.js';
import type { ReminderDispatcher } from './dispatcher.js';
import { WorkLoop, type DueWork } from '../effects/loop.js';

export interface SchedulerOptions {
  /** Identifies this instance in leases. */
  owner?: string;
  /** Pause between ticks (SCHEDULER_INTERVAL_MS). */
  intervalMs: number;
  /** How long a claim lasts without a write; each send attempt extends it. */
  leaseMs: number;
  /** Reminders fetched per query. */
  batchSize: number;
  /** Reminders dispatched at the same time by this instance. */
  concurrency: number;
  /** Due-day buckets queried besides today's. */
  lookbackDays: number;
  /** How often to also query all buckets, for anything older than the look-back. */
  sweepEveryMs: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: Omit<SchedulerOptions, 'intervalMs'> = {
  leaseMs: 60_000,
  batchSize: 100,
  concurrency: 8,
  lookbackDays: 7,
  sweepEveryMs: 3_600_000,
};

export interface TickResult {
  found: number;
  claimed: number;
  finished: number;
  deferred: number;
  leaseLost: number;
  errors: number;
}

/**
 * Polls the `reminders` container for due reminders, claims each with a lease and hands it to
 * the dispatcher. One per bot instance; any number of instances may run against one database.
 */
export class ReminderScheduler {
  readonly owner: string;
  /** Rounds in progress (the loop's, and any called directly). */
  private readonly rounds = new Set<Promise<TickResult>>();
  /** Its own loop, when started on its own (`start`); an instance's app runs {@link dueWork} in its one loop instead. */
  private loop: WorkLoop | undefined;
  /** Set while stopping: rounds in progress start no further reminders. */
  private stopping = false;
  private lastSweep = Number.NEGATIVE_INFINITY;
  private readonly inProgress = new Set<string>();
  private readonly options: SchedulerOptions;

  constructor(
    private readonly deps: { store: ReminderStore; dispatcher: ReminderDispatcher; clock: Clock; log: Logger },
    options: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'intervalMs'>,
  ) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...options };
    this.owner = (options.owner ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`).toLowerCase();
  }

  /** The reminders' part of an instance's background loop: a round every `intervalMs`. */
  dueWork(): DueWork {
    return { name: 'reminders', everyMs: this.options.intervalMs, pass: () => this.tick(), stop: () => this.drain() };
  }

  /** Polls on its own (a loop with only the reminders); the first round runs at once. */
  start(): void {
    this.loop ??= new WorkLoop([this.dueWork()], this.deps.log);
    this.loop.start();
  }

  /**
   * Stops polling and waits for the reminders in progress to finish (their sends complete and
   * are recorded); reminders of the round not yet started are left for the next instance.
   */
  async stop(): Promise<void> {
    const loop = this.loop;
    this.loop = undefined;
    await (loop ? loop.stop() : this.drain());
  }

  /** Ends the rounds in progress after the reminders being sent; later rounds run normally. */
  private async drain(): Promise<void> {
    this.stopping = true;
    try {
      await Promise.allSettled([...this.rounds]);
    } finally {
      this.stopping = false;
    }
  }

  /**
   * One round: find due reminders, claim and dispatch them, until no more are due. The next
   * batch is queried while the current one is still being sent (when half of it is left), so
   * the sends never wait for the due query. Each reminder is handled at most once per round.
   */
  tick(): Promise<TickResult> {
    const round = this.round();
    this.rounds.add(round);
    const done = () => void this.rounds.delete(round);
    round.then(done, done);
    return round;
  }

  private async round(): Promise<TickResult> {
    const total: TickResult = { found: 0, claimed: 0, finished: 0, deferred: 0, leaseLost: 0, errors: 0 };
    const { batchSize, concurrency } = this.options;
    const queue: Versioned<ReminderDocument>[] = [];
    const seen = new Set<string>();
    const buckets = this.buckets();
    let fetching: Promise<void> | undefined;
    let exhausted = false;
    let failure: unknown;
    const fetchMore = async () => {
      // Reminders already queued or in progress come back from the query too: ask for that many more.
      const limit = batchSize + queue.length + this.inProgress.size + total.errors;
      const due = await this.deps.store.findDue(buckets, limit);
      const fresh = shuffle(due.filter((d) => !seen.has(d.doc.id) && !this.inProgress.has(d.doc.id)));
      for (const d of fresh) seen.add(d.doc.id);
      total.found += fresh.length;
      queue.push(...fresh);
      if (due.length < limit || fresh.length === 0) exhausted = true;
    };
    const prefetch = () => {
      if (fetching || exhausted || failure !== undefined || queue.length > Math.max(concurrency, batchSize / 2)) return;
      fetching = fetchMore()
        .catch((err: unknown) => {
          failure = err;
          exhausted = true;
        })
        .finally(() => {
          fetching = undefined;
        });
    };
    const worker = async () => {
      while (!this.stopping) {
        prefetch();
        const next = queue.shift();
        if (next) await this.handle(next, total);
        else if (fetching) await fetching;
        else if (exhausted) return;
      }
    };
    await fetchMore();
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, queue.length)) }, worker));
    if (fetching) await fetching;
    if (total.found > 0) this.deps.log.debug({ owner: this.owner, ...total }, 'scheduler tick');
    if (failure !== undefined) throw failure;
    return total;
  }

  private async handle(found: Versioned<ReminderDocument>, total: TickResult): Promise<void> {
    const { store, dispatcher, log } = this.deps;
    this.inProgress.add(found.doc.id);
    try {
      const claimed = await store.claim(found, this.owner, this.options.leaseMs);
      if (!claimed) return;
      total.claimed++;
      const result = await dispatcher.dispatch(claimed);
      total[result]++;
    } catch (err) {
      total.errors++;
      log.error({ reminderId: found.doc.id, error: err instanceof Error ? err.name : 'error', code: (err as { code?: unknown }).code }, 'reminder dispatch failed; retried after the lease');
    } finally {
      this.inProgress.delete(found.doc.id);
    }
  }

  /** Today's bucket and the look-back days, or every bucket when the sweep is due. */
  private buckets(): string[] | 'all' {
    const now = this.deps.clock.now().getTime();
    if (now - this.lastSweep >= this.options.sweepEveryMs) {
      this.lastSweep = now;
      return 'all';
    }
    const days: string[] = [];
    for (let i = 0; i <= this.options.lookbackDays; i++) days.push(new Date(now - i * 86_400_000).toISOString().slice(0, 10));
    return days;
  }
}

/** Instances that found the same reminders start at different ones, so fewer claims collide. */
function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
