import { isSmwOf } from './access.js';
import { refuse, type Accepted, type Decision } from './decision.js';
import type { Now } from './draft.js';
import type { DeliveryProblemReport, Effect, EffectKind, EffectRequest } from './effects.js';
import type { Referral } from './referral.js';
import type { Actor, PartyRole } from './types.js';

/** The roles a problem names, each once. */
export function rolesOf(problem: DeliveryProblemReport): PartyRole[] {
  return [...new Set('roles' in problem ? problem.roles : [problem.role])];
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
  // Waiting in the outbox is not "not reached": the timeline says where it waits.
  const entry = problem.what === 'reminderInOutbox' ? 'reminderInOutbox' : 'deliveryProblem';
  const events = roles.map((role) => ({ type: 'timeline' as const, entry: `${entry}.${role}`, detail: { role } }));
  const smwOnly = roles.every((role) => role === 'smw');
  const effects: EffectRequest[] = smwOnly ? [] : [{ kind: 'tellDeliveryProblem', problem: problem.what === 'agreements' || problem.what === 'reminders' ? { ...problem, roles } : problem }];
  return { ok: true, value: r, events, effects };
}

/** Kinds that answer their own failure (the intake post, a booking, a search, the parent's link mail). */
const OWN_FAILURE: ReadonlySet<EffectKind['kind']> = new Set(['postIntakeCard', 'bookMeeting', 'findSlots', 'mailParentLink']);

/** Who an effect was to reach, as a role of the referral (undefined: nobody in particular, e.g. a card refresh). */
export function roleReached(r: Referral, effect: Effect): PartyRole | undefined {
  const roleOf = (id: string): PartyRole | undefined => (id === r.smw.aadObjectId ? 'smw' : id === r.caseManager?.aadObjectId ? 'caseManager' : undefined);
  switch (effect.kind) {
    case 'notifyPerson':
    case 'sendInvitation':
    case 'offerHandoverPlanning':
      return roleOf(effect.aadObjectId);
    case 'parentAnswerToCaseManager':
      return 'caseManager';
    case 'tellDateMoved':
      return effect.role;
    case 'announceMeeting':
    case 'mailParent':
      return 'parent';
    case 'deliverAgreements':
      return effect.recipient;
    case 'updateIntakeCard':
      return 'wijkteam';
    case 'escalate':
      return effect.to === 'coordinator' ? 'coordinator' : 'smw';
    case 'tellDeliveryProblem':
      return 'smw';
    default:
      return undefined;
  }
}

/**
 * An effect failed for good (every attempt used, or an answer that will never change): whoever
 * it was to reach is a delivery problem — on the timeline, and the SMW'er is told what did not
 * arrive so they can pass it on; a wijkteam channel's card that cannot be updated goes to the
 * coordinators instead. Kinds that answer their own failure, and those that reach nobody in
 * particular, add nothing here.
 */
export function effectFailed(r: Referral, effect: Effect): Accepted<Referral> {
  const role = OWN_FAILURE.has(effect.kind) ? undefined : roleReached(r, effect);
  if (!role) return { ok: true, value: r, events: [] };
  if (role === 'wijkteam') {
    return {
      ok: true,
      value: r,
      events: [{ type: 'timeline', entry: 'deliveryProblem.wijkteam', detail: { role } }],
      effects: [{ kind: 'escalate', to: 'coordinator', messageKey: 'effects.channelCardFailed.coordinator', params: { number: r.number } }],
    };
  }
  return deliveryProblemFound(r, { what: 'message', role, kind: effect.kind });
}

/**
 * The SMW'er passed on themselves what did not arrive ("Ik heb het zelf doorgegeven"): the manual
 * resolution goes on the timeline beside the problem, per role, and is audited.
 */
export function problemPassedOn(r: Referral, a: Actor, roles: PartyRole[], now: Now): Decision<Referral> {
  if (!isSmwOf(r, a)) return refuse('notAllowed');
  const unique = [...new Set(roles)];
  if (unique.length === 0) return refuse('invalid');
  return {
    ok: true,
    value: { ...r, version: r.version + 1, updatedAt: now.at.toISOString() },
    events: [
      { type: 'audit', action: 'deliveryProblem.passedOn', detail: { roles: unique.join(',') } },
      ...unique.map((role) => ({ type: 'timeline' as const, entry: `deliveryProblemPassedOn.${role}`, detail: { role } })),
    ],
  };
}
