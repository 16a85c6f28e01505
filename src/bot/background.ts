import { AsyncResource } from 'node:async_hooks';
import type { Logger } from '../log.js';

/**
 * Work a turn starts and does not wait for (a fan-out to many people): the turn answers at once
 * with what is happening, the work tells its own result when done. Tracked so that a shutdown
 * lets it finish (`idle()`) and a failure is logged, never an unhandled rejection.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();
  /** The context it was made in (outside any turn): work runs there, not in the turn that started it (its reads and held runs are the turn's). */
  private readonly root = new AsyncResource('BackgroundWork');

  constructor(private readonly log: Logger) {}

  run(name: string, work: () => Promise<void>): void {
    const p = this.root.runInAsyncScope(work)
      .catch((err: unknown) => this.log.error({ work: name, err: { name: (err as Error).name, message: (err as Error).message } }, 'background work failed'))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Resolves when nothing runs (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
