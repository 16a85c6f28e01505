import { describe, expect, it } from 'vitest';
import type { Accepted, Decision } from '../../src/domain/decision.js';
import type { Agreements } from '../../src/domain/agreements.js';
import {
  bookHandover,
  bookSlot,
  cancelHandover,
  confirmHandoverAgreements,
  draftHandoverAgreements,
  markParentInformed,
  planHandover,
  proposeSlots,
  recordDeliveries,
  recordHandoverCards,
  recordMeetingNotice,
  rescheduleHandover,
  savePlanRequest,
} from '../../src/domain/handoverFlow.js';
import type { Referral } from '../../src/domain/referral.js';
import type { Actor } from '../../src/domain/types.js';
import { PLAN_REQUEST, TWO_SLOTS, makeFullReferral } from '../support/factories.js';

const now = { at: new Date('2026-11-23T09:00:00Z'), today: '2026-11-23' };
const later = { at: new Date('2026-11-24T09:00:00Z'), today: '2026-11-24' };
const smw: Actor = { aadObjectId: 'smw-1', name: 'Sanne Smit', tenantId: 'tenant-1' };
const cm: Actor = { aadObjectId: 'cm-1', name: 'Karim Wijkteam', tenantId: 'tenant-1' };
const other: Actor = { aadObjectId: 'wt-2', name: 'Lisa Wijkteam', tenantId: 'tenant-1' };
const foreignCm: Actor = { ...cm, tenantId: 'tenant-2' };

const request = PLAN_REQUEST;
const slots = TWO_SLOTS;
const agreements = (what = 'Wekelijks contact met de mentor'): Agreements => ({
  present: ['smw', 'caseManager', 'parent'],
  feedback: [{ slot: 0, to: 'smw', how: 'teams', date: '2026-12-10' }],
  evaluation: { date: '2027-01-15', with: ['smw', 'parent'] },
  aftercare: { what, who: 'schoolContact', until: '2027-03-01' },
  parentsAgree: true,
});

function ok(d: Decision<Referral>): Accepted<Referral> {
  if (!d.ok) throw new Error(`refused: ${d.code}`);
  return d;
}
const accepted = (): Referral => makeFullReferral({ state: 'accepted', caseManager: { aadObjectId: cm.aadObjectId, name: cm.name } });
const proposed = () => ok(planHandover(accepted(), smw, request, { slots, basis: 'workingHours' }, now)).value;
const booked = () => ok(bookHandover(proposed(), cm, '1-0', { via: 'ical', uid: 'uid-1' }, now)).value;
const confirmed = () => ok(confirmHandoverAgreements(booked(), cm, { agreements: agreements(), revision: 0 }, later)).value;
const entries = (d: Decision<Referral>) => (d.ok ? d.events.filter((e) => e.type === 'timeline').map((e) => (e.type === 'timeline' ? e.entry : '')) : []);

describe('planning the warme overdracht', () => {
  it('remembers both cards and the e-mail addresses; the first time is a timeline step', () => {
    const first = ok(recordHandoverCards(accepted(), [{ aadObjectId: 'smw-1', activityId: 'a1' }, { aadObjectId: 'cm-1', activityId: 'a2' }], { smw: 'smw@school.example', caseManager: 'cm@wijkteam.example' }, now));
    expect(first.value.handover?.cards).toHaveLength(2);
    expect(first.value.smw.email).toBe('smw@school.example');
    expect(first.value.caseManager?.email).toBe('cm@wijkteam.example');
    expect(entries(first)).toEqual(['handover.offered']);
    const again = ok(recordHandoverCards(first.value, [{ aadObjectId: 'cm-1', activityId: 'a3' }], {}, now));
    expect(again.value.handover?.cards).toEqual([{ aadObjectId: 'smw-1', activityId: 'a1' }, { aadObjectId: 'cm-1', activityId: 'a3' }]);
    expect(entries(again)).toEqual([]);
  });

  it('saves the request and proposes slots with ids of this round, by the SMW\'er or the casusregisseur only', () => {
    const d = ok(planHandover(accepted(), smw, request, { slots, basis: 'calendars' }, now));
    expect(d.value.version).toBe(accepted().version + 1);
    expect(d.value.handover?.request).toEqual(request);
    expect(d.value.handover?.proposals.map((p) => p.slotId)).toEqual(['1-0', '1-1']);
    expect(d.value.handover?.proposalBasis).toBe('calendars');
    expect(entries(d)).toEqual(['handover.planned', 'handover.proposed']);
    expect(planHandover(accepted(), other, request, { slots, basis: 'calendars' }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(planHandover(accepted(), foreignCm, request, { slots, basis: 'calendars' }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(planHandover({ ...accepted(), state: 'submitted' }, smw, request, { slots, basis: 'calendars' }, now)).toMatchObject({ ok: false, code: 'invalidState' });
  });

  it('a new request drops older proposals; no slots is a step of its own', () => {
    const again = ok(savePlanRequest(proposed(), cm, { ...request, durationMinutes: 90 }, now)).value;
    expect(again.handover?.proposals).toEqual([]);
    const none = ok(proposeSlots(again, cm, { slots: [], basis: 'workingHours' }, now));
    expect(none.value.handover?.round).toBe(2);
    expect(entries(none)).toEqual(['handover.noSlots']);
    expect(proposeSlots(accepted(), cm, { slots, basis: 'workingHours' }, now)).toMatchObject({ ok: false, code: 'incomplete' });
  });

  it('books only a stored proposal: handoverScheduled, proposals cleared, timeline booked', () => {
    const d = ok(bookHandover(proposed(), cm, '1-1', { via: 'graph', uid: 'uid-1', eventId: 'event-1', joinUrl: 'https://join' }, now));
    expect(d.value.state).toBe('handoverScheduled');
    expect(d.value.handover?.meeting).toMatchObject({ slotId: '1-1', start: '2026-12-01T08:00:00.000Z', via: 'graph', eventId: 'event-1', sequence: 0, bookedBy: 'cm-1' });
    expect(d.value.handover?.proposals).toEqual([]);
    expect(entries(d)).toEqual(['handover.booked']);
    expect(bookHandover(proposed(), cm, '2-0', { via: 'ical', uid: 'u' }, now)).toMatchObject({ ok: false, code: 'stale' });
    expect(bookHandover(proposed(), other, '1-0', { via: 'ical', uid: 'u' }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
  });

  it('a repeated click on the booked slot changes nothing; another slot of that old card is stale', () => {
    const b = booked();
    expect(bookSlot(b, smw, '1-0', { via: 'ical', uid: 'x' }, now)).toMatchObject({ ok: true, unchanged: true });
    expect(bookSlot(b, smw, '1-1', { via: 'ical', uid: 'x' }, now)).toMatchObject({ ok: false, code: 'stale' });
  });

  it('moves the meeting to a new proposal: same uid, sequence + 1, timeline moved', () => {
    const again = ok(proposeSlots(booked(), smw, { slots: [slots[1]!], basis: 'workingHours' }, now)).value;
    expect(again.state).toBe('handoverScheduled');
    const d = ok(bookSlot(again, smw, '2-0', { via: 'ical', uid: 'ignored' }, now));
    expect(d.value.handover?.meeting).toMatchObject({ uid: 'uid-1', sequence: 1, start: '2026-12-01T08:00:00.000Z' });
    expect(entries(d)).toEqual(['handover.moved']);
    expect(rescheduleHandover(proposed(), smw, '1-0', now)).toMatchObject({ ok: false, code: 'invalidState' });
  });

  it('cancels: back to accepted, the meeting kept as cancelled with the next sequence', () => {
    const d = ok(cancelHandover(booked(), smw, now));
    expect(d.value.state).toBe('accepted');
    expect(d.value.handover?.meeting).toBeUndefined();
    expect(d.value.handover?.cancelled).toMatchObject([{ uid: 'uid-1', sequence: 1 }]);
    expect(entries(d)).toEqual(['handover.cancelled']);
    expect(cancelHandover(d.value, smw, now)).toMatchObject({ ok: true, unchanged: true });
    expect(cancelHandover(booked(), other, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(cancelHandover(confirmed(), cm, now)).toMatchObject({ ok: false, code: 'invalidState' });
  });
});

describe('the agreements', () => {
  it('only the casusregisseur drafts and confirms; others are refused', () => {
    expect(draftHandoverAgreements(booked(), smw, { agreements: agreements(), revision: 0 }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(confirmHandoverAgreements(booked(), smw, { agreements: agreements(), revision: 0 }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(confirmHandoverAgreements(booked(), other, { agreements: agreements(), revision: 0 }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(confirmHandoverAgreements(booked(), foreignCm, { agreements: agreements(), revision: 0 }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(draftHandoverAgreements(proposed(), cm, { agreements: agreements(), revision: 0 }, now)).toMatchObject({ ok: false, code: 'invalidState' });
  });

  it('a draft edits the open version; a card from before the last save is stale', () => {
    const d1 = ok(draftHandoverAgreements(booked(), cm, { agreements: agreements('A'), revision: 0 }, now));
    expect(entries(d1)).toEqual(['handover.agreementsDrafted']);
    const d2 = ok(draftHandoverAgreements(d1.value, cm, { agreements: agreements('B'), revision: 1 }, now));
    expect(entries(d2)).toEqual([]);
    expect(d2.value.handover?.agreements.map((a) => [a.version, a.agreements.aftercare.what])).toEqual([[1, 'B']]);
    expect(d2.value.handover?.agreementsRevision).toBe(2);
    expect(draftHandoverAgreements(d2.value, cm, { agreements: agreements('old card'), revision: 1 }, now)).toMatchObject({ ok: false, code: 'stale' });
    expect(confirmHandoverAgreements(d2.value, cm, { agreements: agreements('old card'), revision: 1 }, now)).toMatchObject({ ok: false, code: 'stale' });
    expect(draftHandoverAgreements(d2.value, cm, { agreements: agreements('B'), revision: 2 }, now)).toMatchObject({ ok: true, unchanged: true });
  });

  it('confirming freezes the version; a later change is version 2 and version 1 stays as sent', () => {
    const c = confirmed();
    expect(c.state).toBe('agreementsConfirmed');
    expect(c.handover?.agreements).toMatchObject([{ version: 1, confirmedBy: { aadObjectId: 'cm-1' }, confirmedAt: later.at.toISOString() }]);
    const v2 = ok(draftHandoverAgreements(c, cm, { agreements: agreements('Meer contact'), revision: c.handover!.agreementsRevision }, later));
    expect(entries(v2)).toEqual(['handover.agreementsDrafted']);
    expect(v2.value.state).toBe('agreementsConfirmed');
    const history = v2.value.handover!.agreements;
    expect(history.map((a) => [a.version, a.agreements.aftercare.what, a.confirmedAt !== undefined])).toEqual([
      [1, 'Wekelijks contact met de mentor', true],
      [2, 'Meer contact', false],
    ]);
    const c2 = ok(confirmHandoverAgreements(v2.value, cm, { agreements: agreements('Meer contact'), revision: v2.value.handover!.agreementsRevision }, later));
    expect(c2.value.handover!.agreements.map((a) => a.version)).toEqual([1, 2]);
    expect(c2.value.handover!.agreements[0]).toEqual(history[0]);
    expect(entries(c2)).toEqual(['handover.confirmed']);
  });

  it('confirming the same content again (a repeated click) changes nothing', () => {
    const c = confirmed();
    expect(confirmHandoverAgreements(c, cm, { agreements: agreements(), revision: 0 }, later)).toMatchObject({ ok: true, unchanged: true });
  });

  it('records deliveries once per version and recipient; the SMW\'er ticks off the phone task', () => {
    const c = confirmed();
    const d = ok(recordDeliveries(c, [
      { agreementsVersion: 1, recipient: 'parent', channel: 'phone', status: 'todo', at: later.at.toISOString() },
      { agreementsVersion: 1, recipient: 'smw', channel: 'teams', status: 'sent', at: later.at.toISOString() },
    ], later));
    expect(entries(d)).toEqual(['handover.phoneTask', 'handover.sent.smw']);
    expect(recordDeliveries(d.value, [{ agreementsVersion: 1, recipient: 'smw', channel: 'teams', status: 'sent', at: '' }], later)).toMatchObject({ ok: true, unchanged: true });
    expect(markParentInformed(d.value, cm, { agreementsVersion: 1 }, later)).toMatchObject({ ok: false, code: 'notAllowed' });
    const done = ok(markParentInformed(d.value, smw, { agreementsVersion: 1 }, later));
    expect(done.value.handover?.deliveries.find((x) => x.recipient === 'parent')?.status).toBe('done');
    expect(entries(done)).toEqual(['handover.parentInformed']);
    expect(markParentInformed(done.value, smw, { agreementsVersion: 1 }, later)).toMatchObject({ ok: true, unchanged: true });
    expect(markParentInformed(c, smw, { agreementsVersion: 1 }, later)).toMatchObject({ ok: false, code: 'invalidState' });
  });

  it('a mail that only reached the outbox is recorded as such, never as sent; the SMW\'er confirms mailing or calling themselves', () => {
    const c = confirmed();
    const d = ok(recordDeliveries(c, [{ agreementsVersion: 1, recipient: 'parent', channel: 'email', status: 'outbox', at: later.at.toISOString() }], later));
    expect(entries(d)).toEqual(['handover.outbox.parent']);
    const done = ok(markParentInformed(d.value, smw, { agreementsVersion: 1 }, later));
    expect(done.value.handover?.deliveries.find((x) => x.recipient === 'parent')).toMatchObject({ channel: 'email', status: 'done' });
    expect(entries(done)).toEqual(['handover.parentInformedByHand']);
    // A mail that was sent leaves nothing to confirm.
    const sent = ok(recordDeliveries(c, [{ agreementsVersion: 1, recipient: 'parent', channel: 'email', status: 'sent', at: '' }], later));
    expect(markParentInformed(sent.value, smw, { agreementsVersion: 1 }, later)).toMatchObject({ ok: false, code: 'invalidState' });
  });

  it('records how the parent heard of each version of the meeting; a move or cancellation starts a new one', () => {
    const b = booked();
    const m = b.handover!.meeting!;
    const noted = ok(recordMeetingNotice(b, m.uid, m.sequence, { channel: 'email', status: 'outbox', at: now.at.toISOString() }, now));
    expect(noted.value.handover?.meeting?.parent).toMatchObject({ status: 'outbox' });
    expect(entries(noted)).toEqual(['handover.parent.invitation.email.outbox']);
    expect(recordMeetingNotice(noted.value, m.uid, m.sequence, { channel: 'email', status: 'sent', at: '' }, now)).toMatchObject({ ok: true, unchanged: true });
    expect(recordMeetingNotice(noted.value, m.uid, 7, { channel: 'email', status: 'sent', at: '' }, now)).toMatchObject({ ok: false, code: 'invalidState' });
    expect(markParentInformed(noted.value, cm, { meetingUid: m.uid, sequence: 0 }, later)).toMatchObject({ ok: false, code: 'notAllowed' });
    const told = ok(markParentInformed(noted.value, smw, { meetingUid: m.uid, sequence: 0 }, later));
    expect(told.value.handover?.meeting?.parent).toMatchObject({ channel: 'email', status: 'done' });
    expect(entries(told)).toEqual(['handover.parent.invitation.informed']);

    const off = ok(cancelHandover(noted.value, cm, later));
    const cancelled = off.value.handover!.cancelled.at(-1)!;
    expect(cancelled.parent).toBeUndefined(); // the cancellation is news the parent has not had yet
    const phoned = ok(recordMeetingNotice(off.value, cancelled.uid, cancelled.sequence, { channel: 'phone', status: 'todo', at: '' }, later));
    expect(entries(phoned)).toEqual(['handover.parent.cancellation.phone.todo']);
    expect(entries(ok(markParentInformed(phoned.value, smw, { meetingUid: cancelled.uid, sequence: cancelled.sequence }, later)))).toEqual(['handover.parent.cancellation.informed']);
  });

  it('never lets timeline details carry personal data', () => {
    const all = [planHandover(accepted(), smw, request, { slots, basis: 'calendars' }, now), bookHandover(proposed(), cm, '1-0', { via: 'ical', uid: 'u' }, now)];
    const json = JSON.stringify(all.map((d) => (d.ok ? d.events : [])));
    for (const secret of ['Fatima', 'fatima@example.org', 'Vries']) expect(json).not.toContain(secret);
  });
});
