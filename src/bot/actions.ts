import type { TurnContext } from 'botbuilder';
import type { ZodType, ZodTypeDef } from 'zod';
import { channelCardChanged, withCaseCardRefresh } from '../domain/caseCards.js';
import { refuse, type Decision } from '../domain/decision.js';
import type { Now } from '../domain/draft.js';
import { besideReplaySafe, enqueue } from '../domain/effects.js';
import { registrationEffect } from '../domain/registration.js';
import type { Referral } from '../domain/referral.js';
import type { Actor } from '../domain/types.js';
import { ConcurrencyError, type Versioned } from '../store/documents.js';
import { actorOf, nowOf, respondWithMessage, trOf } from './context.js';
import type { BotDeps } from './deps.js';

/**
 * Parses a card action: the actor comes from the authenticated activity, the data must match
 * the verb's schema (ids and a version only). Anything else is refused, logged and answered.
 */
export async function parseAction<T>(
  ctx: TurnContext,
  deps: BotDeps,
  verb: string,
  schema: ZodType<T, ZodTypeDef, unknown>,
  data: unknown,
): Promise<{ actor: Actor; action: T } | undefined> {
  const actor = actorOf(ctx);
  const parsed = schema.safeParse(data);
  if (!actor || !parsed.success) {
    deps.log.warn(
      { verb, hasActor: Boolean(actor), issues: parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.')) },
      'refused malformed card action',
    );
    await respondWithMessage(ctx, trOf(ctx)(actor ? 'error.badAction' : 'error.unknownUser'));
    return undefined;
  }
  return { actor, action: parsed.data };
}

export interface Outcome {
  decision: Decision<Referral>;
  /** The referral as it is stored after the command (saved, unchanged, or the latest when refused). */
  current?: Versioned<Referral>;
  now: Now;
}

/**
 * parse → load (with ETag) → decide → save (IfMatch) → record. When someone wrote in between, the
 * command is decided again on the fresh referral (the race loser sees the winner's state).
 */
export async function decideAndSave(
  deps: BotDeps,
  referralId: string,
  actor: Actor,
  decide: (current: Referral | undefined, now: Now) => Decision<Referral>,
): Promise<Outcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const stored = await deps.referrals.get(referralId);
    const now = nowOf(deps);
    let decision = decide(stored?.doc, now);
    if (!decision.ok || decision.unchanged) return { decision, current: stored, now };
    // What the registration counts of this change goes with it, as an effect (counted after the answer).
    const counting = registrationEffect(stored?.doc, decision.value, decision.events, now.at, { calendar: deps.calendar, norms: deps.serviceNorms });
    if (counting) decision = { ...decision, effects: besideReplaySafe(decision.effects ?? [], counting) };
    try {
      // Every committed change refreshes the live case cards (one coalesced effect), so even a
      // decision without effects of its own shows on them. Not Teams' automatic refresh
      // (`refresh.userIds`): each viewer's client would call the bot on every view, and a card
      // returned from that refresh carries the refresh again — the known refresh loop, with a
      // bot call per open chat. Updating the message in place reaches everyone once.
      const refresh = withCaseCardRefresh(decision.value, channelCardChanged(stored?.doc, decision.value), decision.effects);
      decision = { ...decision, value: refresh.referral };
      const own = decision.effects ?? [];
      if (own.length === 0 && refresh.effects.length > 0) {
        // Only the refresh: entries are committed with the referral; the refresh waits in the outbox.
        const value: Referral = { ...decision.value, outbox: enqueue(decision.value.outbox, referralId, actor.aadObjectId, [], refresh.effects, now.at.toISOString()) };
        await deps.effects.mark(referralId, value.outbox?.nextAt ?? now.at.toISOString(), value.outbox?.seq ?? 0);
        // The referral and the decision's entries in one transactional batch: all or nothing.
        const saved = await deps.referrals.commit(value, stored, actor.aadObjectId, decision.events, now.at);
        deps.effects.kick(referralId, saved);
        return { decision: { ...decision, value }, current: saved, now };
      }
      const effects = [...own, ...refresh.effects];
      if (effects.length === 0) {
        const saved = await deps.referrals.commit(decision.value, stored, actor.aadObjectId, decision.events, now.at);
        deps.effects.saved(referralId, saved);
        return { decision, current: saved, now };
      }
      // State with its outbox of effects, and the entries, in one transactional batch of the
      // referral's partition: all or nothing (DESIGN.md §4).
      const outbox = enqueue(decision.value.outbox, referralId, actor.aadObjectId, [], effects, now.at.toISOString());
      const value: Referral = { ...decision.value, outbox };
      // The due mark first: a mark without a commit is found empty and removed; a commit is never unmarked.
      await deps.effects.mark(referralId, outbox.nextAt ?? now.at.toISOString(), outbox.seq);
      const saved = await deps.referrals.commit(value, stored, actor.aadObjectId, decision.events, now.at);
      deps.effects.kick(referralId, saved);
      return { decision: { ...decision, value }, current: saved, now };
    } catch (err) {
      if (err instanceof ConcurrencyError) continue;
      throw err;
    }
  }
  const latest = await deps.referrals.get(referralId);
  return { decision: refuse('stale'), current: latest, now: nowOf(deps) };
}

/** Writes an audit entry for a refused command on an existing referral. */
export async function auditRefusal(deps: BotDeps, outcome: Outcome, actor: Actor, verb: string): Promise<void> {
  if (outcome.decision.ok || !outcome.current) return;
  deps.log.warn({ referralId: outcome.current.doc.referralId, verb, code: outcome.decision.code, actor: actor.aadObjectId }, 'card action refused');
  await deps.referrals.record(outcome.current.doc.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.refused', detail: { code: outcome.decision.code, verb } }], outcome.now.at);
}
