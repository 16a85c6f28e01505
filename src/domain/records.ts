import type { AgreementsRecord } from './agreementHistory.js';
import type { PlanRequest } from './planRequest.js';
import type { WeeklyPart } from './slots.js';
import type { PartyRole, Professional } from './types.js';

/**
 * What a referral document keeps besides its sections: plain data, no rules. The rules about
 * each part (handoverFlow.ts, parentLink.ts, reassign.ts, caseCards.ts, agreedDateChanges.ts,
 * retention.ts)
 * all need `Referral`; kept here, `referral.ts` names these types without an import circle.
 * Those modules export them again, so either import works.
 */

/**
 * The live case card: one message per professional on a referral (its SMW'er and its
 * casusregisseur), posted once and updated in place on every change of the referral.
 */
export interface CaseCardRef {
  aadObjectId: string;
  /** The card's message in the person's 1:1 chat; absent until it is posted. */
  activityId?: string;
  /** A digest of what the message shows now: an identical render is not sent again. */
  shown?: string;
}

/** A meeting time Schakel proposed. Only these can be booked: times never come from card data. */
export interface ProposedSlot {
  /** `<round>-<index>`: a card from an earlier round of proposals can never book. */
  slotId: string;
  /** ISO instants. */
  start: string;
  end: string;
}

/** A 1:1 card of one professional that later changes replace in place. */
export interface HandoverCardRef {
  aadObjectId: string;
  activityId: string;
}

/** The booked warme overdracht. */
export interface HandoverMeeting {
  /** The proposal it was booked from (a repeated click on it changes nothing). */
  slotId: string;
  start: string;
  end: string;
  /** `graph`: an event in the casusregisseur's calendar; `ical`: an invitation file the SMW'er forwards. */
  via: 'graph' | 'ical';
  eventId?: string;
  joinUrl?: string;
  /** iCalendar UID, the same for every move and the cancellation of this meeting. */
  uid: string;
  /** iCalendar SEQUENCE: 0 when booked, + 1 for every move and for the cancellation. */
  sequence: number;
  bookedAt: string;
  bookedBy: string;
  /**
   * How the parent heard of this version of the meeting when Schakel told them itself (an
   * iCalendar invitation, or for a cancelled meeting the cancellation); absent while unknown
   * and when Graph invited the parent as an attendee.
   */
  parent?: ParentNotice;
}

/**
 * What Schakel did to tell the parent, and with what result. `outbox`: the mail only waits in
 * the local outbox (no Graph): never shown as sent. `todo`: no e-mail address, a professional
 * calls. `done`: the SMW'er confirmed they mailed or called the parent themselves.
 */
export interface ParentNotice {
  channel: 'email' | 'phone';
  status: 'sent' | 'outbox' | 'failed' | 'todo' | 'done';
  at: string;
}

/** Who was told about a confirmed version of the agreements, how, and with what result. */
export interface HandoverDelivery {
  agreementsVersion: number;
  recipient: 'smw' | 'parent' | 'schoolContact' | 'pupil';
  /** `phone`: the parent has no e-mail address; the SMW'er informs them and ticks it off. */
  channel: 'teams' | 'email' | 'phone';
  /** `outbox`: the mail waits in the local outbox, not sent (no Graph); the SMW'er sends it or calls. */
  status: 'sent' | 'unreachable' | 'failed' | 'outbox' | 'todo' | 'done';
  at: string;
}

/** Everything about the warme overdracht, kept on the referral (`referral.handover`). */
export interface HandoverState {
  /** The planning card as last submitted (includes the parent's contact). */
  request?: PlanRequest;
  /** The current proposals; empty after booking. */
  proposals: ProposedSlot[];
  /** Counts rounds of proposals; part of every slot id. */
  round: number;
  /** `calendars`: free/busy of both professionals was used; `workingHours`: only working hours. */
  proposalBasis?: 'calendars' | 'workingHours';
  /** The calendars were asked for but could not be read: these proposals fit working hours only (the card says so). */
  calendarFailed?: boolean;
  meeting?: HandoverMeeting;
  /** Meetings called off, with the sequence of their cancellation. */
  cancelled: HandoverMeeting[];
  /** The latest planning card of the SMW'er and of the casusregisseur. */
  cards: HandoverCardRef[];
  /** Versions of the formulier warme overdracht, oldest first; confirmed versions never change. */
  agreements: AgreementsRecord[];
  /** Grows with every saved change of the agreements; agreement cards carry it to detect staleness. */
  agreementsRevision: number;
  deliveries: HandoverDelivery[];
  /** Dated agreements moved later from a reminder card (see agreedDateChanges.ts). */
  dateChanges?: AgreedDateChange[];
}

/**
 * A dated agreement moved from a reminder card ("Verzet datum"). The confirmed version of the
 * formulier warme overdracht stays frozen as it was sent; moves are kept beside it, per version,
 * so the history shows what was agreed and what was moved later, by whom. A newly confirmed
 * version starts without moves: the casusregisseur's form is the new truth.
 */
export interface AgreedDateChange {
  agreementsVersion: number;
  agreementId: string;
  from: { date: string; time?: string };
  to: { date: string; time?: string };
  byRole: PartyRole;
  by: string;
  at: string;
}

/** The current link: its hash and life. A newer link replaces it; the older then no longer opens. */
export interface ParentLinkRecord {
  /** base64url HMAC-SHA256 of the token (key PARENT_LINK_SIGNING_KEY). */
  hash: string;
  /** base64url HMAC of the contact it was given to: a changed address or number rotates the link. */
  contactKey: string;
  issuedAt: string;
  expiresAt: string;
  revokedAt?: string;
}

export interface ParentAnswer {
  id: string;
  kind: 'agree' | 'question';
  agreementsVersion: number;
  /** The question (max 500 characters); absent for "Ik ga akkoord". */
  text?: string;
  at: string;
  reply?: { text: string; by: string; at: string };
}

/** Everything of the parent's page, on the referral (`referral.parentPage`). */
export interface ParentPageState {
  link?: ParentLinkRecord;
  /** A referral under a legal ground without consent gets a link only after the casusregisseur enabled it. */
  enabledBy?: { aadObjectId: string; at: string };
  /** What the parent entered on the page: parts of weekdays (the planning card's shape). */
  availability?: { weekly: WeeklyPart[]; at: string };
  answers: ParentAnswer[];
}

/** Which professional of a referral is handed over: its SMW'er or its casusregisseur. */
export type ReassignRole = 'smw' | 'caseManager';

/** One hand-over, kept on the referral: who had it, who has it now, who decided, when and why. */
export interface Reassignment {
  role: ReassignRole;
  from: Professional;
  to: Professional;
  by: string;
  at: string;
  reason: string;
}

/** What retention is on the referral: when the draft warning went out, when closing was asked. */
export interface RetentionMarks {
  draftWarnedAt?: string;
  closeAskedAt?: string;
}
