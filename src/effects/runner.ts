import { afterAttempt, dueEffects, enqueue, replaySafe, withoutEntries, withState, type DeliveryState, type Effect, type EffectOutcome, type PendingEntry, type RetryPolicy } from '../domain/effects.js';
import type { Now } from '../domain/draft.js';
import { effectSettled, type EffectResult } from '../domain/effectResults.js';
import type { Referral } from '../domain/referral.js';
import type { Logger } from '../log.js';
import type { DueWork } from './loop.js';
import { ConcurrencyError, type Versioned } from '../store/documents.js';
import type { EffectIndex } from '../store/effectIndex.js';
import type { ReferralRepository } from '../store/referrals.js';

/** Carries out one effect; never throws for an answer of the outside world (that is an outcome). */
export type CarryOut = (effect: Effect, referral: Referral) => Promise<{ outcome: EffectOutcome; result?: EffectResult }>;

export interface EffectRunnerDeps {
  referrals: Pick<ReferralRepository, 'get' | 'saveWithEntries'>;
  index: EffectIndex;
  carryOut: CarryOut;
  now: () => Now;
  log: Logger;
}

export interface EffectRunnerOptions {
  /** This instance, as lease owner. */
  owner: string;
  leaseMs: number;
  /** Pause between passes of the loop over the due marks (see {@link EffectRunner.dueWork}). */
  intervalMs: number;
  batchSize: number;
  retry: RetryPolicy;
}

/** The actor recorded on entries the runner writes for its own decisions. */
export const RUNNER_ACTOR = 'schakel';

/**
 * Carries out what decisions committed into referrals' outboxes. Per referral it takes the
 * lease of its due mark, writes the waiting entries, runs the due effects one at a time and
 * commits their states (IfMatch on the referral) before the next effect whose repeat would show
 * runs: a crash can repeat only the one send not yet committed. Kicked right after a commit in
 * this process; the loop picks up what a crash, another instance or a retry time left.
 */
export class EffectRunner {
  private readonly active = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly wakeups = new Map<string, NodeJS.Timeout>();
  /** The referral as the latest commit in this process saved it, until a run starts from it. */
  private readonly committed = new Map<string, Versioned<Referral>>();
  private ticking?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly deps: EffectRunnerDeps,
    private readonly options: EffectRunnerOptions,
  ) {}

  /** The runner's part of the instance's background loop: a pass over the due marks every `intervalMs`. */
  dueWork(): DueWork {
    return { name: 'effects', everyMs: this.options.intervalMs, pass: () => this.tick(), stop: () => this.stop() };
  }

  /** Takes no more kicks, and waits for what runs; the loop's passes end with the loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.wakeups.values()) clearTimeout(t);
    this.wakeups.clear();
    await this.idle();
  }

  /** Resolves when nothing runs in this process (tests wait for a kick with it). */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.ticking) await Promise.allSettled([...this.active.values(), this.ticking]);
  }

  /** Referrals whose effects wait for a timer of this process (a rate-limit wait or a retry due soon). */
  waiting(): number {
    return this.wakeups.size;
  }

  /**
   * Runs a referral's due effects soon (after a commit in this process). `committed`: the referral
   * as that commit saved it; used instead of reading it when the lease was taken with the commit.
   */
  kick(referralId: string, committed?: Versioned<Referral>): void {
    if (this.stopped) return;
    if (committed) this.committed.set(referralId, committed);
    if (this.active.has(referralId)) {
      this.again.add(referralId);
      return;
    }
    const run = this.run(referralId)
      .catch((err: unknown) => this.deps.log.error({ referralId, err: { name: (err as Error).name, message: (err as Error).message } }, 'effect run failed'))
      .finally(() => {
        this.active.delete(referralId);
        if (this.again.delete(referralId)) this.kick(referralId);
      });
    this.active.set(referralId, run);
  }

  /** A later commit without effects: a run not yet started starts from it (else it would meet a 412 and read again). */
  saved(referralId: string, committed: Versioned<Referral>): void {
    if (this.committed.has(referralId)) this.committed.set(referralId, committed);
  }

  /** One pass of the loop: claims and runs the referrals that are due. Returns how many were started. */
  tick(): Promise<number> {
    this.ticking ??= (async () => {
      try {
        const due = await this.deps.index.due(this.deps.now().at.toISOString(), this.options.batchSize);
        const fresh = due.filter((id) => !this.active.has(id));
        fresh.forEach((id) => this.kick(id));
        await Promise.allSettled(fresh.map((id) => this.active.get(id)));
        return fresh.length;
      } finally {
        this.ticking = undefined;
      }
    })();
    return this.ticking;
  }

  private async run(referralId: string): Promise<void> {
    const { index, now } = this.deps;
    const committed = this.committed.get(referralId);
    this.committed.delete(referralId);
    let lease = await index.claim(referralId, this.options.owner, now().at, this.options.leaseMs);
    // Held since that commit, and the mark names its sequence: the referral is as committed.
    let start = lease?.sinceCommit && committed && (committed.doc.outbox?.seq ?? 0) === lease.seq ? committed : undefined;
    while (lease) {
      const latest = await this.work(referralId, start);
      start = undefined;
      const nextAt = latest?.doc.outbox?.nextAt;
      if (await index.release(referralId, lease, nextAt, latest?.doc.outbox?.seq ?? 0, now().at.toISOString())) {
        if (nextAt) this.wakeAt(referralId, nextAt);
        return;
      }
      // A commit marked the referral meanwhile: look again.
      lease = await index.claim(referralId, this.options.owner, now().at, this.options.leaseMs);
    }
  }

  /** Runs the referral's effects again after `ms` of real time (a rate-limit wait). */
  private wakeAfter(referralId: string, ms: number): void {
    if (this.stopped || this.wakeups.has(referralId)) return;
    const t = setTimeout(() => {
      this.wakeups.delete(referralId);
      this.kick(referralId);
    }, Math.min(60_000, Math.max(50, ms)));
    t.unref();
    this.wakeups.set(referralId, t);
  }

  /** A retry due soon runs from a timer in this process; the loop is the fallback. */
  private wakeAt(referralId: string, nextAt: string): void {
    const wait = Date.parse(nextAt) - this.deps.now().at.getTime();
    if (this.stopped || wait > 60_000 || this.wakeups.has(referralId)) return;
    const t = setTimeout(() => {
      this.wakeups.delete(referralId);
      this.kick(referralId);
    }, Math.max(0, wait));
    t.unref();
    this.wakeups.set(referralId, t);
  }

  /**
   * Writes entries and runs due effects until nothing is due now; returns the referral as last
   * stored. At most one effect whose repeat would show (a message, a post, a mail) is carried out
   * and not yet committed at any time: the states are committed before the next such effect
   * runs. Effects whose repeat is harmless (`replaySafe`) are gathered with it and committed
   * together: fewer writes, and a crash still repeats nothing anyone notices but the one send.
   */
  private async work(referralId: string, committed?: Versioned<Referral>): Promise<Versioned<Referral> | undefined> {
    let stored = committed ?? (await this.deps.referrals.get(referralId));
    let working = stored?.doc;
    let steps: Step[] = [];
    // Entries taken from the outbox, written with the next commit (the same batch).
    let entries: PendingEntry[] = [];
    let written = new Set<string>();
    // Whether `steps` holds an effect whose repeat would show.
    let holdsSend = false;
    const flush = async (more: Step[] = []) => {
      if (!stored) return;
      stored = await this.commit(stored, entries, [...steps, ...more]);
      working = stored?.doc;
      steps = [];
      entries = [];
      written = new Set();
      holdsSend = false;
    };
    for (let step = 0; step < 50 && working?.outbox; step++) {
      const outbox = working.outbox;
      const current = this.deps.now();
      // Entries are taken from committed state only (their ids stay those committed); they are
      // written in the batch that commits the next state, and leave the outbox with it.
      const more = steps.length === 0 ? outbox.entries.filter((e) => !written.has(e.id)) : [];
      for (const e of more) {
        entries.push(e);
        written.add(e.id);
      }
      const effect = dueEffects(outbox, current.at.toISOString())[0];
      if (!effect) {
        if (steps.length > 0 || written.size > 0) await flush();
        return stored;
      }
      const safe = replaySafe(effect, (working.caseCards ?? []).every((c) => c.activityId));
      // Before an effect whose repeat would show: a send not yet committed (so a crash repeats at
      // most one), and entries waiting (so the timeline does not wait for the outside world).
      if (!safe && (holdsSend || entries.length > 0)) {
        await flush();
        continue;
      }
      const { outcome, result } = await this.attempt(effect, working);
      if (!outcome.ok && outcome.throttled) {
        // A rate limit is not a failed attempt (as for reminders): the effect stays pending and
        // this process tries again when the slot is free (real time, whatever the domain's clock).
        // What it did achieve before the wait (e.g. cards already updated) is kept, so it is not sent again.
        const kept: Step[] = result ? [{ effect, settled: { state: effect.state, result } }] : [];
        if (written.size > 0 || steps.length > 0 || kept.length > 0) await flush(kept);
        this.wakeAfter(referralId, outcome.retryAfterMs ?? this.options.retry.baseMs);
        return stored;
      }
      const settled = { state: afterAttempt(effect, outcome, this.options.retry, this.deps.now().at), result: result ?? {} };
      this.deps.log.info({ referralId, effect: effect.kind, effectId: effect.id, state: settled.state.status }, 'effect carried out');
      steps.push({ effect, settled });
      working = this.apply(working, written, [{ effect, settled }]);
      holdsSend ||= !safe;
    }
    if (steps.length > 0 || written.size > 0) await flush();
    return stored;
  }

  private async attempt(effect: Effect, referral: Referral): Promise<{ outcome: EffectOutcome; result?: EffectResult }> {
    try {
      return await this.deps.carryOut(effect, referral);
    } catch (err) {
      // A bug or the database, not the outside world's answer: try again later, never lose it.
      this.deps.log.error({ referralId: referral.referralId, effect: effect.kind, err: { name: (err as Error).name, message: (err as Error).message } }, 'effect failed with an error');
      return { outcome: { ok: false, retryable: true, reason: 'error' } };
    }
  }

  /**
   * Commits what happened (IfMatch) with the entries taken from the outbox, in one batch; on a
   * conflict the same facts are applied to the fresh referral.
   */
  private async commit(stored: Versioned<Referral>, entries: PendingEntry[], steps: Step[]): Promise<Versioned<Referral> | undefined> {
    const written = new Set(entries.map((e) => e.id));
    let base: Versioned<Referral> | undefined = stored;
    for (let attempt = 0; attempt < 8 && base; attempt++) {
      const applied = this.apply(base.doc, written, steps);
      // The entries of the domain's answers to these steps (and any other still waiting) go in the same batch.
      const more = (applied.outbox?.entries ?? []).filter((e) => !written.has(e.id));
      const next: Referral = more.length > 0 && applied.outbox ? { ...applied, outbox: withoutEntries(applied.outbox, new Set(more.map((e) => e.id))) } : applied;
      try {
        return await this.deps.referrals.saveWithEntries(next, base, [...entries, ...more]);
      } catch (err) {
        // The database failed (or answered nothing): what was carried out must still be recorded, else
        // it runs again. Read again: a write that did happen shows as the effect already settled.
        if (!(err instanceof ConcurrencyError)) {
          this.deps.log.warn({ referralId: stored.doc.referralId, attempt, err: { name: (err as Error).name } }, 'effect state not committed; trying again');
          await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
        }
        base = await this.deps.referrals.get(stored.doc.referralId);
      }
    }
    throw new Error('effect state could not be committed');
  }

  /** The referral with the written entries taken out and each step's state and the domain's answer to it applied, in order. */
  private apply(referral: Referral, written: ReadonlySet<string>, steps: Step[]): Referral {
    let value: Referral = { ...referral, outbox: withoutEntries(referral.outbox ?? { seq: 0, effects: [], entries: [] }, written) };
    for (const { effect, settled } of steps) value = this.applyOne(value, effect, settled);
    return value;
  }

  private applyOne(referral: Referral, effect: Effect, settled: { state: DeliveryState; result: EffectResult }): Referral {
    let outbox = referral.outbox ?? { seq: 0, effects: [], entries: [] };
    const still = outbox.effects.find((e) => e.id === effect.id && (e.state.status === 'pending' || e.state.status === 'retrying'));
    if (!still) return referral;
    outbox = withState(outbox, effect.id, settled.state);
    const now = this.deps.now();
    const decision = effectSettled({ ...referral, outbox }, still, settled.state, settled.result, now);
    const value = decision.value;
    const more = decision.effects ?? [];
    if (decision.events.length === 0 && more.length === 0) return { ...value, outbox: withoutEntries(value.outbox ?? outbox, new Set()) };
    return { ...value, outbox: enqueue(value.outbox, value.referralId, RUNNER_ACTOR, decision.events, more, now.at.toISOString()) };
  }
}

/** An effect carried out and its new state (and result), not yet committed. */
interface Step {
  effect: Effect;
  settled: { state: DeliveryState; result: EffectResult };
}
