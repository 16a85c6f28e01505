import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Holds back the effect runner's start for referrals committed during a turn until the turn's
 * answer is written. A card click is answered with the committed state ("Tijden worden
 * gezocht…"); the runner then updates that same message in place. Started earlier, a fast
 * effect's update could reach Teams before the click's answer, which would then overwrite it
 * with the older state.
 */
export class AfterAnswer<C = unknown> {
  private readonly turn = new AsyncLocalStorage<Map<string, C | undefined>>();

  constructor(
    private readonly kick: (referralId: string, committed?: C) => void,
    /** A later commit without a run of its own (see {@link saved}) handed on when no turn holds the referral. */
    private readonly later?: (referralId: string, committed: C) => void,
  ) {}

  /** Runs one turn; the runs it asked for start once it has returned (its answer written). */
  async around<T>(turn: () => Promise<T>): Promise<T> {
    const held = new Map<string, C | undefined>();
    try {
      return await this.turn.run(held, turn);
    } finally {
      for (const [id, committed] of held) this.kick(id, committed);
    }
  }

  /** Starts the runner for a referral now, or, inside a turn, once its answer is written; with what the latest commit saved. */
  request(referralId: string, committed?: C): void {
    const held = this.turn.getStore();
    if (held) held.set(referralId, committed);
    else this.kick(referralId, committed);
  }

  /**
   * A later commit that asks for no run (no effects): a run this turn holds back, or one the
   * runner has not started yet, starts from it instead of from the earlier commit.
   */
  saved(referralId: string, committed: C): void {
    const held = this.turn.getStore();
    if (held?.has(referralId)) held.set(referralId, committed);
    else this.later?.(referralId, committed);
  }
}
