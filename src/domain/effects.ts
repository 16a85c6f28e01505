import type { PlannedReminder } from './reminders.js';
import type { PartyRole } from './types.js';
import type { DomainEvent } from './events.js';
import type { Participation, RegistrationIncrement } from './registrationCounts.js';

/**
 * Where an effect stands. `retrying` counts the failed attempts so far and says when the next
 * one may start; `failed` is final (a person must act, see {@link EffectFailure}).
 */
export type DeliveryState =
  | { status: 'pending' }
  | { status: 'done'; at: string; note?: string }
  | { status: 'retrying'; attempt: number; nextAt: string; reason: string }
  | { status: 'failed'; reason: string; at: string };

/** Which reminder plan an effect starts or stops (the planner knows the rules per trigger). */
export type ReminderTrigger = 'referralSubmitted' | 'referralAccepted' | 'handoverBooked' | 'handoverCancelled' | 'referralClosed' | 'referralDeclined' | 'agreementsConfirmed' | 'aftercareStarted';

/** Which card of a person is updated in place (rendered from the referral when the effect runs). */
export type PersonCardView = 'intakeDelivery' | 'declined';

/** Where an intake card was posted (as `Referral.intakePost`). */
export interface PostRef {
  wijkteamId: string;
  conversationId: string;
  activityId: string;
}

/** What must happen in the outside world because of a decision. Plain data: the runner carries it out. */
export type EffectKind =
  /** Post the intake card (minimal data) in the wijkteam's linked channel. */
  | { kind: 'postIntakeCard'; wijkteamId: string; smwCardActivityId?: string }
  /**
   * Replace a posted intake card with the referral's current state: the referral's own post, or
   * `post` (a card the referral has left, e.g. after a redirect, then shown as `redirectedTo`).
   */
  | { kind: 'updateIntakeCard'; post?: PostRef; redirectedTo?: string }
  /**
   * A 1:1 message to a professional (`messageKey` is an i18n key). `wijkteamParams` name the
   * params that hold a wijkteam id, shown by the wijkteam's name when the message is written.
   */
  | { kind: 'notifyPerson'; aadObjectId: string; messageKey: string; params: Record<string, string>; referralId: string; wijkteamParams?: string[] }
  /**
   * The warme overdracht's planning card in a professional's 1:1 chat; its id comes back to the
   * referral. `intro`: a line above the card in the same message (an i18n key, written in the
   * person's language), so news and next step arrive as one message.
   */
  | { kind: 'offerHandoverPlanning'; aadObjectId: string; intro?: { messageKey: string; params: Record<string, string> } }
  /** Update a person's card in place (`activityId`), or send it anew when there is none. */
  | { kind: 'updatePersonCard'; aadObjectId: string; activityId?: string; view: PersonCardView }
  /**
   * Every live case card (`Referral.caseCards`) (and the channel's intake card) rendered from the
   * referral as it is when this runs; a card without a message yet is posted (its id comes back).
   * `channel`: the change shows on the channel's card, which is updated too.
   */
  | { kind: 'refreshCaseCards'; channel?: boolean }
  | { kind: 'mailParent'; template: string }
  /**
   * Propose times for the warme overdracht from the stored planning request: free/busy of both
   * professionals through Graph (slow, may fail: then working hours), or working hours alone.
   * `by`: who asked (the proposals are theirs).
   */
  | { kind: 'findSlots'; by: string }
  /**
   * Book (or move the meeting to) a proposed slot: a Graph event, or an iCalendar invitation.
   * `by`: the professional who chose, or `parent-link` for the parent's own page.
   */
  | { kind: 'bookMeeting'; slotId: string; by: string }
  /** Without Graph: the meeting (or its cancellation) to the family; how they heard of it comes back. */
  | { kind: 'announceMeeting'; uid: string; sequence: number; method: 'REQUEST' | 'CANCEL' }
  /** Without Graph: the iCalendar invitation (or cancellation) to one professional, in Teams with its download button. */
  | { kind: 'sendInvitation'; uid: string; sequence: number; method: 'REQUEST' | 'CANCEL'; aadObjectId: string }
  /** A Graph event created for a booking that lost a race: cancelled again. */
  | { kind: 'withdrawEvent'; organizer: string; eventId: string }
  /**
   * Call the meeting off: the Graph event cancelled (Graph tells the attendees), or — without
   * Graph, or when that fails — the iCalendar cancellation to both professionals and the family.
   */
  | { kind: 'cancelMeeting'; uid: string; sequence: number }
  /** The confirmed agreements (`version`) to one person who receives them; how it went comes back as a delivery. */
  | { kind: 'deliverAgreements'; version: number; recipient: 'smw' | 'parent' | 'schoolContact' | 'pupil' }
  | { kind: 'planReminders'; trigger: ReminderTrigger }
  | { kind: 'cancelReminders'; trigger: ReminderTrigger }
  /** An agreed date was marked done: its escalations for that date (overdue reminders) are withdrawn. */
  | { kind: 'withdrawEscalations'; agreementId: string; date?: string }
  | { kind: 'escalate'; to: 'coordinator' | 'smw'; messageKey: string; params: Record<string, string> }
  /**
   * A transition's counts for the registration and the professionals who took part (computed
   * when it was decided); each increment is counted once, whatever the repeats.
   */
  | { kind: 'countRegistration'; increments: RegistrationIncrement[]; participations: Participation[] }
  /** The case changed hands: pending reminders addressed to the previous person go to the new one. */
  | { kind: 'readdressReminders'; role: 'smw' | 'caseManager'; fromAadObjectId: string; to: { aadObjectId: string; teamsUserId?: string; email?: string } }
  /** Someone is no longer a party (consent withdrawn): pending reminders stop going to that role. */
  | { kind: 'dropReminderRecipients'; role: PartyRole }
  /** The parent answered the agreements on their page: a card to the casusregisseur (reply button for a question). */
  | { kind: 'parentAnswerToCaseManager'; answerId: string }
  /** Both professionals' handover cards show the current state (e.g. what the parent entered); `except` the clicked card, answered by its click. */
  | { kind: 'refreshHandoverCards'; except?: string }
  /** A closed referral's audit and timeline entries get its time to live. */
  | { kind: 'expireEntries' }
  /**
   * The parent's new link (`hash`, the link just issued) in a mail of its own, when a professional
   * enabled or renewed it. The token is never stored: the link comes from the memory of the
   * process that issued it; lost (a restart), the mail fails visibly and a new link is the remedy.
   */
  | { kind: 'mailParentLink'; hash: string }
  /** An agreed date moved: its reminders are withdrawn and those the domain planned for the new date saved. */
  | { kind: 'replaceReminders'; cancel: Pick<PlannedReminder, 'id' | 'dueAt' | 'referralId'>[]; create: PlannedReminder[] }
  /**
   * An agreed date moved: a party in the agreement hears of it — a professional (`aadObjectId`) by
   * a 1:1 message with the referral number, anyone else of `role` by e-mail with only the label and
   * the new date (the address is looked up when it runs).
   */
  | { kind: 'tellDateMoved'; role: PartyRole; aadObjectId?: string; agreementId: string; label: string; from: { date: string; time?: string }; to: { date: string; time?: string } }
  /**
   * Something could not reach a party: the SMW'er of the referral (as it is when this runs) hears
   * which role and what to do, in their language — never a name or address. See `deliveryProblems.ts`.
   */
  | { kind: 'tellDeliveryProblem'; problem: DeliveryProblemReport };

/**
 * What did not reach whom: a reminder (Teams could not deliver it: `reason`, and whether it went by
 * mail instead), or the agreements or the reminders of agreed dates (no address known, or unreachable).
 */
export type DeliveryProblemReport =
  | { what: 'reminder'; role: PartyRole; reason: 'unreachable' | 'deadLettered'; fallback?: 'mailed' | 'outbox' }
  /** A reminder by e-mail only reached the local outbox (no mail service): not sent, someone must pass it on. */
  | { what: 'reminderInOutbox'; role: PartyRole }
  /** An effect that talks to someone failed for good (`kind` says which message). */
  | { what: 'message'; role: PartyRole; kind: EffectKind['kind'] }
  | { what: 'agreements' | 'reminders'; roles: PartyRole[] };

/** An effect as a decision asks for it: what, and not before when (default: at once). */
export type EffectRequest = EffectKind & { notBefore?: string };

/** An effect as committed with the referral: a stable id, a due time and its delivery state. */
export type Effect = EffectKind & {
  /** `<referralId>:<version>:<index>`: a retried decision produces the same ids. */
  id: string;
  dueAt: string;
  state: DeliveryState;
};

/** An audit/timeline entry committed with the referral and written as its own document later. */
export interface PendingEntry {
  /** Deterministic, so writing it twice is a harmless conflict. */
  id: string;
  event: DomainEvent;
  actor: string;
  at: string;
}

/** What a referral still has to carry out, stored inside the referral document (one atomic write). */
export interface Outbox {
  /** Counts committed decisions that enqueued something: with the referral id it makes ids deterministic. */
  seq: number;
  effects: Effect[];
  entries: PendingEntry[];
  /** Earliest time something waits (an open effect's due time, or an unwritten entry); absent when nothing waits. */
  nextAt?: string;
}

/** Done effects kept for the cards' truth and for diagnosis; older ones are dropped. */
const KEEP_DONE = 10;

export const effectId = (referralId: string, seq: number, index: number): string => `${referralId}:${seq}:${index}`;

export const isOpen = (e: Effect): boolean => e.state.status === 'pending' || e.state.status === 'retrying';

/** When an open effect may next run. */
export const nextRunAt = (e: Effect): string => (e.state.status === 'retrying' ? e.state.nextAt : e.dueAt);

/** Whether effect `a` was committed after effect `b` (their ids: `<referralId>:<seq>:<index>`). */
export function committedAfter(a: Effect, b: Effect): boolean {
  const [sa, ia] = a.id.split(':').slice(-2).map(Number) as [number, number];
  const [sb, ib] = b.id.split(':').slice(-2).map(Number) as [number, number];
  return sa > sb || (sa === sb && ia > ib);
}

/**
 * A refresh of the handover cards with a later one still waiting: the later one renders the
 * referral as it is then, so this one would only spend Teams' per-chat limits. Decided when the
 * runner reaches it, never at commit time (a refresh being carried out may have read the referral
 * before that commit).
 */
export function refreshSuperseded(outbox: Outbox | undefined, effect: Effect): boolean {
  if (effect.kind !== 'refreshHandoverCards' || effect.except) return false;
  return (outbox?.effects ?? []).some((e) => e.kind === 'refreshHandoverCards' && !e.except && e.id !== effect.id && isOpen(e) && committedAfter(e, effect));
}

/**
 * Kinds whose repeat changes nothing outside: registration counts keyed per transition, reminder
 * documents with deterministic ids, entries' time to live, messages updated in place. The runner
 * may carry several of them out before one commit (a crash then repeats them all, harmlessly);
 * every other kind is committed on its own.
 */
const REPLAY_SAFE: ReadonlySet<EffectKind['kind']> = new Set([
  'countRegistration',
  'planReminders',
  'cancelReminders',
  'withdrawEscalations',
  'replaceReminders',
  'readdressReminders',
  'dropReminderRecipients',
  'expireEntries',
  'updateIntakeCard',
  'refreshHandoverCards',
]);

/**
 * Adds a replay-safe effect to a decision's list right after its first replay-safe one (else at
 * the end): the runner carries the two out one after the other and commits them together, so the
 * added one costs no commit of its own.
 */
export function besideReplaySafe(effects: readonly EffectRequest[], safe: EffectRequest): EffectRequest[] {
  const at = effects.findIndex((e) => REPLAY_SAFE.has(e.kind));
  return at < 0 ? [...effects, safe] : [...effects.slice(0, at + 1), safe, ...effects.slice(at + 1)];
}

/** Whether running `effect` twice is harmless; a case-card refresh only while every card has a message to update (else it posts). */
export function replaySafe(effect: Effect, caseCardsAllPosted: boolean): boolean {
  if (effect.kind === 'refreshCaseCards') return caseCardsAllPosted;
  return REPLAY_SAFE.has(effect.kind);
}

/** Effects that may run at `now` (ISO), earliest first. */
export function dueEffects(outbox: Outbox | undefined, now: string): Effect[] {
  return (outbox?.effects ?? []).filter((e) => isOpen(e) && nextRunAt(e) <= now).sort((a, b) => nextRunAt(a).localeCompare(nextRunAt(b)));
}

/** Recomputes `nextAt` and drops old done effects (failed ones stay: a person must see them). */
export function settle(outbox: Outbox): Outbox {
  const done = outbox.effects.filter((e) => e.state.status === 'done');
  const dropped = new Set(done.slice(0, Math.max(0, done.length - KEEP_DONE)));
  const effects = outbox.effects.filter((e) => !dropped.has(e));
  const times = effects.filter(isOpen).map(nextRunAt);
  if (outbox.entries.length > 0) times.push(outbox.entries[0]!.at);
  const nextAt = times.sort()[0];
  return { seq: outbox.seq, effects, entries: outbox.entries, ...(nextAt ? { nextAt } : {}) };
}

/** Adds a decision's entries and effects to the referral's outbox, with ids from the next sequence number. */
export function enqueue(outbox: Outbox | undefined, referralId: string, actor: string, events: DomainEvent[], requests: EffectRequest[], at: string): Outbox {
  const seq = (outbox?.seq ?? 0) + 1;
  const entries = events.map((event, i) => ({ id: `${referralId}:${seq}:e${i}`, event, actor, at }));
  const effects = requests.map(({ notBefore, ...kind }, i): Effect => ({ ...kind, id: effectId(referralId, seq, i), dueAt: notBefore ?? at, state: { status: 'pending' } }));
  return settle({ seq, effects: [...(outbox?.effects ?? []), ...effects], entries: [...(outbox?.entries ?? []), ...entries] });
}

/** Drops entries that are now written as their own documents. */
export function withoutEntries(outbox: Outbox, written: ReadonlySet<string>): Outbox {
  return settle({ ...outbox, entries: outbox.entries.filter((e) => !written.has(e.id)) });
}

/** Replaces one effect's state. */
export function withState(outbox: Outbox, id: string, state: DeliveryState): Outbox {
  return { ...outbox, effects: outbox.effects.map((e) => (e.id === id ? { ...e, state } : e)) };
}

/** What the outside world answered when an effect was carried out. */
export type EffectOutcome =
  | { ok: true; note?: string }
  /**
   * Try again later (`retryable`), or never (the reason is shown to people). `throttled`: Teams'
   * rate limits asked to wait `retryAfterMs` (real time) — not a failure, so nothing is recorded.
   */
  | { ok: false; retryable: boolean; reason: string; throttled?: boolean; retryAfterMs?: number };

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** The state after an attempt: done, retrying with capped exponential back-off, or failed. */
export function afterAttempt(effect: Effect, outcome: EffectOutcome, policy: RetryPolicy, now: Date): DeliveryState {
  const at = now.toISOString();
  if (outcome.ok) return { status: 'done', at, ...(outcome.note ? { note: outcome.note } : {}) };
  const attempt = (effect.state.status === 'retrying' ? effect.state.attempt : 0) + 1;
  if (!outcome.retryable || attempt >= policy.maxAttempts) return { status: 'failed', reason: outcome.reason, at };
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return { status: 'retrying', attempt, nextAt: new Date(now.getTime() + wait).toISOString(), reason: outcome.reason };
}
