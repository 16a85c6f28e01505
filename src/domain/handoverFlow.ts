import { refuse, type Accepted, type Decision, type DomainEvent, type Refusal } from './decision.js';
import { isCaseManagerOf, isProfessionalOf, isSmwOf } from './access.js';
import type { Now } from './draft.js';
import { confirmAgreements, draftAgreements, latestAgreements } from './agreementHistory.js';
import type { Agreements } from './agreements.js';
import type { PlanRequest } from './planRequest.js';
import type { Referral, ReferralState } from './referral.js';
import type { Interval } from './slots.js';
import type { Actor } from './types.js';
import { isOpen, type Effect, type EffectRequest } from './effects.js';
import type { ProposedSlot, HandoverCardRef, HandoverMeeting, ParentNotice, HandoverDelivery, HandoverState } from './records.js';
export type { ProposedSlot, HandoverCardRef, HandoverMeeting, ParentNotice, HandoverDelivery, HandoverState } from './records.js';

/** Whether the SMW'er still has to tell the parent (the mail did not go, or there is no address). */
export const parentStillToTell = (n: { status: string } | undefined): boolean => n?.status === 'outbox' || n?.status === 'failed' || n?.status === 'todo';

export const emptyHandover = (): HandoverState => ({ proposals: [], round: 0, cancelled: [], cards: [], agreements: [], agreementsRevision: 0, deliveries: [] });

const PLANNING_STATES: ReferralState[] = ['accepted', 'handoverScheduled'];
const AGREEMENT_STATES: ReferralState[] = ['handoverScheduled', 'agreementsConfirmed'];

export { isCaseManagerOf, isSmwOf };
/** The two professionals of the warme overdracht: its SMW'er and its casusregisseur. */
export const mayPlan = isProfessionalOf;

const handoverOf = (r: Referral): HandoverState => r.handover ?? emptyHandover();

function changed(r: Referral, handover: HandoverState, now: Now, events: DomainEvent[], state: ReferralState = r.state): Accepted<Referral> {
  const at = now.at.toISOString();
  return { ok: true, value: { ...r, state, handover, version: r.version + 1, updatedAt: at }, events };
}

const unchanged = (r: Referral): Decision<Referral> => ({ ok: true, value: r, events: [], unchanged: true });

function planningCheck(r: Referral, a: Actor) {
  if (!mayPlan(r, a)) return refuse('notAllowed');
  if (!PLANNING_STATES.includes(r.state)) return refuse('invalidState');
  return undefined;
}

/**
 * Remembers the planning cards just sent to the SMW'er and the casusregisseur (a later card of
 * the same person replaces the earlier one) and the professionals' e-mail addresses when found.
 */
export function recordHandoverCards(r: Referral, cards: HandoverCardRef[], emails: { smw?: string; caseManager?: string }, now: Now): Decision<Referral> {
  const h = handoverOf(r);
  const first = r.handover === undefined;
  const kept = h.cards.filter((c) => !cards.some((n) => n.aadObjectId === c.aadObjectId));
  const value: Referral = {
    ...r,
    smw: emails.smw && !r.smw.email ? { ...r.smw, email: emails.smw } : r.smw,
    caseManager: r.caseManager && emails.caseManager && !r.caseManager.email ? { ...r.caseManager, email: emails.caseManager } : r.caseManager,
  };
  return changed(value, { ...h, cards: [...kept, ...cards] }, now, first ? [{ type: 'timeline', entry: 'handover.offered' }] : []);
}

/** A planning card reached a professional (an effect's result): remember it, and their e-mail address. */
export function planningOffered(r: Referral, card: HandoverCardRef, email: string | undefined, now: Now): Accepted<Referral> {
  const emails = !email ? {} : card.aadObjectId === r.smw.aadObjectId ? { smw: email } : card.aadObjectId === r.caseManager?.aadObjectId ? { caseManager: email } : {};
  const d = recordHandoverCards(r, [card], emails, now);
  return d.ok ? d : { ok: true, value: r, events: [] };
}

/** Saves the planning card; earlier proposals no longer apply. SMW'er or casusregisseur, before the agreements. */
export function savePlanRequest(r: Referral, a: Actor, request: PlanRequest, now: Now): Decision<Referral> {
  const refused = planningCheck(r, a);
  if (refused) return refused;
  const h = handoverOf(r);
  return changed(r, { ...h, request, proposals: [] }, now, [
    { type: 'audit', action: 'handover.requestSaved', detail: { form: request.meetingForm, minutes: request.durationMinutes } },
    { type: 'timeline', entry: 'handover.planned', detail: { form: request.meetingForm } },
  ]);
}

export interface Proposals {
  slots: Interval[];
  basis: 'calendars' | 'workingHours';
}

/** Stores a new round of proposals (possibly none: the card then asks for other times). */
export function proposeSlots(r: Referral, a: Actor, p: Proposals, now: Now): Decision<Referral> {
  const refused = planningCheck(r, a);
  if (refused) return refused;
  const h = handoverOf(r);
  if (!h.request) return refuse('incomplete', { missing: [{ key: 'handover.missing.request' }] });
  const round = h.round + 1;
  const proposals = p.slots.map((s, i) => ({ slotId: `${round}-${i}`, start: s.start.toISOString(), end: s.end.toISOString() }));
  return changed(r, { ...h, proposals, round, proposalBasis: p.basis }, now, [
    { type: 'audit', action: 'handover.slotsProposed', detail: { count: proposals.length, basis: p.basis } },
    { type: 'timeline', entry: proposals.length > 0 ? 'handover.proposed' : 'handover.noSlots' },
  ]);
}

/** Saves the planning card and proposes its slots in one step (what the "Tijden zoeken" button does). */
export function planHandover(r: Referral, a: Actor, request: PlanRequest, p: Proposals, now: Now): Decision<Referral> {
  const saved = savePlanRequest(r, a, request, now);
  if (!saved.ok) return saved;
  const proposed = proposeSlots(saved.value, a, p, now);
  if (!proposed.ok) return proposed;
  return { ...proposed, value: { ...proposed.value, version: r.version + 1 }, events: [...saved.events, ...proposed.events] };
}

/** What booking a proposal needs: the stored slot, and whether an existing meeting moves. */
export interface BookingPlan {
  slot: ProposedSlot;
  meeting?: HandoverMeeting;
}

/**
 * Checks a click on a proposal before anything is sent: the slot must be among the stored
 * proposals (a card of an earlier round is `stale`). `already` means this slot is booked.
 */
export function bookingPlan(r: Referral, a: Actor, slotId: string): { ok: true; plan: BookingPlan; already: boolean } | Refusal {
  const refused = planningCheck(r, a);
  if (refused) return refused;
  const h = handoverOf(r);
  const booked = h.meeting?.slotId === slotId ? h.meeting : undefined;
  if (booked) return { ok: true, plan: { slot: { slotId, start: booked.start, end: booked.end }, meeting: booked }, already: true };
  const slot = h.proposals.find((s) => s.slotId === slotId);
  if (!slot) return refuse('stale');
  return { ok: true, plan: { slot, ...(h.meeting ? { meeting: h.meeting } : {}) }, already: false };
}

/** How the invitation went out for a booking (decided by the bot after calling the calendar). */
export interface Invitation {
  via: HandoverMeeting['via'];
  uid: string;
  eventId?: string;
  joinUrl?: string;
}

/** Books a proposed slot: state `handoverScheduled`. Moving an existing meeting is {@link rescheduleHandover}. */
export function bookHandover(r: Referral, a: Actor, slotId: string, invitation: Invitation, now: Now): Decision<Referral> {
  const checked = bookingPlan(r, a, slotId);
  if (!checked.ok) return checked;
  if (checked.already) return unchanged(r);
  if (checked.plan.meeting) return refuse('invalidState');
  const { slot } = checked.plan;
  const meeting: HandoverMeeting = {
    slotId: slot.slotId,
    start: slot.start,
    end: slot.end,
    via: invitation.via,
    uid: invitation.uid,
    sequence: 0,
    ...(invitation.eventId ? { eventId: invitation.eventId } : {}),
    ...(invitation.joinUrl ? { joinUrl: invitation.joinUrl } : {}),
    bookedAt: now.at.toISOString(),
    bookedBy: a.aadObjectId,
  };
  return changed(r, { ...handoverOf(r), meeting, proposals: [] }, now, [
    { type: 'audit', action: 'handover.booked', detail: { via: meeting.via } },
    { type: 'timeline', entry: 'handover.booked', detail: { start: meeting.start } },
  ], 'handoverScheduled');
}

/** Moves the booked meeting to another proposed slot: same uid, sequence + 1. */
export function rescheduleHandover(r: Referral, a: Actor, slotId: string, now: Now): Decision<Referral> {
  const checked = bookingPlan(r, a, slotId);
  if (!checked.ok) return checked;
  if (checked.already) return unchanged(r);
  const { slot, meeting } = checked.plan;
  if (!meeting) return refuse('invalidState');
  const { parent: _told, ...rest } = meeting;
  const moved: HandoverMeeting = { ...rest, slotId: slot.slotId, start: slot.start, end: slot.end, sequence: meeting.sequence + 1, bookedAt: now.at.toISOString(), bookedBy: a.aadObjectId };
  return changed(r, { ...handoverOf(r), meeting: moved, proposals: [] }, now, [
    { type: 'audit', action: 'handover.moved', detail: { sequence: moved.sequence } },
    { type: 'timeline', entry: 'handover.moved', detail: { start: moved.start } },
  ], 'handoverScheduled');
}

/** Books or moves, whichever the stored state asks for (re-decided after a concurrent write). */
export function bookSlot(r: Referral, a: Actor, slotId: string, invitation: Invitation, now: Now): Decision<Referral> {
  return r.handover?.meeting ? rescheduleHandover(r, a, slotId, now) : bookHandover(r, a, slotId, invitation, now);
}

/**
 * A parent (on their own page) may pick only among the current proposals, while booking is
 * possible; picking the booked slot again changes nothing.
 */
export function mayParentPick(r: Referral, slotId: string): Refusal | undefined {
  if (!PLANNING_STATES.includes(r.state)) return refuse('invalidState');
  const h = handoverOf(r);
  if (h.meeting?.slotId === slotId) return undefined;
  return h.proposals.some((s) => s.slotId === slotId) ? undefined : refuse('stale');
}

/** The parent books on behalf of the SMW'er who invited them: the same rules as a professional's pick. */
const onBehalfOfParent = (r: Referral): Actor => ({ aadObjectId: r.smw.aadObjectId, name: r.smw.name, tenantId: r.tenantId });

/** {@link bookingPlan} for a parent's pick. */
export function parentBookingPlan(r: Referral, slotId: string): ReturnType<typeof bookingPlan> {
  return mayParentPick(r, slotId) ?? bookingPlan(r, onBehalfOfParent(r), slotId);
}

/** The parent's pick, booked exactly as a professional's; the timeline says "ouder koos een tijd". */
export function bookSlotForParent(r: Referral, slotId: string, invitation: Invitation, now: Now): Decision<Referral> {
  const refused = mayParentPick(r, slotId);
  if (refused) return refused;
  const d = bookSlot(r, onBehalfOfParent(r), slotId, invitation, now);
  if (!d.ok || d.unchanged || !d.value.handover?.meeting) return d;
  const h = d.value.handover;
  const meeting = { ...h.meeting!, bookedBy: PARENT_BOOKER };
  return { ...d, value: { ...d.value, handover: { ...h, meeting } }, events: [...d.events, { type: 'timeline', entry: 'handover.parentPicked', detail: { start: meeting.start } }] };
}

/** `bookedBy` of a meeting the parent picked on their page. */
export const PARENT_BOOKER = 'parent-link';

/*
 * Slow work after the click. Searching calendars and sending invitations go through Graph, which
 * can take seconds or fail; Teams expects a click answered at once. So a click only commits what
 * it asks for (an effect), its card says what is happening, and the effect's result comes back
 * as one of the commands below; the cards are then updated in place.
 */

/** A professional as the effect runner knows them (their id on the effect). */
export const actorById = (r: Referral, aadObjectId: string): Actor => ({ aadObjectId, name: '', tenantId: r.tenantId });

/** The clicked message becomes the person's handover card (later updates replace it), unless it is their live case card. */
export function withClickedCard(r: Referral, a: Actor, clicked: string | undefined): HandoverState {
  const h = handoverOf(r);
  if (!clicked || (r.caseCards ?? []).some((c) => c.activityId === clicked)) return h;
  if (h.cards.some((c) => c.aadObjectId === a.aadObjectId && c.activityId === clicked)) return h;
  return { ...h, cards: [...h.cards.filter((c) => c.aadObjectId !== a.aadObjectId), { aadObjectId: a.aadObjectId, activityId: clicked }] };
}

/** The meeting called off last, when nothing was planned since (no meeting, no new round of times): the cards still speak of it. */
export function justCancelled(r: Referral): HandoverMeeting | undefined {
  const h = handoverOf(r);
  const last = h.cancelled.at(-1);
  return !h.meeting && h.proposals.length === 0 && last?.slotId.split('-')[0] === String(h.round) ? last : undefined;
}

/** The cancellation of a meeting still being announced (its effect is open). */
export function cancellationUnderWay(r: Referral): boolean {
  return (r.outbox?.effects ?? []).some((e) => e.kind === 'cancelMeeting' && isOpen(e));
}

/** The slow step a referral's handover cards wait for now: the latest open search or booking. */
export function handoverWork(r: Referral): Extract<Effect, { kind: 'findSlots' | 'bookMeeting' }> | undefined {
  return (r.outbox?.effects ?? []).filter((e): e is Extract<Effect, { kind: 'findSlots' | 'bookMeeting' }> => (e.kind === 'findSlots' || e.kind === 'bookMeeting') && isOpen(e)).at(-1);
}

/** The last booking attempt, when it failed for good and nothing was booked since (the card offers the times again). */
export function failedBooking(r: Referral): Extract<Effect, { kind: 'bookMeeting' }> | undefined {
  const last = (r.outbox?.effects ?? []).filter((e): e is Extract<Effect, { kind: 'bookMeeting' }> => e.kind === 'bookMeeting').at(-1);
  return last?.state.status === 'failed' && r.handover?.meeting?.slotId !== last.slotId ? last : undefined;
}

/** "Tijden zoeken": the request is saved and the search is committed as an effect; the card says "Tijden worden gezocht…". */
export function requestSlots(r: Referral, a: Actor, request: PlanRequest, now: Now, clicked?: string): Decision<Referral> {
  const saved = savePlanRequest(r, a, request, now);
  if (!saved.ok) return saved;
  const h = withClickedCard(saved.value, a, clicked);
  return { ...saved, value: { ...saved.value, handover: { ...h, calendarFailed: false } }, effects: [{ kind: 'findSlots', by: a.aadObjectId }] };
}

/** "Verzetten": new times for the booked meeting, searched with the stored request. */
export function requestOtherSlots(r: Referral, a: Actor, now: Now, clicked?: string): Decision<Referral> {
  const refused = planningCheck(r, a);
  if (refused) return refused;
  if (!r.handover?.request) return refuse('incomplete', { missing: [{ key: 'handover.missing.request' }] });
  const h = withClickedCard(r, a, clicked);
  return { ...changed(r, { ...h, proposals: [] }, now, [{ type: 'audit', action: 'handover.searchRequested' }]), effects: [{ kind: 'findSlots', by: a.aadObjectId }] };
}

/** The search's answer (the runner's command): the proposals are stored and both cards updated. */
export function slotsFound(r: Referral, by: string, p: Proposals & { calendarFailed: boolean }, now: Now): Accepted<Referral> {
  const actor = mayPlan(r, actorById(r, by)) ? actorById(r, by) : actorById(r, r.smw.aadObjectId);
  const d = proposeSlots(r, actor, p, now);
  if (!d.ok) return { ok: true, value: r, events: [] };
  const h = handoverOf(d.value);
  return { ...d, value: { ...d.value, handover: { ...h, calendarFailed: p.calendarFailed } }, effects: [{ kind: 'refreshHandoverCards' }] };
}

/** Who chose a slot: a professional on their card, or the parent on their own page. */
export type Chooser = { kind: 'professional'; actor: Actor; clicked?: string } | { kind: 'parent' };

/**
 * "Kies": the choice is checked against the stored proposals and committed as a booking effect;
 * the card says "Uitnodiging wordt verstuurd…". The booked slot again, or a booking already on
 * its way, changes nothing.
 */
export function requestBooking(r: Referral, by: Chooser, slotId: string, now: Now): Decision<Referral> {
  const checked = by.kind === 'parent' ? parentBookingPlan(r, slotId) : bookingPlan(r, by.actor, slotId);
  if (!checked.ok) return checked;
  if (checked.already) return unchanged(r);
  if (handoverWork(r)?.kind === 'bookMeeting') return unchanged(r);
  const h = by.kind === 'professional' ? withClickedCard(r, by.actor, by.clicked) : handoverOf(r);
  const effect: EffectRequest = { kind: 'bookMeeting', slotId, by: by.kind === 'parent' ? PARENT_BOOKER : by.actor.aadObjectId };
  return { ...changed(r, h, now, [{ type: 'audit', action: 'handover.bookingRequested', detail: { moves: Boolean(checked.plan.meeting) } }]), effects: [effect] };
}

/** What a booking's effect needs to know before it calls the calendar: still to do, and how. */
export function bookingToDo(r: Referral, effect: { slotId: string; by: string }): ReturnType<typeof bookingPlan> {
  return effect.by === PARENT_BOOKER ? parentBookingPlan(r, effect.slotId) : bookingPlan(r, actorById(r, effect.by), effect.slotId);
}

/**
 * The booking's answer (the runner's command): booked or moved, then what follows — the
 * iCalendar invitation when there is no Graph, the reminders, both cards. A booking that lost a
 * race withdraws the Graph event it created.
 */
export function meetingBooked(r: Referral, effect: { slotId: string; by: string }, invitation: Invitation & { createdEvent?: { organizer: string; eventId: string } }, now: Now): Accepted<Referral> {
  const d = effect.by === PARENT_BOOKER ? bookSlotForParent(r, effect.slotId, invitation, now) : bookSlot(r, actorById(r, effect.by), effect.slotId, invitation, now);
  const m = d.ok ? d.value.handover?.meeting : undefined;
  const kept = d.ok && !d.unchanged && m?.eventId === invitation.eventId;
  const withdraw: EffectRequest[] = invitation.createdEvent && !kept ? [{ kind: 'withdrawEvent', ...invitation.createdEvent }] : [];
  if (!d.ok || d.unchanged || !m) return { ok: true, value: r, events: [], effects: [...withdraw, { kind: 'refreshHandoverCards' }] };
  const effects: EffectRequest[] = [
    ...withdraw,
    ...(m.via === 'ical' ? invitationEffects(d.value, m, 'REQUEST') : []),
    { kind: 'planReminders', trigger: 'handoverBooked' },
    { kind: 'refreshHandoverCards' },
  ];
  return { ok: true, value: d.value, events: d.events, effects };
}

/** The calendar refused the booking for good: on the timeline, and the cards offer the times again. */
export function bookingFailed(r: Referral): Accepted<Referral> {
  return { ok: true, value: r, events: [{ type: 'timeline', entry: 'handover.bookingFailed' }], effects: [{ kind: 'refreshHandoverCards' }] };
}

/** Calls the meeting off: back to `accepted`, the meeting kept as cancelled with sequence + 1. */
export function cancelHandover(r: Referral, a: Actor, now: Now): Decision<Referral> {
  if (!mayPlan(r, a)) return refuse('notAllowed');
  const h = handoverOf(r);
  if (r.state === 'accepted' && !h.meeting) return unchanged(r);
  if (r.state !== 'handoverScheduled' || !h.meeting) return refuse('invalidState');
  const { parent: _told, ...meeting } = h.meeting;
  const cancelled = { ...meeting, sequence: meeting.sequence + 1 };
  const d = changed(r, { ...h, meeting: undefined, proposals: [], cancelled: [...h.cancelled, cancelled] }, now, [
    { type: 'audit', action: 'handover.cancelled' },
    { type: 'timeline', entry: 'handover.cancelled' },
  ], 'accepted');
  // Telling everyone and withdrawing the meeting's reminders follow as effects; the cards say so meanwhile.
  return { ...d, effects: [{ kind: 'cancelReminders', trigger: 'handoverCancelled' }, { kind: 'cancelMeeting', uid: cancelled.uid, sequence: cancelled.sequence }, { kind: 'refreshHandoverCards' }] };
}

export interface AgreementsInput {
  agreements: Agreements;
  /** The `agreementsRevision` the card was rendered with. */
  revision: number;
  /** "Het gesprek heeft plaatsgevonden": required to confirm before the booked meeting's start. */
  meetingHeld?: boolean;
}

function agreementsCheck(r: Referral, a: Actor, revision: number) {
  if (!isCaseManagerOf(r, a)) return refuse('notAllowed');
  if (!AGREEMENT_STATES.includes(r.state)) return refuse('invalidState');
  if (revision !== handoverOf(r).agreementsRevision) return refuse('stale');
  return undefined;
}

/**
 * Saves the formulier warme overdracht as a draft; only the casusregisseur. A card rendered
 * before the last save is `stale` and cannot overwrite it. After a confirmation this starts a
 * new version; the confirmed one stays as it was sent.
 */
export function draftHandoverAgreements(r: Referral, a: Actor, input: AgreementsInput, now: Now): Decision<Referral> {
  const refused = agreementsCheck(r, a, input.revision);
  if (refused) return refused;
  const h = handoverOf(r);
  const previous = latestAgreements(h.agreements);
  const draft = draftAgreements(h.agreements, input.agreements, a, now.at);
  if (!draft.changed) return unchanged(r);
  const newVersion = draft.record.version !== previous?.version;
  return changed(r, { ...h, agreements: draft.history, agreementsRevision: h.agreementsRevision + 1 }, now, [
    { type: 'audit', action: 'handover.agreementsDrafted', detail: { version: draft.record.version } },
    ...(newVersion ? [{ type: 'timeline' as const, entry: 'handover.agreementsDrafted', detail: { version: draft.record.version } }] : []),
  ]);
}

/**
 * Saves and confirms the agreements in one step: state `agreementsConfirmed`; only the
 * casusregisseur. Confirming exactly what is already confirmed changes nothing (a repeated click).
 */
export function confirmHandoverAgreements(r: Referral, a: Actor, input: AgreementsInput, now: Now): Decision<Referral> {
  const h = handoverOf(r);
  const latest = latestAgreements(h.agreements);
  const repeat = isCaseManagerOf(r, a) && latest?.confirmedAt !== undefined && JSON.stringify(latest.agreements) === JSON.stringify(input.agreements);
  if (repeat && r.state === 'agreementsConfirmed') return unchanged(r);
  const refused = agreementsCheck(r, a, input.revision);
  if (refused) return refused;
  // Agreements follow the meeting: before its start only with an explicit "it took place".
  if (h.meeting && now.at.getTime() < new Date(h.meeting.start).getTime() && !input.meetingHeld) {
    return refuse('invalid', { errors: { meetingHeld: 'v.handover.meetingNotHeld' } });
  }
  const draft = draftAgreements(h.agreements, input.agreements, a, now.at);
  const confirmed = confirmAgreements(draft.history, draft.record.version, a, now.at);
  if (!confirmed.ok) return refuse(confirmed.reason === 'stale' ? 'stale' : 'invalidState');
  return changed(r, { ...h, agreements: confirmed.history, agreementsRevision: h.agreementsRevision + 1 }, now, [
    { type: 'audit', action: 'handover.agreementsConfirmed', detail: { version: confirmed.record.version } },
    { type: 'timeline', entry: 'handover.confirmed', detail: { version: confirmed.record.version } },
  ], 'agreementsConfirmed');
}

const DELIVERY_ENTRY: Record<string, string> = {
  'smw.teams.sent': 'handover.sent.smw',
  'smw.teams.unreachable': 'handover.unreachable.smw',
  'parent.email.sent': 'handover.sent.parent',
  'parent.email.outbox': 'handover.outbox.parent',
  'parent.email.failed': 'handover.failed.parent',
  'parent.phone.todo': 'handover.phoneTask',
  'schoolContact.teams.sent': 'handover.sent.schoolContact',
  'schoolContact.email.sent': 'handover.sent.schoolContact',
  'schoolContact.email.outbox': 'handover.outbox.schoolContact',
  'pupil.email.sent': 'handover.sent.pupil',
  'pupil.email.outbox': 'handover.outbox.pupil',
  'pupil.phone.todo': 'handover.phoneTask.pupil',
};

/** Records who was told about a confirmed version, and how it went (after the bot sent it). */
export function recordDeliveries(r: Referral, deliveries: HandoverDelivery[], now: Now): Decision<Referral> {
  const h = handoverOf(r);
  const fresh = deliveries.filter((d) => !h.deliveries.some((x) => x.agreementsVersion === d.agreementsVersion && x.recipient === d.recipient));
  if (fresh.length === 0) return unchanged(r);
  const events: DomainEvent[] = fresh.map((d) => ({
    type: 'timeline',
    entry: DELIVERY_ENTRY[`${d.recipient}.${d.channel}.${d.status}`] ?? 'handover.delivery',
    detail: { version: d.agreementsVersion, channel: d.channel, status: d.status },
  }));
  return changed(r, { ...h, deliveries: [...h.deliveries, ...fresh] }, now, events);
}

/** Which message to the parent the SMW'er confirms: the agreements of a version, or a version of the meeting. */
export type ParentTask = { agreementsVersion: number } | { meetingUid: string; sequence: number };

/** The meeting version (current or cancelled) a task, notice or announcement is about. */
export function meetingVersion(h: HandoverState, uid: string, sequence: number): { meeting: HandoverMeeting; cancelled: boolean } | undefined {
  if (h.meeting?.uid === uid && h.meeting.sequence === sequence) return { meeting: h.meeting, cancelled: false };
  const cancelled = h.cancelled.find((m) => m.uid === uid && m.sequence === sequence);
  return cancelled ? { meeting: cancelled, cancelled: true } : undefined;
}

function withMeetingNotice(h: HandoverState, target: HandoverMeeting, parent: ParentNotice): HandoverState {
  return target === h.meeting ? { ...h, meeting: { ...target, parent } } : { ...h, cancelled: h.cancelled.map((m) => (m === target ? { ...m, parent } : m)) };
}

/**
 * Records how the parent was told about a version of the meeting (after the bot mailed them, or
 * found no address). The timeline says exactly that: a mail in the outbox is not "sent".
 */
export function recordMeetingNotice(r: Referral, uid: string, sequence: number, notice: ParentNotice, now: Now): Decision<Referral> {
  const h = handoverOf(r);
  const found = meetingVersion(h, uid, sequence);
  if (!found) return refuse('invalidState');
  if (found.meeting.parent) return unchanged(r);
  const about = found.cancelled ? 'cancellation' : 'invitation';
  return changed(r, withMeetingNotice(h, found.meeting, notice), now, [
    { type: 'timeline', entry: `handover.parent.${about}.${notice.channel}.${notice.status}`, detail: { sequence, channel: notice.channel, status: notice.status } },
  ]);
}

/**
 * The SMW'er confirms they told the parent themselves: by phone when there is no e-mail address,
 * or by mail or phone when Schakel's mail only waits in the outbox or failed.
 */
/** The SMW'er ticked off telling the parent themselves: recorded, and the other cards follow (`clicked` got the click's answer). */
export function markParentInformed(r: Referral, a: Actor, task: ParentTask, now: Now, clicked?: string): Decision<Referral> {
  const d = parentInformed(r, a, task, now);
  return d.ok && !d.unchanged ? { ...d, effects: [{ kind: 'refreshHandoverCards', ...(clicked ? { except: clicked } : {}) }] } : d;
}

function parentInformed(r: Referral, a: Actor, task: ParentTask, now: Now): Decision<Referral> {
  if (!isSmwOf(r, a)) return refuse('notAllowed');
  const h = handoverOf(r);
  if ('meetingUid' in task) {
    const found = meetingVersion(h, task.meetingUid, task.sequence);
    const notice = found?.meeting.parent;
    if (!found || !notice) return refuse('invalidState');
    if (notice.status === 'done') return unchanged(r);
    if (!parentStillToTell(notice)) return refuse('invalidState');
    const about = found.cancelled ? 'cancellation' : 'invitation';
    return changed(r, withMeetingNotice(h, found.meeting, { ...notice, status: 'done', at: now.at.toISOString() }), now, [
      { type: 'audit', action: 'handover.parentInformed', detail: { about, sequence: task.sequence } },
      { type: 'timeline', entry: `handover.parent.${about}.informed`, detail: { sequence: task.sequence } },
    ]);
  }
  const version = task.agreementsVersion;
  const delivery = h.deliveries.find((d) => d.agreementsVersion === version && d.recipient === 'parent' && (d.channel === 'phone' || d.channel === 'email'));
  if (!delivery) return refuse('invalidState');
  if (delivery.status === 'done') return unchanged(r);
  if (!parentStillToTell(delivery)) return refuse('invalidState');
  const deliveries = h.deliveries.map((d) => (d === delivery ? { ...d, status: 'done' as const, at: now.at.toISOString() } : d));
  return changed(r, { ...h, deliveries }, now, [
    { type: 'audit', action: 'handover.parentInformed', detail: { version, channel: delivery.channel } },
    { type: 'timeline', entry: delivery.channel === 'phone' ? 'handover.parentInformed' : 'handover.parentInformedByHand', detail: { version } },
  ]);
}

/**
 * Without Graph, a meeting (or its cancellation) is announced by Schakel itself: the family's
 * notice, and the iCalendar file to each professional as an effect of its own, so a failed or
 * throttled message is tried again for that person alone.
 */
export function invitationEffects(r: Referral, m: { uid: string; sequence: number }, method: 'REQUEST' | 'CANCEL'): EffectRequest[] {
  const people = [r.smw.aadObjectId, ...(r.caseManager ? [r.caseManager.aadObjectId] : [])];
  return [
    { kind: 'announceMeeting', uid: m.uid, sequence: m.sequence, method },
    ...people.map((aadObjectId): EffectRequest => ({ kind: 'sendInvitation', uid: m.uid, sequence: m.sequence, method, aadObjectId })),
  ];
}
