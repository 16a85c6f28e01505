import { describe, expect, it } from 'vitest';
import { afterAttempt, dueEffects, enqueue, withoutEntries, withState, type Effect } from '../../../src/domain/effects.js';
import { decline, redirect, submit, takeOn } from '../../../src/domain/intake.js';
import { effectSettled } from '../../../src/domain/effectResults.js';
import { intakeDelivery } from '../../../src/domain/intakeDelivery.js';
import { chooseWijkteam, DistrictMap } from '../../../src/domain/routing.js';
import { EVALUATION_AGREEMENT_ID, reminderMarkedDone } from '../../../src/domain/lifecycle.js';
import { agreedDateDoneEffect } from '../../../src/domain/registration.js';
import { makeFullReferral } from '../../support/factories.js';

const now = { at: new Date('2026-11-23T09:00:00Z'), today: '2026-11-23' };
const smw = { aadObjectId: 'smw-1', name: 'Sanne Smit', tenantId: 'tenant-1' };
const cmd = { expectedVersion: 5, wijkteamId: 'feijenoord', source: 'postcode' as const, district: 'Feijenoord', acceptBy: '2026-11-30', cardActivityId: 'card-1' };
const retry = { maxAttempts: 3, baseMs: 1_000, maxMs: 4_000 };

describe('submit decides its effects as data', () => {
  it('asks for the intake card in the wijkteam channel (remembering the SMW\'er card) and the service-norm reminders', () => {
    const decision = submit(makeFullReferral(), smw, cmd, now);
    expect(decision.ok && decision.effects).toEqual([
      { kind: 'postIntakeCard', wijkteamId: 'feijenoord', smwCardActivityId: 'card-1' },
      { kind: 'planReminders', trigger: 'referralSubmitted' },
    ]);
  });

  it('a repeated submit asks for nothing again', () => {
    const first = submit(makeFullReferral(), smw, cmd, now);
    if (!first.ok) throw new Error('refused');
    const again = submit(first.value, smw, cmd, now);
    expect(again.ok && again.unchanged).toBe(true);
    expect(again.ok && again.effects).toBeUndefined();
  });

  it('the wijkteam choice: a known chosen wijkteam wins, else the postcode\'s', () => {
    const map = new DistrictMap([
      { postcode4: '3072', district: 'Feijenoord', wijkteamId: 'feijenoord', wijkteamName: 'Wijkteam Feijenoord' },
      { postcode4: '3083', district: 'Charlois', wijkteamId: 'charlois', wijkteamName: 'Wijkteam Charlois' },
    ]);
    expect(chooseWijkteam(map, '3072 AB', undefined)).toEqual({ wijkteamId: 'feijenoord', source: 'postcode', district: 'Feijenoord' });
    expect(chooseWijkteam(map, '3072 AB', 'charlois')).toEqual({ wijkteamId: 'charlois', source: 'manual' });
    expect(chooseWijkteam(map, '3072 AB', 'nowhere')).toEqual({ wijkteamId: 'feijenoord', source: 'postcode', district: 'Feijenoord' });
    expect(chooseWijkteam(map, '9999 ZZ', undefined).wijkteamId).toBeUndefined();
  });
});

describe('the outbox', () => {
  const decision = submit(makeFullReferral(), smw, cmd, now);
  if (!decision.ok) throw new Error('refused');
  const at = now.at.toISOString();
  const outbox = enqueue(undefined, 'r1', 'smw-1', decision.events, decision.effects ?? [], at);

  it('gives every effect and entry a stable id: the same decision enqueued again gets the same ids', () => {
    const again = enqueue(undefined, 'r1', 'smw-1', decision.events, decision.effects ?? [], at);
    expect(outbox.effects.map((e) => e.id)).toEqual(['r1:1:0', 'r1:1:1']);
    expect(outbox.entries.map((e) => e.id)).toEqual(['r1:1:e0', 'r1:1:e1']);
    expect(again).toEqual(outbox);
    expect(outbox.effects.every((e) => e.state.status === 'pending' && e.dueAt === at)).toBe(true);
    expect(outbox.nextAt).toBe(at);
  });

  it('a later decision continues the sequence, so ids never repeat', () => {
    const next = enqueue(outbox, 'r1', 'schakel', [], [{ kind: 'updateIntakeCard' }], at);
    expect(next.effects.map((e) => e.id)).toEqual(['r1:1:0', 'r1:1:1', 'r1:2:0']);
  });

  it('retries with doubling back-off, then fails for good', () => {
    const effect = outbox.effects[0] as Effect;
    const fail = { ok: false as const, retryable: true, reason: '500' };
    const first = afterAttempt(effect, fail, retry, now.at);
    expect(first).toEqual({ status: 'retrying', attempt: 1, nextAt: '2026-11-23T09:00:01.000Z', reason: '500' });
    const second = afterAttempt({ ...effect, state: first }, fail, retry, now.at);
    expect(second).toMatchObject({ status: 'retrying', attempt: 2, nextAt: '2026-11-23T09:00:02.000Z' });
    expect(afterAttempt({ ...effect, state: second }, fail, retry, now.at)).toEqual({ status: 'failed', reason: '500', at });
    expect(afterAttempt(effect, { ok: false, retryable: false, reason: 'appRemoved' }, retry, now.at).status).toBe('failed');
  });


  it('a done effect is never due again; a retrying one is due at its time', () => {
    const done = withState(outbox, 'r1:1:0', { status: 'done', at });
    expect(dueEffects(done, at).map((e) => e.id)).toEqual(['r1:1:1']);
    const later = withState(outbox, 'r1:1:0', { status: 'retrying', attempt: 1, nextAt: '2026-11-23T09:05:00.000Z', reason: '500' });
    expect(dueEffects(later, at).map((e) => e.id)).toEqual(['r1:1:1']);
    expect(dueEffects(later, '2026-11-23T09:05:00.000Z').map((e) => e.id)).toEqual(['r1:1:1', 'r1:1:0']);
  });

  it('written entries leave the outbox; with nothing open, nothing is due', () => {
    const settled = withoutEntries(withState(withState(outbox, 'r1:1:0', { status: 'done', at }), 'r1:1:1', { status: 'done', at }), new Set(['r1:1:e0', 'r1:1:e1']));
    expect(settled.entries).toEqual([]);
    expect(settled.nextAt).toBeUndefined();
  });
});

describe('the intake post comes back through the domain', () => {
  const submitted = submit(makeFullReferral(), smw, cmd, now);
  if (!submitted.ok) throw new Error('refused');
  const outbox = enqueue(undefined, submitted.value.referralId, 'smw-1', [], submitted.effects ?? [], now.at.toISOString());
  const referral = { ...submitted.value, outbox };
  const post = outbox.effects[0] as Effect;
  const refresh = { kind: 'refreshCaseCards' };

  it('delivered: records where the card went, puts it on the timeline and refreshes the SMW\'er\'s case card', () => {
    const state = { status: 'done' as const, at: now.at.toISOString() };
    const intakePost = { wijkteamId: 'feijenoord', conversationId: 'ch', activityId: 'a1', postedAt: now.at.toISOString() };
    const d = effectSettled({ ...referral, outbox: withState(outbox, post.id, state) }, post, state, { intakePost }, now);
    expect(d.value.intakePost).toEqual(intakePost);
    expect(d.value.version).toBe(referral.version + 1);
    expect(d.events).toEqual([{ type: 'timeline', entry: 'intakePosted', detail: { wijkteam: 'feijenoord' } }]);
    // The card the SMW'er sent it from is their live case card: refreshed, not updated by a card of its own.
    expect(d.value.caseCards).toEqual([{ aadObjectId: 'smw-1', activityId: 'card-1' }]);
    expect(d.effects).toEqual([refresh]);
    expect(intakeDelivery(d.value)).toBe('delivered');
  });

  it('first failure: the SMW\'er is told it is not delivered yet, once', () => {
    const state = { status: 'retrying' as const, attempt: 1, nextAt: '2026-11-23T09:00:01.000Z', reason: '500' };
    const d = effectSettled({ ...referral, outbox: withState(outbox, post.id, state) }, post, state, {}, now);
    expect(d.effects).toEqual([refresh]);
    expect(intakeDelivery(d.value)).toBe('retrying');
    expect(effectSettled(referral, post, { ...state, attempt: 2 }, {}, now).effects ?? []).toEqual([]);
    // A referral sent before the case cards: the card it was sent from becomes its case card.
    const older = effectSettled({ ...referral, caseCards: undefined, outbox: withState(outbox, post.id, state) }, post, state, {}, now);
    expect(older.value.caseCards).toEqual([{ aadObjectId: 'smw-1', activityId: 'card-1' }]);
    expect(older.effects).toEqual([refresh]);
  });

  it('given up: the SMW\'er and the coordinator are told, and the timeline says so', () => {
    const state = { status: 'failed' as const, reason: '500', at: now.at.toISOString() };
    const d = effectSettled({ ...referral, outbox: withState(outbox, post.id, state) }, post, state, {}, now);
    expect(d.effects).toEqual([{ kind: 'escalate', to: 'coordinator', messageKey: 'effects.intakeFailed.coordinator', params: { number: 'AM-7K3QX2', wijkteam: 'feijenoord' } }, refresh]);
    expect(d.events).toEqual([{ type: 'timeline', entry: 'intakePostFailed', detail: { wijkteam: 'feijenoord' } }]);
    expect(intakeDelivery(d.value)).toBe('failed');
  });

  it('before anything happened the card says it is being delivered', () => {
    expect(intakeDelivery(referral)).toBe('pending');
  });
});

describe('the wijkteam\'s answers decide their effects as data', () => {
  const cm = { aadObjectId: 'cm-1', name: 'Karim Wijkteam', tenantId: 'tenant-1' };
  const intakePost = { wijkteamId: 'feijenoord', conversationId: 'ch-f', activityId: 'a1', postedAt: now.at.toISOString() };
  const submitted = makeFullReferral({ state: 'submitted', routing: { wijkteamId: 'feijenoord', source: 'postcode' }, intakePost });

  it('take-on: the channel card for everyone, reminders, and a planning card for each professional; the SMW\'er\'s says who took it on, in the same message', () => {
    const d = takeOn(submitted, cm, { isMember: true }, now);
    expect(d.ok && d.effects).toEqual([
      { kind: 'updateIntakeCard' },
      { kind: 'planReminders', trigger: 'referralAccepted' },
      { kind: 'offerHandoverPlanning', aadObjectId: 'smw-1', intro: { messageKey: 'accepted.toSmw', params: { number: 'AM-7K3QX2', name: 'Karim Wijkteam' } } },
      { kind: 'offerHandoverPlanning', aadObjectId: 'cm-1' },
    ]);
    // A repeated click by the same casusregisseur asks for nothing again; a refusal for nothing at all.
    if (!d.ok) throw new Error('refused');
    const again = takeOn(d.value, cm, { isMember: true }, now);
    expect(again.ok && again.unchanged && again.effects).toBeUndefined();
    expect(takeOn(submitted, cm, { isMember: false }, now)).toEqual({ ok: false, code: 'notAllowed' });
  });

  it('redirect: the old card says where it went, the SMW\'er is told (wijkteams by name), the new channel gets the intake', () => {
    const d = redirect(submitted, cm, { isMember: true, to: 'charlois', reason: 'Verhuisd.' }, now);
    expect(d.ok && d.value.intakePost).toBeUndefined();
    expect(d.ok && d.effects).toEqual([
      { kind: 'updateIntakeCard', post: { wijkteamId: 'feijenoord', conversationId: 'ch-f', activityId: 'a1' }, redirectedTo: 'charlois' },
      { kind: 'notifyPerson', aadObjectId: 'smw-1', messageKey: 'redirected.toSmw', params: { number: 'AM-7K3QX2', from: 'feijenoord', to: 'charlois' }, wijkteamParams: ['from', 'to'], referralId: submitted.referralId },
      { kind: 'postIntakeCard', wijkteamId: 'charlois' },
    ]);
  });

  it('decline: the channel card shows it, the SMW\'er gets the reason and advice as a card', () => {
    const d = decline(submitted, cm, { isMember: true, reason: 'Eerst de jeugdarts.', advice: 'Overleg met het CJG.' }, now);
    // Declined is not "not yet accepted": the acceptance norm's escalations are withdrawn.
    expect(d.ok && d.effects).toEqual([{ kind: 'updateIntakeCard' }, { kind: 'updatePersonCard', aadObjectId: 'smw-1', view: 'declined' }, { kind: 'cancelReminders', trigger: 'referralDeclined' }]);
  });

  it('a planning card that reached a professional is remembered (with their e-mail address); one that did not, is not', () => {
    const taken = takeOn(submitted, cm, { isMember: true }, now);
    if (!taken.ok) throw new Error('refused');
    const outbox = enqueue(undefined, submitted.referralId, 'cm-1', [], taken.effects ?? [], now.at.toISOString());
    const offer = outbox.effects.find((e) => e.kind === 'offerHandoverPlanning' && e.aadObjectId === 'cm-1')!;
    const done = { status: 'done' as const, at: now.at.toISOString() };
    const d = effectSettled({ ...taken.value, outbox }, offer, done, { handoverCard: { aadObjectId: 'cm-1', activityId: 'card-9' }, email: 'karim@wijkteam.example' }, now);
    expect(d.value.handover?.cards).toEqual([{ aadObjectId: 'cm-1', activityId: 'card-9' }]);
    expect(d.value.caseManager?.email).toBe('karim@wijkteam.example');
    expect(d.events).toEqual([{ type: 'timeline', entry: 'handover.offered' }]);
    const failed = effectSettled({ ...taken.value, outbox }, offer, { status: 'failed', reason: 'appRemoved', at: '' }, {}, now);
    expect(failed.value.handover).toBeUndefined();
    // Not remembered; and since it failed for good, the SMW'er hears that the casusregisseur did not get it.
    expect(failed.events).toEqual([{ type: 'timeline', entry: 'deliveryProblem.caseManager', detail: { role: 'caseManager' } }]);
    expect(failed.effects).toContainEqual({ kind: 'tellDeliveryProblem', problem: { what: 'message', role: 'caseManager', kind: 'offerHandoverPlanning' } });
  });
});

describe('a reminder marked done decides what follows as data', () => {
  const done = { reminderId: 'r-1:feedback0:2026-12-10', label: 'agreement.feedback', role: 'caseManager', note: 'Gebeld met school', agreementId: 'feedback0', date: '2026-12-10' };

  it('an agreed date: the timeline keeps the note, the audit only that there was one, and the escalations for that date are withdrawn', () => {
    const r = makeFullReferral({ state: 'agreementsConfirmed' });
    const decision = reminderMarkedDone(r, done, now);
    if (!decision.ok) throw new Error('refused');
    expect(decision.value).toBe(r);
    expect(decision.events).toEqual([
      { type: 'timeline', entry: 'reminder.done', detail: { reminderId: done.reminderId, label: 'agreement.feedback', note: 'Gebeld met school' } },
      { type: 'audit', action: 'reminder.done', detail: { reminderId: done.reminderId, role: 'caseManager', hasNote: true } },
    ]);
    // The registration counts the date, done on 23 November for 10 December: on time.
    expect(decision.effects).toEqual([{ kind: 'withdrawEscalations', agreementId: 'feedback0', date: '2026-12-10' }, agreedDateDoneEffect(r, done, now.today)]);
    expect(decision.effects?.[1]?.kind === 'countRegistration' && decision.effects[1].increments.map((i) => i.counts)).toEqual([{ agreedOnTime: 1 }]);
  });

  it("the evaluation's reminder: the evaluation was held, nazorg starts and its close prompt is planned", () => {
    const r = makeFullReferral({ state: 'agreementsConfirmed' });
    const evaluation = { ...done, agreementId: EVALUATION_AGREEMENT_ID, note: undefined };
    const decision = reminderMarkedDone(r, evaluation, now);
    if (!decision.ok) throw new Error('refused');
    expect(decision.value.state).toBe('aftercare');
    expect(decision.events.map((e) => (e.type === 'timeline' ? e.entry : e.action))).toEqual(['reminder.done', 'reminder.done', 'aftercare', 'referral.aftercare']);
    expect(decision.effects).toEqual([
      { kind: 'withdrawEscalations', agreementId: EVALUATION_AGREEMENT_ID, date: '2026-12-10' },
      agreedDateDoneEffect(r, evaluation, now.today),
      { kind: 'planReminders', trigger: 'aftercareStarted' },
    ]);
  });

  it('a reminder about no agreement (a service norm) is only recorded; in nazorg already, the evaluation changes nothing more', () => {
    const norm = reminderMarkedDone(makeFullReferral({ state: 'accepted' }), { reminderId: 'r-1:norm', role: 'smw' }, now);
    expect(norm.ok && norm.effects).toEqual([]);
    const inAftercare = makeFullReferral({ state: 'aftercare' });
    const again = reminderMarkedDone(inAftercare, { ...done, agreementId: EVALUATION_AGREEMENT_ID }, now);
    expect(again.ok && again.value.state).toBe('aftercare');
    expect(again.ok && again.effects).toEqual([{ kind: 'withdrawEscalations', agreementId: EVALUATION_AGREEMENT_ID, date: '2026-12-10' }, agreedDateDoneEffect(inAftercare, { ...done, agreementId: EVALUATION_AGREEMENT_ID }, now.today)]);
  });
});
