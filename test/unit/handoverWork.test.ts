import { describe, expect, it } from 'vitest';
import type { Accepted, Decision } from '../../src/domain/decision.js';
import { agreementsDelivered, confirmAndDistribute, pendingDeliveries } from '../../src/domain/agreementDelivery.js';
import type { Agreements } from '../../src/domain/agreements.js';
import { caseCardsPosted } from '../../src/domain/caseCards.js';
import { closeReferral } from '../../src/domain/closing.js';
import { deliveryProblemFound, problemPassedOn } from '../../src/domain/deliveryProblems.js';
import { effectSettled } from '../../src/domain/effectResults.js';
import { issueParentLink } from '../../src/domain/parentLink.js';
import { enqueue, withState, type DeliveryState, type Effect } from '../../src/domain/effects.js';
import {
  PARENT_BOOKER,
  cancelHandover,
  failedBooking,
  handoverWork,
  requestBooking,
  requestOtherSlots,
  requestSlots,
} from '../../src/domain/handoverFlow.js';
import type { Referral } from '../../src/domain/referral.js';
import type { Actor } from '../../src/domain/types.js';
import { PLAN_REQUEST, TWO_SLOTS, makeFullReferral } from '../support/factories.js';

const now = { at: new Date('2026-11-23T09:00:00Z'), today: '2026-11-23' };
const smw: Actor = { aadObjectId: 'smw-1', name: 'Sanne Smit', tenantId: 'tenant-1' };
const cm: Actor = { aadObjectId: 'cm-1', name: 'Karim Wijkteam', tenantId: 'tenant-1' };
const outsider: Actor = { aadObjectId: 'wt-2', name: 'Lisa Wijkteam', tenantId: 'tenant-1' };
const request = PLAN_REQUEST;
const slots = TWO_SLOTS;

function ok(d: Decision<Referral>): Accepted<Referral> {
  if (!d.ok) throw new Error(`refused: ${d.code}`);
  return d;
}
const accepted = (): Referral => makeFullReferral({ state: 'accepted', caseManager: { aadObjectId: cm.aadObjectId, name: cm.name } });

/** Commits a decision as decideAndSave does: its effects into the referral's outbox. */
function commit(d: Accepted<Referral>, actor: string): Referral {
  return { ...d.value, outbox: enqueue(d.value.outbox, d.value.referralId, actor, d.events, d.effects ?? [], now.at.toISOString()) };
}

/** The runner's side: the effect's new state, then the domain's answer to it, committed. */
function settle(r: Referral, kind: Effect['kind'], state: DeliveryState, result: Parameters<typeof effectSettled>[3]): Accepted<Referral> {
  const effect = r.outbox!.effects.filter((e) => e.kind === kind).at(-1)!;
  const withEffect = { ...r, outbox: withState(r.outbox!, effect.id, state) };
  return effectSettled(withEffect, effect, state, result, now);
}
const done: DeliveryState = { status: 'done', at: now.at.toISOString() };
const kinds = (d: Accepted<Referral>) => (d.effects ?? []).map((e) => e.kind);

/** Searched: the request saved, the search done with two slots. */
function searched(): Referral {
  const asked = commit(ok(requestSlots(accepted(), smw, request, now, 'activity-smw')), smw.aadObjectId);
  return commit(settle(asked, 'findSlots', done, { proposals: { slots, basis: 'calendars', calendarFailed: false } }), 'schakel');
}

describe('the slow steps of the warme overdracht as effects', () => {
  it('"Tijden zoeken" saves the request and asks for a search: no proposals yet, the clicked card becomes the person\'s card', () => {
    const d = ok(requestSlots(accepted(), smw, request, now, 'activity-smw'));
    expect(d.effects).toEqual([{ kind: 'findSlots', by: smw.aadObjectId }]);
    expect(d.value.handover?.request).toEqual(request);
    expect(d.value.handover?.proposals).toEqual([]);
    expect(d.value.handover?.cards).toEqual([{ aadObjectId: smw.aadObjectId, activityId: 'activity-smw' }]);
    expect(handoverWork(commit(d, smw.aadObjectId))?.kind).toBe('findSlots');
    expect(requestSlots(accepted(), outsider, request, now)).toMatchObject({ ok: false, code: 'notAllowed' });
  });

  it('a live case card that was clicked stays the case card (not taken as the handover card)', () => {
    const r = { ...accepted(), caseCards: [{ aadObjectId: smw.aadObjectId, activityId: 'case-smw' }] };
    expect(ok(requestSlots(r, smw, request, now, 'case-smw')).value.handover?.cards).toEqual([]);
  });

  it('the search\'s result stores the proposals, says when the calendars failed, and refreshes both cards', () => {
    const asked = commit(ok(requestSlots(accepted(), smw, request, now)), smw.aadObjectId);
    const d = settle(asked, 'findSlots', done, { proposals: { slots, basis: 'workingHours', calendarFailed: true } });
    expect(d.value.handover?.proposals.map((p) => p.slotId)).toEqual(['1-0', '1-1']);
    expect(d.value.handover?.calendarFailed).toBe(true);
    expect(kinds(d)).toContain('refreshHandoverCards');
    expect(d.events).toContainEqual({ type: 'timeline', entry: 'handover.proposed' });
  });

  it('"Kies" asks for a booking once; a second click while it is on its way or a forged slot changes nothing', () => {
    const r = searched();
    const d = ok(requestBooking(r, { kind: 'professional', actor: cm, clicked: 'activity-cm' }, '1-0', now));
    expect(d.effects).toEqual([{ kind: 'bookMeeting', slotId: '1-0', by: cm.aadObjectId }]);
    expect(d.value.state).toBe('accepted');
    const pending = commit(d, cm.aadObjectId);
    expect(handoverWork(pending)).toMatchObject({ kind: 'bookMeeting', slotId: '1-0' });
    expect(ok(requestBooking(pending, { kind: 'professional', actor: smw }, '1-1', now)).unchanged).toBe(true);
    expect(requestBooking(r, { kind: 'professional', actor: cm }, '7-0', now)).toMatchObject({ ok: false, code: 'stale' });
    expect(requestBooking(r, { kind: 'professional', actor: outsider }, '1-0', now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(ok(requestBooking(r, { kind: 'parent' }, '1-1', now)).effects).toEqual([{ kind: 'bookMeeting', slotId: '1-1', by: PARENT_BOOKER }]);
  });

  it('the booking\'s result books: iCalendar invitation, reminders and cards follow as effects', () => {
    const pending = commit(ok(requestBooking(searched(), { kind: 'professional', actor: cm }, '1-0', now)), cm.aadObjectId);
    const d = settle(pending, 'bookMeeting', done, { invitation: { via: 'ical', uid: 'uid-1' } });
    expect(d.value.state).toBe('handoverScheduled');
    expect(d.value.handover?.meeting).toMatchObject({ slotId: '1-0', via: 'ical', uid: 'uid-1', sequence: 0, bookedBy: cm.aadObjectId });
    expect(d.effects).toEqual(expect.arrayContaining([
      { kind: 'announceMeeting', uid: 'uid-1', sequence: 0, method: 'REQUEST' },
      // The iCalendar file to each professional, an effect of its own (retried for that person alone).
      { kind: 'sendInvitation', uid: 'uid-1', sequence: 0, method: 'REQUEST', aadObjectId: smw.aadObjectId },
      { kind: 'sendInvitation', uid: 'uid-1', sequence: 0, method: 'REQUEST', aadObjectId: cm.aadObjectId },
      { kind: 'planReminders', trigger: 'handoverBooked' },
      { kind: 'refreshHandoverCards' },
    ]));
  });

  it('a Graph booking that lost a race withdraws the event it created', () => {
    const pending = commit(ok(requestBooking(searched(), { kind: 'professional', actor: cm }, '1-0', now)), cm.aadObjectId);
    // Meanwhile someone asked for new times: the slot is gone.
    const moved = commit(ok(requestSlots(pending, smw, request, now)), smw.aadObjectId);
    const d = settle(moved, 'bookMeeting', done, { invitation: { via: 'graph', uid: 'u', eventId: 'e-1', createdEvent: { organizer: 'karim@x', eventId: 'e-1' } } });
    expect(d.value.state).toBe('accepted');
    expect(d.effects).toContainEqual({ kind: 'withdrawEvent', organizer: 'karim@x', eventId: 'e-1' });
  });

  it('a booking the calendar refused is on the timeline and the times are offered again; retrying updates the cards once', () => {
    const pending = commit(ok(requestBooking(searched(), { kind: 'professional', actor: cm }, '1-0', now)), cm.aadObjectId);
    const retrying = settle(pending, 'bookMeeting', { status: 'retrying', attempt: 1, nextAt: '2026-11-23T09:01:00Z', reason: 'graph503' }, {});
    expect(kinds(retrying)).toEqual(['refreshHandoverCards']);
    const failedState: DeliveryState = { status: 'failed', reason: 'graph403', at: now.at.toISOString() };
    const failed = settle(pending, 'bookMeeting', failedState, {});
    expect(failed.events).toEqual([{ type: 'timeline', entry: 'handover.bookingFailed' }]);
    const after = { ...pending, outbox: withState(pending.outbox!, pending.outbox!.effects.find((e) => e.kind === 'bookMeeting')!.id, failedState) };
    expect(failedBooking(after)?.slotId).toBe('1-0');
    expect(handoverWork(after)).toBeUndefined();
    expect(after.handover?.proposals).toHaveLength(2);
  });

  it('"Verzetten" searches again for a booked meeting without dropping it', () => {
    const pending = commit(ok(requestBooking(searched(), { kind: 'professional', actor: cm }, '1-0', now)), cm.aadObjectId);
    const bookedRef = commit(settle(pending, 'bookMeeting', done, { invitation: { via: 'ical', uid: 'uid-1' } }), 'schakel');
    const d = ok(requestOtherSlots(bookedRef, smw, now));
    expect(d.effects).toEqual([{ kind: 'findSlots', by: smw.aadObjectId }]);
    expect(d.value.handover?.meeting?.slotId).toBe('1-0');
    expect(requestOtherSlots(accepted(), smw, now)).toMatchObject({ ok: false, code: 'incomplete' });
  });

  it('confirming sets off, as data: the reminders, one delivery per person (the SMW\'er last), then the cards', () => {
    const pending = commit(ok(requestBooking(searched(), { kind: 'professional', actor: cm }, '1-0', now)), cm.aadObjectId);
    const scheduled = commit(settle(pending, 'bookMeeting', done, { invitation: { via: 'ical', uid: 'uid-1' } }), 'schakel');
    const agreements: Agreements = {
      present: ['smw', 'caseManager', 'parent'],
      feedback: [{ slot: 0, to: 'smw', how: 'teams', date: '2026-12-10' }],
      evaluation: { date: '2027-01-15', with: ['smw', 'parent'] },
      aftercare: { what: 'Wekelijks contact met de mentor', who: 'schoolContact', until: '2027-03-01' },
      parentsAgree: true,
    };
    const d = ok(confirmAndDistribute(scheduled, cm, { agreements, revision: 0, meetingHeld: true }, now, 'activity-cm'));
    expect(d.value.state).toBe('agreementsConfirmed');
    const effects = d.effects ?? [];
    expect(effects[0]).toEqual({ kind: 'planReminders', trigger: 'agreementsConfirmed' });
    expect(effects.slice(-2)).toEqual([{ kind: 'deliverAgreements', version: 1, recipient: 'smw' }, { kind: 'refreshHandoverCards' }]);
    expect(effects).toContainEqual({ kind: 'deliverAgreements', version: 1, recipient: 'parent' });
    expect(d.value.handover?.deliveries).toEqual([]);
    expect(d.value.handover?.cards).toContainEqual({ aadObjectId: cm.aadObjectId, activityId: 'activity-cm' });
    // Nothing is claimed before it happened: the deliveries are open effects until carried out.
    const committed = commit(d, cm.aadObjectId);
    expect(pendingDeliveries(committed, 1)).toEqual(expect.arrayContaining(['parent', 'smw']));
    const delivered = agreementsDelivered(committed, { agreementsVersion: 1, recipient: 'parent', channel: 'email', status: 'outbox', at: now.at.toISOString() }, undefined, now);
    expect(delivered.value.handover?.deliveries.map((x) => [x.recipient, x.status])).toEqual([['parent', 'outbox']]);
    // A refresh already waits (the confirmation's own, last): no second one.
    expect(delivered.effects ?? []).toEqual([]);
    // The parent's mail carried a new link: its hash is recorded with the delivery, in the same commit.
    const linked = settle(committed, 'deliverAgreements', done, {
      delivery: { agreementsVersion: 1, recipient: 'parent', channel: 'email', status: 'outbox', at: now.at.toISOString() },
      parentLink: { hash: 'hash-2', contactKey: 'k', expiresAt: '2027-03-01T22:59:59.999Z' },
    });
    expect(linked.value.parentPage?.link).toMatchObject({ hash: 'hash-2', expiresAt: '2027-03-01T22:59:59.999Z' });
    expect(linked.value.handover?.deliveries.map((x) => [x.recipient, x.status])).toEqual([['parent', 'outbox']]);
    expect(linked.events).toContainEqual({ type: 'timeline', entry: 'parentLink.issued', detail: { reason: 'agreements' } });
  });
});

describe("the parent's link mailed on its own, as data", () => {
  const issue = (r: Referral, mail: boolean) => ok(issueParentLink(r, { hash: 'hash-1', contactKey: 'k', expiresAt: '2026-12-24T23:00:00.000Z', reason: 'renewed', mail }, now));

  it('a link issued with mail asks for its mail as an effect; how it went comes back on the timeline', () => {
    expect(issue(searched(), false).effects ?? []).toEqual([]);
    const d = issue(searched(), true);
    expect(d.effects).toEqual([{ kind: 'mailParentLink', hash: 'hash-1' }]);
    const committed = commit(d, cm.aadObjectId);
    expect(settle(committed, 'mailParentLink', done, { linkMail: 'outbox' }).events).toEqual([{ type: 'timeline', entry: 'parentLink.outbox' }]);
    expect(settle(committed, 'mailParentLink', done, { linkMail: 'sent' }).events).toEqual([{ type: 'timeline', entry: 'parentLink.mailed' }]);
    expect(settle(committed, 'mailParentLink', { status: 'failed', reason: 'linkNotKept', at: now.at.toISOString() }, {}).events).toEqual([{ type: 'timeline', entry: 'parentLink.mailFailed' }]);
    // Skipped (no address any more, or a newer link): nothing to tell.
    expect(settle(committed, 'mailParentLink', done, {}).events).toEqual([]);
  });

  it('without an e-mail address for the parent there is no mail to ask for', () => {
    const r = searched();
    const noMail = { ...r, handover: { ...r.handover!, request: { ...r.handover!.request!, parent: { name: 'Fatima de Vries', phone: '0612345678' } } } };
    expect(issue(noMail, true).effects ?? []).toEqual([]);
  });
});

describe('calling the meeting off as data', () => {
  it('cancelled through Graph, nothing more; otherwise the family and each professional get the cancellation, each its own effect', () => {
    const pending = commit(ok(requestBooking(searched(), { kind: 'professional', actor: cm }, '1-0', now)), cm.aadObjectId);
    const booked = commit(settle(pending, 'bookMeeting', done, { invitation: { via: 'ical', uid: 'uid-1' } }), cm.aadObjectId);
    const cancelling = commit(ok(cancelHandover(booked, cm, now)), cm.aadObjectId);
    expect(settle(cancelling, 'cancelMeeting', done, {}).effects ?? []).toEqual([]);
    expect(settle(cancelling, 'cancelMeeting', done, { icsCancellation: true }).effects).toEqual([
      // The cancellation is the meeting's next SEQUENCE (RFC 5545), as the cancelMeeting effect carried it.
      { kind: 'announceMeeting', uid: 'uid-1', sequence: 1, method: 'CANCEL' },
      { kind: 'sendInvitation', uid: 'uid-1', sequence: 1, method: 'CANCEL', aadObjectId: smw.aadObjectId },
      { kind: 'sendInvitation', uid: 'uid-1', sequence: 1, method: 'CANCEL', aadObjectId: cm.aadObjectId },
    ]);
  });
});

describe('closing as data', () => {
  it('closing sets a time to live and asks for the reminders to stop and the entries to expire', () => {
    const d = ok(closeReferral({ ...accepted(), state: 'agreementsConfirmed' }, smw, now, 365));
    expect(d.value).toMatchObject({ state: 'closed', ttl: 365 * 24 * 3600 });
    expect(d.effects).toEqual([{ kind: 'cancelReminders', trigger: 'referralClosed' }, { kind: 'expireEntries' }]);
  });
});

describe('the live case cards keep up with a change committed while they were being updated', () => {
  it('a refresh that rendered an older version asks for one more; one that rendered the current version does not', () => {
    const r = { ...accepted(), version: 7 };
    expect(caseCardsPosted(r, [], undefined, undefined, 6).effects).toEqual([{ kind: 'refreshCaseCards', channel: true }]);
    expect(caseCardsPosted(r, [], undefined, undefined, 7).effects).toBeUndefined();
    // One already waits (the later change added it): no second one.
    const waiting = { ...r, outbox: enqueue(undefined, r.referralId, 'x', [], [{ kind: 'refreshCaseCards' }], now.at.toISOString()) };
    expect(caseCardsPosted(waiting, [], undefined, undefined, 6).effects).toBeUndefined();
  });
});

describe('delivery problems as data', () => {
  it('a reminder that did not reach the casusregisseur: a timeline entry with the role only, and a message to the SMW\'er as an effect', () => {
    const d = deliveryProblemFound(accepted(), { what: 'reminder', role: 'caseManager', reason: 'unreachable', fallback: 'outbox' });
    expect(d.events).toEqual([{ type: 'timeline', entry: 'deliveryProblem.caseManager', detail: { role: 'caseManager' } }]);
    expect(d.effects).toEqual([{ kind: 'tellDeliveryProblem', problem: { what: 'reminder', role: 'caseManager', reason: 'unreachable', fallback: 'outbox' } }]);
  });

  it("the SMW'er not reached: only the timeline (there is nobody else to tell); roles named twice are told once", () => {
    const own = deliveryProblemFound(accepted(), { what: 'reminder', role: 'smw', reason: 'deadLettered' });
    expect(own.events.map((e) => (e.type === 'timeline' ? e.entry : e.type))).toEqual(['deliveryProblem.smw']);
    expect(own.effects ?? []).toEqual([]);
    const twice = deliveryProblemFound(accepted(), { what: 'reminders', roles: ['schoolContact', 'schoolContact', 'parent'] });
    expect(twice.events).toHaveLength(2);
    expect(twice.effects).toEqual([{ kind: 'tellDeliveryProblem', problem: { what: 'reminders', roles: ['schoolContact', 'parent'] } }]);
  });

  it('agreements that did not reach the school contact, and reminders nobody can be addressed for, come back from their effects as the same problem', () => {
    const r = commit(ok(requestSlots(accepted(), smw, request, now, 'activity-smw')), smw.aadObjectId);
    const withDelivery = { ...r, outbox: enqueue(r.outbox, r.referralId, cm.aadObjectId, [], [{ kind: 'deliverAgreements', version: 1, recipient: 'schoolContact' }, { kind: 'planReminders', trigger: 'agreementsConfirmed' }], now.at.toISOString()) };
    const withRecord = { ...withDelivery, handover: { ...withDelivery.handover!, agreements: [{ version: 1, confirmedAt: now.at.toISOString() } as never] } };
    const unreached = settle(withRecord, 'deliverAgreements', done, { delivery: { agreementsVersion: 1, recipient: 'schoolContact', channel: 'phone', status: 'todo', at: now.at.toISOString() } });
    expect(unreached.effects).toContainEqual({ kind: 'tellDeliveryProblem', problem: { what: 'agreements', roles: ['schoolContact'] } });
    expect(unreached.events.map((e) => (e.type === 'timeline' ? e.entry : e.type))).toContain('deliveryProblem.schoolContact');
    // Reached: no problem.
    const reached = settle(withRecord, 'deliverAgreements', done, { delivery: { agreementsVersion: 1, recipient: 'schoolContact', channel: 'teams', status: 'sent', at: now.at.toISOString() } });
    expect(kinds(reached)).not.toContain('tellDeliveryProblem');
    expect(settle(withRecord, 'planReminders', done, { unreachable: ['pupil'] }).effects).toEqual([{ kind: 'tellDeliveryProblem', problem: { what: 'reminders', roles: ['pupil'] } }]);
    expect(settle(withRecord, 'planReminders', done, {}).effects ?? []).toEqual([]);
  });
});

describe('an effect that failed for good', () => {
  const failed: DeliveryState = { status: 'failed', reason: 'blocked', at: now.at.toISOString() };
  const withEffects = (effects: Parameters<typeof enqueue>[4]): Referral => {
    const r = accepted();
    return { ...r, outbox: enqueue(r.outbox, r.referralId, cm.aadObjectId, [], effects, now.at.toISOString()) };
  };

  it("a message to the casusregisseur: the SMW'er is told what did not arrive, and the timeline names the role", () => {
    const r = withEffects([{ kind: 'notifyPerson', aadObjectId: cm.aadObjectId, messageKey: 'x', params: {}, referralId: 'r' }]);
    const d = settle(r, 'notifyPerson', failed, {});
    expect(d.effects).toContainEqual({ kind: 'tellDeliveryProblem', problem: { what: 'message', role: 'caseManager', kind: 'notifyPerson' } });
    expect(d.events.map((e) => (e.type === 'timeline' ? e.entry : e.type))).toContain('deliveryProblem.caseManager');
    // Only once it failed for good: a retry is not a problem yet.
    expect(kinds(settle(r, 'notifyPerson', { status: 'retrying', attempt: 1, nextAt: now.at.toISOString(), reason: 'http500' }, {}))).not.toContain('tellDeliveryProblem');
  });

  it("the wijkteam channel's card: the coordinators are told; the SMW'er's own message failing: the timeline only (no message about a message)", () => {
    const channel = settle(withEffects([{ kind: 'updateIntakeCard' }]), 'updateIntakeCard', failed, {});
    expect(channel.effects).toContainEqual({ kind: 'escalate', to: 'coordinator', messageKey: 'effects.channelCardFailed.coordinator', params: { number: accepted().number } });
    const own = settle(withEffects([{ kind: 'tellDeliveryProblem', problem: { what: 'reminders', roles: ['parent'] } }]), 'tellDeliveryProblem', failed, {});
    expect(kinds(own)).not.toContain('tellDeliveryProblem');
    expect(own.events.map((e) => (e.type === 'timeline' ? e.entry : e.type))).toEqual(['deliveryProblem.smw']);
  });

  it('kinds that answer their own failure, and card refreshes that reach nobody in particular, add no problem', () => {
    expect(kinds(settle(withEffects([{ kind: 'refreshHandoverCards' }]), 'refreshHandoverCards', failed, {}))).not.toContain('tellDeliveryProblem');
    const booking = settle(withEffects([{ kind: 'findSlots', by: smw.aadObjectId }]), 'findSlots', failed, {});
    expect(kinds(booking)).not.toContain('tellDeliveryProblem');
  });
});

describe('passing a problem on by hand', () => {
  it("only the referral's SMW'er records it: audited, and a timeline entry per role beside the problem", () => {
    const d = ok(problemPassedOn(accepted(), smw, ['parent', 'parent', 'schoolContact'], now));
    expect(d.events).toEqual([
      { type: 'audit', action: 'deliveryProblem.passedOn', detail: { roles: 'parent,schoolContact' } },
      { type: 'timeline', entry: 'deliveryProblemPassedOn.parent', detail: { role: 'parent' } },
      { type: 'timeline', entry: 'deliveryProblemPassedOn.schoolContact', detail: { role: 'schoolContact' } },
    ]);
    expect(problemPassedOn(accepted(), cm, ['parent'], now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(problemPassedOn(accepted(), smw, [], now)).toMatchObject({ ok: false, code: 'invalid' });
  });
});
