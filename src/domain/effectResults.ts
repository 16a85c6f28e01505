import { caseCardsPosted, channelCardChanged, settleNeedsRefresh, withCaseCardRefresh, type CaseCardRef } from './caseCards.js';
import { followedBy, type Accepted } from './decision.js';
import type { DeliveryState, Effect } from './effects.js';
import type { Now } from './draft.js';
import { agreementsDelivered } from './agreementDelivery.js';
import { bookingFailed, invitationEffects, meetingBooked, planningOffered, recordMeetingNotice, slotsFound, type HandoverCardRef, type HandoverDelivery, type Invitation, type ParentNotice, type Proposals } from './handoverFlow.js';
import { intakePostSettled } from './intakeDelivery.js';
import { issueParentLink, type IssuedLink } from './parentLink.js';
import type { IntakePost, Referral } from './referral.js';
import { deliveryProblemFound, effectFailed } from './deliveryProblems.js';
import type { PartyRole } from './types.js';

/** What an effect brought back that matters to the referral. */
export interface EffectResult {
  /** Where the intake card went. */
  intakePost?: IntakePost;
  /** The planning card sent to a professional (its activity id, for later updates in place). */
  handoverCard?: HandoverCardRef;
  /** That professional's e-mail address, when Teams knows it (for Graph calendars). */
  email?: string;
  /** Case cards sent: their activity ids (new when first posted) and what they show now. */
  caseCards?: CaseCardRef[];
  /** Teams asked to wait before the rest of the case cards could be updated: refresh them again. */
  refreshAgain?: { channel: boolean };
  /** What the channel's intake card shows after a refresh updated it (its digest). */
  intakeShown?: string;
  /** The referral's version the case cards were rendered from. */
  caseCardsVersion?: number;
  /** The times found for the warme overdracht; `calendarFailed` when Graph was asked but did not answer. */
  proposals?: Proposals & { calendarFailed: boolean };
  /** How the booked meeting's invitation went out; `createdEvent` when a new Graph event exists. */
  invitation?: Invitation & { createdEvent?: { organizer: string; eventId: string } };
  /** How the family heard of the meeting (or its cancellation) when Schakel told them itself. */
  parentNotice?: ParentNotice;
  /** How the parent's link went out by mail: handed to the mail service, or only to the outbox. */
  linkMail?: 'sent' | 'outbox';
  /** The meeting could not be cancelled through Graph (or has no Graph event): Schakel tells everyone itself. */
  icsCancellation?: boolean;
  /** How the confirmed agreements reached one person. */
  delivery?: HandoverDelivery;
  /** A new parent's link that went out with the agreements (its hash: the token was only in the mail). */
  parentLink?: IssuedLink;
  /** Roles the planned reminders should reach but cannot (no address known). */
  unreachable?: PartyRole[];
}

const nothing = (referral: Referral): Accepted<Referral> => ({ ok: true, value: referral, events: [] });

/**
 * The referral's answer to an effect's new state (a domain command): record what it produced
 * and decide what follows. Called by the runner with the effect's state already in the outbox.
 */
export function effectSettled(referral: Referral, effect: Effect, state: DeliveryState, result: EffectResult, now: Now): Accepted<Referral> {
  const settled = settledFor(referral, effect, state, result, now);
  // A failure for good that nothing above answered: whoever it was to reach is a delivery problem.
  const failure = state.status === 'failed' ? effectFailed(settled.value, effect) : undefined;
  const decision = failure && (failure.events.length > 0 || failure.effects?.length) ? followedBy(settled, failure) : settled;
  if (!settleNeedsRefresh(effect, state, decision.value !== referral)) return decision;
  // The case cards show deliveries and state: what this effect changed reaches them (coalesced).
  const refresh = withCaseCardRefresh(decision.value, channelCardChanged(referral, decision.value), decision.effects);
  return { ...decision, value: refresh.referral, effects: [...(decision.effects ?? []), ...refresh.effects] };
}

function settledFor(referral: Referral, effect: Effect, state: DeliveryState, result: EffectResult, now: Now): Accepted<Referral> {
  switch (effect.kind) {
    case 'postIntakeCard':
      return intakePostSettled(referral, effect, state, result.intakePost, now);
    case 'offerHandoverPlanning':
      // A card that could not be sent is not recorded: `overdracht <nummer>` sends it again.
      return state.status === 'done' && result.handoverCard ? planningOffered(referral, result.handoverCard, result.email, now) : nothing(referral);
    case 'refreshCaseCards':
      // Only a finished refresh asks for another (one still being tried renders the referral as it is then).
      return caseCardsPosted(referral, result.caseCards, result.refreshAgain, result.intakeShown, state.status === 'done' ? result.caseCardsVersion : undefined);
    case 'findSlots':
      if (state.status === 'done' && result.proposals) return slotsFound(referral, effect.by, result.proposals, now);
      // A search that failed for good or is tried again: the cards say so.
      return state.status === 'failed' || (state.status === 'retrying' && state.attempt === 1) ? { ...nothing(referral), effects: [{ kind: 'refreshHandoverCards' }] } : nothing(referral);
    case 'bookMeeting':
      if (state.status === 'done' && result.invitation) return meetingBooked(referral, effect, result.invitation, now);
      if (state.status === 'failed') return bookingFailed(referral);
      // Done without booking (superseded), or the first retry: the cards show the current state.
      return state.status === 'done' || (state.status === 'retrying' && state.attempt === 1) ? { ...nothing(referral), effects: [{ kind: 'refreshHandoverCards' }] } : nothing(referral);
    case 'deliverAgreements': {
      // The SMW'er's agreements card becomes their handover card (`handoverCard`).
      if (state.status !== 'done') return nothing(referral);
      // The parent's mail carried a new link: it is theirs from now on (recorded with the delivery).
      const linked = result.parentLink ? issueParentLink(referral, { ...result.parentLink, reason: 'agreements' }, now) : undefined;
      const before = linked?.ok ? linked : nothing(referral);
      const delivered = followedBy(before, agreementsDelivered(before.value, result.delivery, result.handoverCard, now));
      const d = result.delivery;
      // The school contact or the pupil not reached (or no address: a task): the SMW'er hears of it.
      if (!d || (d.recipient !== 'schoolContact' && d.recipient !== 'pupil') || !['unreachable', 'failed', 'todo'].includes(d.status)) return delivered;
      return followedBy(delivered, deliveryProblemFound(delivered.value, { what: 'agreements', roles: [d.recipient] }));
    }
    case 'planReminders':
      // Agreed dates that name a role nobody can reach: never dropped silently.
      return state.status === 'done' && result.unreachable?.length ? deliveryProblemFound(referral, { what: 'reminders', roles: result.unreachable }) : nothing(referral);
    case 'mailParentLink': {
      // What happened to the link's mail goes on the timeline, as it did when it was sent in the click.
      const entry = state.status === 'failed' ? 'parentLink.mailFailed' : state.status === 'done' && result.linkMail ? (result.linkMail === 'sent' ? 'parentLink.mailed' : 'parentLink.outbox') : undefined;
      return entry ? { ok: true, value: referral, events: [{ type: 'timeline', entry }] } : nothing(referral);
    }
    case 'cancelMeeting':
      // Not cancelled through Graph: the family and each professional get the iCalendar cancellation, each an effect of its own.
      return state.status === 'done' && result.icsCancellation ? { ...nothing(referral), effects: invitationEffects(referral, effect, 'CANCEL') } : nothing(referral);
    case 'announceMeeting': {
      if (state.status !== 'done' || !result.parentNotice) return nothing(referral);
      const d = recordMeetingNotice(referral, effect.uid, effect.sequence, result.parentNotice, now);
      return d.ok ? { ...d, effects: [...(d.effects ?? []), { kind: 'refreshHandoverCards' }] } : nothing(referral);
    }
    default:
      return nothing(referral);
  }
}
