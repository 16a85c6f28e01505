import type { Accepted } from './decision.js';
import type { DeliveryProblemReport, EffectRequest } from './effects.js';
import type { Referral } from './referral.js';
import type { PartyRole } from './types.js';

/** The roles a problem names, each once. */
export function rolesOf(problem: DeliveryProblemReport): PartyRole[] {
  return [...new Set(problem.what === 'reminder' ? [problem.role] : problem.roles)];
}

/**
 * Something did not reach a party: never dropped silently. One timeline entry per role (the role,
 * never a name or address) and, as an effect, a message to the SMW'er naming the roles and the
 * referral number. When the SMW'er is the one who could not be reached there is nobody else to
 * tell: the timeline (and the log) say so.
 */
export function deliveryProblemFound(r: Referral, problem: DeliveryProblemReport): Accepted<Referral> {
  const roles = rolesOf(problem);
  if (roles.length === 0) return { ok: true, value: r, events: [] };
  const events = roles.map((role) => ({ type: 'timeline' as const, entry: `deliveryProblem.${role}`, detail: { role } }));
  const smwOnly = roles.every((role) => role === 'smw');
  const effects: EffectRequest[] = smwOnly ? [] : [{ kind: 'tellDeliveryProblem', problem: { ...problem, ...(problem.what === 'reminder' ? {} : { roles }) } }];
  return { ok: true, value: r, events, effects };
}
