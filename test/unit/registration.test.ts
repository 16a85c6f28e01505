import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import type { DomainEvent } from '../../src/domain/decision.js';
import { emptyHandover } from '../../src/domain/handoverFlow.js';
import type { Referral } from '../../src/domain/referral.js';
import { agreedDateDoneEffect, participationsOf, registrationWrites, registrationEffect, registrationIncrements, shown } from '../../src/domain/registration.js';
import { besideReplaySafe } from '../../src/domain/effects.js';
import { buildYearReport } from '../../src/domain/report.js';
import { DEFAULT_SERVICE_NORMS } from '../../src/domain/serviceNorms.js';
import { makeFullReferral } from '../support/factories.js';

const ctx = { calendar: new WorkingCalendar('Europe/Amsterdam'), norms: DEFAULT_SERVICE_NORMS };
const timeline = (entry: string, detail?: Record<string, string | number>): DomainEvent => ({ type: 'timeline', entry, ...(detail ? { detail } : {}) });

const submitted = makeFullReferral({ state: 'submitted', version: 7, routing: { wijkteamId: 'wt-feijenoord', source: 'postcode' }, submittedAt: '2026-03-02T09:00:00.000Z' });
const accepted: Referral = { ...submitted, state: 'accepted', version: 8, acceptedAt: '2026-03-11T10:00:00.000Z', caseManager: { aadObjectId: 'cm-1', name: 'Karim' } };

describe('registrationIncrements', () => {
  it('counts a submission in the school × wijkteam × month of the transition, without personal data', () => {
    const [inc, ...rest] = registrationIncrements(undefined, submitted, [timeline('submitted')], new Date('2026-03-02T09:00:00Z'), ctx);
    expect(rest).toEqual([]);
    expect(inc).toEqual({ cell: { period: '2026', month: '2026-03', school: 'OBS De Regenboog', wijkteamId: 'wt-feijenoord' }, counts: { sent: 1 }, key: `${submitted.referralId}:7:wt-feijenoord` });
    expect(JSON.stringify(inc)).not.toMatch(/Noa|Vries|Fatima|smw-1/);
  });

  it('measures acceptance against the norm in working days (Mon 2 → Wed 11 March: 7 working days, missed)', () => {
    const [inc] = registrationIncrements(submitted, accepted, [timeline('accepted')], new Date(accepted.acceptedAt!), ctx);
    expect(inc!.counts).toEqual({ accepted: 1, norm_accept_missed: 1, norm_accept_daysSum: 7, norm_accept_daysCount: 1 });
  });

  it('measures the warme overdracht and the agreements on the first confirmation only', () => {
    const handover = {
      ...emptyHandover(),
      meeting: { slotId: '1-0', start: '2026-03-16T09:00:00.000Z', end: '2026-03-16T10:00:00.000Z', via: 'ical' as const, uid: 'u', sequence: 0, bookedAt: '', bookedBy: '' },
      agreements: [{ version: 1, agreements: {} as never, updatedAt: '', draftedBy: { aadObjectId: 'cm-1', name: 'K' }, confirmedAt: '2026-03-26T09:00:00.000Z' }],
    } as unknown as Referral['handover'];
    const after: Referral = { ...accepted, state: 'agreementsConfirmed', version: 12, handover };
    const [inc] = registrationIncrements(accepted, after, [timeline('handover.confirmed', { version: 1 })], new Date('2026-03-26T09:00:00Z'), ctx);
    expect(inc!.counts).toEqual({
      norm_handover_met: 1, norm_handover_daysSum: 3, norm_handover_daysCount: 1,
      norm_agreements_missed: 1, norm_agreements_daysSum: 8, norm_agreements_daysCount: 1,
    });
    expect(registrationIncrements(accepted, after, [timeline('handover.confirmed', { version: 2 })], new Date(), ctx)).toEqual([]);
  });

  it('counts a redirect at the wijkteam it leaves', () => {
    const after: Referral = { ...submitted, version: 9, routing: { wijkteamId: 'wt-charlois', source: 'manual' } };
    const incs = registrationIncrements(submitted, after, [timeline('redirected', { from: 'wt-feijenoord', to: 'wt-charlois' })], new Date('2026-03-03T09:00:00Z'), ctx);
    expect(incs.map((i) => [i.cell.wijkteamId, i.counts])).toEqual([['wt-feijenoord', { redirected: 1 }]]);
  });

  it('counts an agreed date done on or before its day as on time, after it as late, once per agreement', () => {
    const doneAt = (at: string) => {
      const effect = agreedDateDoneEffect(accepted, { agreementId: 'feedback-0', date: '2026-04-10' }, ctx.calendar.localDate(new Date(at)));
      if (effect?.kind !== 'countRegistration' || !effect.increments[0]) throw new Error('no count');
      return effect.increments[0];
    };
    const onTime = doneAt('2026-04-10T20:00:00Z');
    const late = doneAt('2026-04-10T22:30:00Z');
    expect(onTime.counts).toEqual({ agreedOnTime: 1 });
    expect(late.counts).toEqual({ agreedLate: 1 }); // 00:30 on 11 April in Amsterdam
    expect(onTime.key).toBe(late.key);
    expect(late.cell.month).toBe('2026-04');
  });

  it('writes each professional with the counts of their cell; one without counts of that cell on their own', () => {
    const cell = { period: '2026', month: '2026-03', school: 'S', wijkteamId: 'w1' };
    const inc = { cell, counts: { accepted: 1 }, key: 'k' };
    const cm = { period: '2026', aadObjectId: 'cm', role: 'caseManager' as const, school: 'S', wijkteamId: 'w1' };
    const elsewhere = { ...cm, aadObjectId: 'smw', role: 'smw' as const, wijkteamId: 'w2' };
    expect(registrationWrites([inc], [cm, elsewhere])).toEqual({ cells: [{ increment: inc, people: [cm] }], alone: [elsewhere] });
    // Two increments of the same cell: the professional goes with the first only.
    expect(registrationWrites([inc, { ...inc, key: 'k2' }], [cm]).cells.map((c) => c.people)).toEqual([[cm], []]);
  });

  it('ignores transitions without timeline entries (a saved draft section)', () => {
    expect(registrationIncrements(undefined, submitted, [{ type: 'audit', action: 'referral.sectionSaved' }], new Date(), ctx)).toEqual([]);
  });

  it('names the SMW\'er at submission and the casusregisseur at acceptance as participants', () => {
    expect(participationsOf(submitted, [timeline('submitted')], new Date('2026-03-02T09:00:00Z'), ctx).map((p) => [p.role, p.aadObjectId])).toEqual([['smw', 'smw-1']]);
    expect(participationsOf(accepted, [timeline('accepted')], new Date('2026-03-11T09:00:00Z'), ctx).map((p) => [p.role, p.aadObjectId])).toEqual([['caseManager', 'cm-1']]);
  });
});

describe('buildYearReport', () => {
  const cell = (school: string, wijkteamId: string, month: string, counts: Record<string, number>) => ({ period: month.slice(0, 4), month, school, wijkteamId, counts });
  const report = buildYearReport(
    '2026',
    [
      cell('A', 'w1', '2026-01', { sent: 10, accepted: 8 }),
      cell('A', 'w2', '2026-02', { sent: 6 }),
      cell('A', 'w3', '2026-02', { sent: 5 }),
      cell('B', 'w1', '2026-02', { sent: 30 }),
      cell('C', 'w1', '2026-03', { sent: 3 }),
      cell('D', 'w1', '2025-12', { sent: 99 }),
    ],
    DEFAULT_SERVICE_NORMS,
    { minCaseload: 20, minWijkteams: 3 },
  );

  it('ranks schools by caseload and marks those meeting both criteria', () => {
    expect(report.xtra.map((r) => [r.rank, r.school, r.caseload, r.wijkteams, r.candidate])).toEqual([
      [1, 'B', 30, 1, false],
      [2, 'A', 21, 3, true],
      [3, 'C', 3, 1, false],
    ]);
  });

  it('sums per month and in total', () => {
    expect(report.totals).toEqual({ sent: 54, accepted: 8 });
    expect(report.months.find((m) => m.month === '2026-02')!.counts).toEqual({ sent: 41 });
    expect(report.months).toHaveLength(12);
  });

  it('suppresses small counts for output', () => {
    expect([0, 1, 4, 5, 12].map((n) => shown(n, 5))).toEqual(['0', '<5', '<5', '5', '12']);
  });
});

describe('the registration as an effect of the decision', () => {
  it('a counting transition carries its increments and participants as data; one that counts nothing has no effect', () => {
    const at = new Date(accepted.acceptedAt!);
    const effect = registrationEffect(submitted, accepted, [timeline('accepted')], at, ctx);
    expect(effect).toEqual({ kind: 'countRegistration', increments: registrationIncrements(submitted, accepted, [timeline('accepted')], at, ctx), participations: participationsOf(accepted, [timeline('accepted')], at, ctx) });
    expect(effect?.kind === 'countRegistration' && effect.participations.map((p) => p.role)).toEqual(['caseManager']);
    expect(registrationEffect(submitted, { ...submitted, version: 8 }, [{ type: 'audit', action: 'viewed' }], at, ctx)).toBeUndefined();
  });

  it('goes right after the first effect whose repeat is harmless, so it is committed with it; else last', () => {
    const count = { kind: 'countRegistration' as const, increments: [], participations: [] };
    expect(besideReplaySafe([{ kind: 'postIntakeCard', wijkteamId: 'w' }, { kind: 'planReminders', trigger: 'referralSubmitted' }, { kind: 'refreshHandoverCards' }], count).map((e) => e.kind)).toEqual(['postIntakeCard', 'planReminders', 'countRegistration', 'refreshHandoverCards']);
    expect(besideReplaySafe([{ kind: 'mailParent', template: 't' }], count).map((e) => e.kind)).toEqual(['mailParent', 'countRegistration']);
    expect(besideReplaySafe([], count).map((e) => e.kind)).toEqual(['countRegistration']);
  });

  it('an agreed date marked done from its reminder: its on-time or late count on that local day; none for a reminder without an agreed date', () => {
    const late = agreedDateDoneEffect(accepted, { agreementId: 'feedback0', date: '2026-03-19' }, '2026-03-20');
    expect(late).toMatchObject({ kind: 'countRegistration', increments: [{ cell: { period: '2026', month: '2026-03' } }], participations: [] });
    expect(late?.kind === 'countRegistration' && late.increments[0]?.counts).toEqual({ agreedLate: 1 });
    const onTime = agreedDateDoneEffect(accepted, { agreementId: 'feedback0', date: '2026-03-19T10:00' }, '2026-03-19');
    expect(onTime?.kind === 'countRegistration' && onTime.increments[0]?.counts).toEqual({ agreedOnTime: 1 });
    expect(agreedDateDoneEffect(accepted, {}, '2026-03-20')).toBeUndefined();
  });
});
