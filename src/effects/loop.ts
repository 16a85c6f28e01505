import type { Logger } from '../log.js';

/**
 * One kind of due work: a pass finds what is due now and carries it out (the referrals' outboxes,
 * the reminders of the day, a daily job). `stop` ends a pass in progress after what is in flight.
 */
export interface DueWork {
  readonly name: string;
  /** Pause between the end of one pass and the start of the next. */
  readonly everyMs: number;
  pass(): Promise<unknown>;
  stop?(): Promise<void>;
}

/**
 * The background loop of an instance: every kind of due work on its own interval, a pass never
 * overlapping the previous one of its kind, so a long reminder round does not hold up the
 * effects committed meanwhile. The first pass of each starts at once (whatever a previous run
 * left); a failed pass is logged and the next one comes on time. `stop` asks every kind to end
 * its pass and waits for them.
 */
export class WorkLoop {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = true;

  constructor(
    private readonly work: readonly DueWork[],
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (const w of this.work) this.schedule(w, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.work.map((w) => w.stop?.()));
    await Promise.allSettled([...this.running.values()]);
  }

  private schedule(w: DueWork, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(w.name);
      const run = w
        .pass()
        .then(
          () => undefined,
          (err: unknown) => this.log.error({ work: w.name, err: { name: (err as Error).name, message: (err as Error).message } }, 'background pass failed'),
        )
        .finally(() => {
          this.running.delete(w.name);
          this.schedule(w, w.everyMs);
        });
      this.running.set(w.name, run);
    }, delayMs);
    timer.unref();
    this.timers.set(w.name, timer);
  }
}
