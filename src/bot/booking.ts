import { refuse, type Decision } from '../domain/decision.js';
import {
  bookSlot,
  bookSlotForParent,
  bookingPlan,
  parentBookingPlan,
  recordMeetingNotice,
  type HandoverMeeting,
  type ParentNotice,
} from '../domain/handoverFlow.js';
import { parentActor } from '../domain/parentLink.js';
import type { Referral } from '../domain/referral.js';
import type { Actor } from '../domain/types.js';
import { decideAndSave, type Outcome } from './actions.js';
import { nowOf } from './context.js';
import type { BotDeps } from './deps.js';
import { refreshCards, sendIcs, sendInvitation, tellParentAboutMeeting, withdrawInvitation } from './handoverEffects.js';

/** Who chose the slot: one of the two professionals on their card, or the parent on their own page. */
export type BookingParty = { kind: 'professional'; actor: Actor } | { kind: 'parent' };

/** The calendar could not take the meeting: nothing was saved (the card says so). */
export class BookingCalendarError extends Error {
  constructor() {
    super('booking failed at the calendar');
    this.name = 'BookingCalendarError';
  }
}

const notFound = (): Decision<Referral> => refuse('notFound');

/**
 * Books (or moves to) a proposed slot, whoever chose it: the same domain command and the same
 * follow-up (invitation, parent notice, reminders, both professionals' cards). A parent may pick
 * only what {@link parentBookingPlan} allows. Throws {@link BookingCalendarError} when Graph refused.
 */
export async function bookChosenSlot(deps: BotDeps, referralId: string, by: BookingParty, slotId: string): Promise<Outcome> {
  const stored = await deps.referrals.get(referralId);
  if (!stored) return { decision: notFound(), now: nowOf(deps) };
  const r = stored.doc;
  const actor = by.kind === 'parent' ? parentActor(r) : by.actor;
  const checked = by.kind === 'parent' ? parentBookingPlan(r, slotId) : bookingPlan(r, by.actor, slotId);
  if (!checked.ok) return { decision: checked, current: stored, now: nowOf(deps) };
  if (checked.already) return { decision: { ok: true, value: r, events: [], unchanged: true }, current: stored, now: nowOf(deps) };
  let sent;
  try {
    sent = await sendInvitation(deps, r, checked.plan);
  } catch (err) {
    deps.log.warn({ referralId, err: { message: (err as Error).message } }, 'booking failed at the calendar');
    throw new BookingCalendarError();
  }
  const invitation = sent;
  const outcome = await decideAndSave(deps, referralId, actor, (cur, now) =>
    !cur ? notFound() : by.kind === 'parent' ? bookSlotForParent(cur, slotId, invitation, now) : bookSlot(cur, by.actor, slotId, invitation, now),
  );
  const { decision } = outcome;
  // A create that lost the race (or repeated with the same transactionId) must not leave a second event.
  if (sent.createdEvent && outcome.current?.doc.handover?.meeting?.eventId !== sent.createdEvent.eventId) await withdrawInvitation(deps, sent);
  if (!decision.ok) return outcome;
  let booked = decision.value;
  const meeting = booked.handover?.meeting;
  if (!decision.unchanged && meeting) {
    if (meeting.via === 'ical') {
      await sendIcs(deps, booked, meeting, 'REQUEST');
      booked = await recordNotice(deps, actor, booked, meeting, await tellParentAboutMeeting(deps, booked, meeting, 'REQUEST'));
    }
    await deps.reminders.handoverBooked(booked);
    await refreshCards(deps, booked);
  }
  return { ...outcome, decision: { ...decision, value: booked } };
}

/** Records how the parent heard of a meeting version; the referral as stored after. */
async function recordNotice(deps: BotDeps, actor: Actor, r: Referral, meeting: HandoverMeeting, notice: ParentNotice): Promise<Referral> {
  const outcome = await decideAndSave(deps, r.referralId, actor, (cur, now) => (cur ? recordMeetingNotice(cur, meeting.uid, meeting.sequence, notice, now) : notFound()));
  return outcome.decision.ok ? outcome.decision.value : (outcome.current?.doc ?? r);
}
