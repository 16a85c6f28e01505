import type { DomainEvent } from '../domain/decision.js';
import type { Referral } from '../domain/referral.js';
import { participationsOf, registrationIncrements } from '../domain/registration.js';
import type { BotDeps } from './deps.js';

/**
 * Counts a saved transition in the registration. Never fails the action that caused it: a
 * counting error is logged (ids only) and the referral's own change stands.
 */
export async function countTransition(deps: BotDeps, before: Referral | undefined, after: Referral, events: DomainEvent[], at: Date): Promise<void> {
  const ctx = { calendar: deps.calendar, norms: deps.serviceNorms };
  try {
    for (const inc of registrationIncrements(before, after, events, at, ctx)) await deps.registration.apply(inc);
    for (const p of participationsOf(after, events, at, ctx)) await deps.registration.participate(p);
  } catch (err) {
    deps.log.error({ referralId: after.referralId, version: after.version, err: { message: (err as Error).message } }, 'registration count failed');
  }
}
