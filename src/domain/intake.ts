import { isSmwOf } from './access.js';
import { refuse, type Decision } from './decision.js';
import type { Now } from './draft.js';
import { SECTION_IDS, type Referral } from './referral.js';
import { consentGate, type Missing } from './sections/consent.js';
import { parentsOf } from './sections/parents.js';
import { ageOn } from './sections/pupil.js';
import type { Actor, Professional } from './types.js';

const professional = (a: Actor): Professional => ({ aadObjectId: a.aadObjectId, name: a.name, teamsUserId: a.teamsUserId });

/** What must be true before a draft may be sent; the review card lists these. */
export function submitBlockers(referral: Referral, today: string, routedWijkteamId: string | undefined): Missing[] {
  const missing: Missing[] = SECTION_IDS.filter((s) => referral.sections[s] === undefined).map((s) => ({ key: 'submit.missing.section', params: { section: s } }));
  const pupil = referral.sections.pupil;
  if (pupil) {
    const gate = consentGate({
      age: ageOn(pupil.dateOfBirth, today),
      parents: parentsOf(referral.sections.parents),
      section: referral.sections.consent,
      withdrawn: referral.consentWithdrawals,
    });
    if (!gate.ok && referral.sections.consent !== undefined) missing.push(...gate.missing);
  }
  if (!routedWijkteamId) missing.push({ key: 'submit.missing.wijkteam', field: 'wijkteamId' });
  return missing;
}

export interface Submit {
  expectedVersion: number;
  /** The wijkteam: from the postcode table, or chosen by the SMW'er when the postcode is not mapped. */
  wijkteamId: string | undefined;
  source: 'postcode' | 'manual';
  district?: string;
  /** Local date by which the service norm asks the wijkteam to accept. */
  acceptBy: string;
  /** The SMW'er's card (activity id) that is updated in place once the intake card is delivered. */
  cardActivityId?: string;
}

/** Sends the draft: only by its SMW'er, only when complete, consented (or on a legal ground) and routed. */
export function submit(referral: Referral, actor: Actor, cmd: Submit, now: Now): Decision<Referral> {
  if (!isSmwOf(referral, actor)) return refuse('notAllowed');
  if (referral.state === 'submitted' && referral.routing?.wijkteamId === cmd.wijkteamId) return { ok: true, value: referral, events: [], unchanged: true };
  if (referral.state !== 'draft') return refuse('invalidState');
  if (cmd.expectedVersion !== referral.version) return refuse('stale');
  const blockers = submitBlockers(referral, now.today, cmd.wijkteamId);
  if (blockers.length > 0 || !cmd.wijkteamId) return refuse('incomplete', { missing: blockers });
  const at = now.at.toISOString();
  return {
    ok: true,
    value: {
      ...referral,
      state: 'submitted',
      routing: { wijkteamId: cmd.wijkteamId, source: cmd.source, district: cmd.district },
      submittedAt: at,
      acceptBy: cmd.acceptBy,
      // The card the SMW'er sent it from becomes their live case card.
      caseCards: [{ aadObjectId: referral.smw.aadObjectId, ...(cmd.cardActivityId ? { activityId: cmd.cardActivityId } : {}) }],
      decline: undefined,
      version: referral.version + 1,
      updatedAt: at,
    },
    events: [
      { type: 'audit', action: 'referral.submitted', detail: { wijkteam: cmd.wijkteamId, routing: cmd.source } },
      { type: 'timeline', entry: 'submitted', detail: { wijkteam: cmd.wijkteamId } },
    ],
    effects: [
      { kind: 'postIntakeCard', wijkteamId: cmd.wijkteamId, ...(cmd.cardActivityId ? { smwCardActivityId: cmd.cardActivityId } : {}) },
      { kind: 'planReminders', trigger: 'referralSubmitted' },
    ],
  };
}

/** Records where the intake card went, so later changes can update it in place. */
export function recordIntakePost(referral: Referral, post: NonNullable<Referral['intakePost']>): Referral {
  return { ...referral, intakePost: post, version: referral.version + 1 };
}

export interface WijkteamAct {
  /** Whether the actor is a member of the referral's wijkteam (from the Teams roster). */
  isMember: boolean;
}

/** Whether a wijkteam member may act on the intake now (take on, redirect, decline); the refusal if not. */
export function wijkteamCheck(referral: Referral, act: WijkteamAct) {
  if (!act.isMember) return refuse('notAllowed');
  if (referral.state !== 'submitted') return refuse(referral.state === 'accepted' ? 'alreadyTaken' : 'invalidState');
  return undefined;
}

/**
 * A wijkteam member becomes casusregisseur. Two members clicking at once: the store's ETag lets
 * one write win; the other re-decides on the new state and is told who took it.
 *
 * What follows, committed with it: the intake card in the channel shows the casusregisseur to
 * everyone, the SMW'er hears who it is, the acceptance's reminders are planned, and both
 * professionals get the card to plan the warme overdracht (SMW'er first: they fill it in).
 */
export function takeOn(referral: Referral, actor: Actor, act: WijkteamAct, now: Now): Decision<Referral> {
  if (referral.caseManager?.aadObjectId === actor.aadObjectId && referral.state === 'accepted') return { ok: true, value: referral, events: [], unchanged: true };
  const refused = wijkteamCheck(referral, act);
  if (refused) return refused;
  const at = now.at.toISOString();
  const smw = referral.smw.aadObjectId;
  return {
    ok: true,
    value: { ...referral, state: 'accepted', caseManager: professional(actor), acceptedAt: at, version: referral.version + 1, updatedAt: at },
    events: [
      { type: 'audit', action: 'referral.takenOn' },
      { type: 'timeline', entry: 'accepted' },
    ],
    effects: [
      { kind: 'updateIntakeCard' },
      { kind: 'planReminders', trigger: 'referralAccepted' },
      // The news for the SMW'er goes with their planning card: one message, not two.
      { kind: 'offerHandoverPlanning', aadObjectId: smw, intro: { messageKey: 'accepted.toSmw', params: { number: referral.number, name: actor.name } } },
      ...(actor.aadObjectId !== smw ? [{ kind: 'offerHandoverPlanning' as const, aadObjectId: actor.aadObjectId }] : []),
    ],
  };
}

export interface RedirectCmd extends WijkteamAct {
  to: string;
  reason: string;
}

/** Sends the referral on to another wijkteam (wrong wijk, specialism), with a reason. */
export function redirect(referral: Referral, actor: Actor, cmd: RedirectCmd, now: Now): Decision<Referral> {
  const refused = wijkteamCheck(referral, cmd);
  if (refused) return refused;
  const errors: Record<string, string> = {};
  if (!cmd.to || cmd.to === referral.routing?.wijkteamId) errors.redirectTo = 'v.otherWijkteam';
  if (cmd.reason.trim().length < 3) errors.redirectReason = 'v.required';
  if (cmd.reason.length > 1000) errors.redirectReason = 'v.tooLong';
  if (Object.keys(errors).length) return refuse('invalid', { errors });
  const at = now.at.toISOString();
  const from = referral.routing?.wijkteamId ?? '';
  const old = referral.intakePost;
  return {
    ok: true,
    value: {
      ...referral,
      routing: { wijkteamId: cmd.to, source: 'manual' },
      redirects: [...(referral.redirects ?? []), { from, to: cmd.to, reason: cmd.reason.trim(), by: professional(actor), at }],
      intakePost: undefined,
      version: referral.version + 1,
      updatedAt: at,
    },
    events: [
      { type: 'audit', action: 'referral.redirected', detail: { from, to: cmd.to } },
      { type: 'timeline', entry: 'redirected', detail: { from, to: cmd.to } },
    ],
    // The old channel's card says where it went; the new channel gets the intake; the SMW'er is told.
    effects: [
      ...(old ? [{ kind: 'updateIntakeCard' as const, post: { wijkteamId: old.wijkteamId, conversationId: old.conversationId, activityId: old.activityId }, redirectedTo: cmd.to }] : []),
      { kind: 'notifyPerson', aadObjectId: referral.smw.aadObjectId, messageKey: 'redirected.toSmw', params: { number: referral.number, from, to: cmd.to }, wijkteamParams: ['from', 'to'], referralId: referral.referralId },
      { kind: 'postIntakeCard', wijkteamId: cmd.to },
    ],
  };
}

export interface DeclineCmd extends WijkteamAct {
  reason: string;
  advice: string;
}

/** Returns the referral to the SMW'er with a reason and advice; the SMW'er may amend and resend. */
export function decline(referral: Referral, actor: Actor, cmd: DeclineCmd, now: Now): Decision<Referral> {
  const refused = wijkteamCheck(referral, cmd);
  if (refused) return refused;
  const errors: Record<string, string> = {};
  if (cmd.reason.trim().length < 3) errors.declineReason = 'v.required';
  if (cmd.reason.length > 1000) errors.declineReason = 'v.tooLong';
  if (cmd.advice.length > 1000) errors.declineAdvice = 'v.tooLong';
  if (Object.keys(errors).length) return refuse('invalid', { errors });
  const at = now.at.toISOString();
  return {
    ok: true,
    value: { ...referral, state: 'declined', decline: { reason: cmd.reason.trim(), advice: cmd.advice.trim(), by: professional(actor), at }, version: referral.version + 1, updatedAt: at },
    events: [
      { type: 'audit', action: 'referral.declined' },
      { type: 'timeline', entry: 'declined' },
    ],
    // The channel's card shows it was declined; the SMW'er gets the reason and advice, with "Aanpassen".
    effects: [
      { kind: 'updateIntakeCard' },
      { kind: 'updatePersonCard', aadObjectId: referral.smw.aadObjectId, view: 'declined' },
      // Declined is not "not yet accepted": the acceptance norm's escalations are withdrawn (a resubmit plans them again).
      { kind: 'cancelReminders', trigger: 'referralDeclined' },
    ],
  };
}

/** The SMW'er reopens a declined referral as a draft to amend and resend it. */
export function amend(referral: Referral, actor: Actor, now: Now): Decision<Referral> {
  if (!isSmwOf(referral, actor)) return refuse('notAllowed');
  if (referral.state === 'draft') return { ok: true, value: referral, events: [], unchanged: true };
  if (referral.state !== 'declined') return refuse('invalidState');
  const at = now.at.toISOString();
  return {
    ok: true,
    value: { ...referral, state: 'draft', intakePost: undefined, version: referral.version + 1, updatedAt: at },
    events: [
      { type: 'audit', action: 'referral.reopened' },
      { type: 'timeline', entry: 'reopened' },
    ],
  };
}
