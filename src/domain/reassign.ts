import { isCaseManagerOf, isSmwOf } from './access.js';
import { refuse, type Decision } from './decision.js';
import type { Now } from './draft.js';
import type { EffectRequest } from './effects.js';
import type { Referral, ReferralState } from './referral.js';
import type { Actor, Professional } from './types.js';
import type { ReassignRole, Reassignment } from './records.js';
export type { ReassignRole, Reassignment } from './records.js';

/** What the bot knows about the actor and the new person beyond the referral (roster, configuration). */
export interface ReassignFacts {
  isCoordinator: boolean;
  /** The actor is a member of the referral's current wijkteam. */
  actorInWijkteam: boolean;
  /** The new person is a member of the referral's current wijkteam (required for a casusregisseur). */
  toInWijkteam: boolean;
}

export interface ReassignInput {
  role: ReassignRole;
  to: Professional;
  reason: string;
}

/** States in which a case has people working on it and can change hands. */
const SMW_STATES: readonly ReferralState[] = ['draft', 'submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined'];
const CASE_MANAGER_STATES: readonly ReferralState[] = ['accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare'];

/** Whether `actor` may hand over `role` of this referral (the gate admits more; this is the finer rule). */
export function mayReassign(r: Referral, actor: Actor, role: ReassignRole, facts: Pick<ReassignFacts, 'isCoordinator' | 'actorInWijkteam'>): boolean {
  if (r.tenantId !== actor.tenantId) return false;
  if (role === 'smw') return isSmwOf(r, actor) || facts.isCoordinator;
  return isCaseManagerOf(r, actor) || facts.actorInWijkteam || facts.isCoordinator;
}

/**
 * Hands a referral's SMW'er or casusregisseur over to a colleague. The previous person stays in
 * `reassignments`; access follows the referral's professionals at once. Effects: both people are
 * told, and pending reminders addressed to the previous person are re-addressed to the new one.
 */
export function reassign(r: Referral, actor: Actor, input: ReassignInput, now: Now, facts: ReassignFacts): Decision<Referral> {
  if (!mayReassign(r, actor, input.role, facts)) return refuse('notAllowed');
  const states = input.role === 'smw' ? SMW_STATES : CASE_MANAGER_STATES;
  if (!states.includes(r.state)) return refuse('invalidState');
  const from = input.role === 'smw' ? r.smw : r.caseManager;
  if (!from) return refuse('invalidState');
  const reason = input.reason.trim();
  const toId = input.to.aadObjectId.trim();
  if (!toId) return refuse('invalid', { errors: { to: 'v.required' } });
  if (!reason) return refuse('invalid', { errors: { reason: 'v.required' } });
  if (toId === from.aadObjectId) return refuse('invalid', { errors: { to: 'reassign.samePerson' } });
  if (input.role === 'caseManager' && !facts.toInWijkteam) return refuse('invalid', { errors: { to: 'reassign.notInWijkteam' } });
  const other = input.role === 'smw' ? r.caseManager : r.smw;
  if (other?.aadObjectId === toId) return refuse('invalid', { errors: { to: 'reassign.otherRole' } });

  const at = now.at.toISOString();
  const to: Professional = { ...input.to, aadObjectId: toId };
  const entry: Reassignment = { role: input.role, from, to, by: actor.aadObjectId, at, reason };
  const value: Referral = {
    ...r,
    ...(input.role === 'smw' ? { smw: to } : { caseManager: to }),
    reassignments: [...(r.reassignments ?? []), entry],
    // The previous person's stored planning card is no longer kept up to date: it stops showing the case.
    ...(r.handover ? { handover: { ...r.handover, cards: r.handover.cards.filter((c) => c.aadObjectId !== from.aadObjectId) } } : {}),
    version: r.version + 1,
    updatedAt: at,
  };
  const params = { number: r.number, role: input.role, from: from.name, to: to.name, reason };
  const effects: EffectRequest[] = [
    { kind: 'notifyPerson', aadObjectId: from.aadObjectId, messageKey: `reassign.toldPrevious.${input.role}`, params, referralId: r.referralId },
    { kind: 'notifyPerson', aadObjectId: toId, messageKey: `reassign.toldNew.${input.role}`, params, referralId: r.referralId },
    { kind: 'readdressReminders', role: input.role, fromAadObjectId: from.aadObjectId, to: { aadObjectId: toId, ...(to.teamsUserId ? { teamsUserId: to.teamsUserId } : {}), ...(to.email ? { email: to.email } : {}) } },
  ];
  return {
    ok: true,
    value,
    events: [
      { type: 'audit', action: 'referral.reassigned', detail: { role: input.role, from: from.aadObjectId, to: toId, reason } },
      { type: 'timeline', entry: 'reassigned', detail: { role: input.role, reason } },
    ],
    effects,
  };
}

/** Whether a referral still has work in progress for its SMW'er (bulk hand-over moves these). */
export const isOpenForSmw = (r: Referral): boolean => SMW_STATES.includes(r.state) && r.state !== 'draft';
