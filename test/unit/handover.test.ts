import { describe, expect, it } from 'vitest';
import {
  AGREEMENTS_FIELDS,
  PLAN_REQUEST_FIELDS,
  PlanRequestSchema,
  agreedDates,
  agreementsSchema,
  agreementsToCardValues,
  confirmAgreements,
  confirmedAgreements,
  draftAgreements,
  planRequestSchema,
  toParentAvailability,
  type Agreements,
  type AgreementsRecord,
} from '../../src/domain/handover.js';
import { validate } from '../../src/domain/validation.js';
import { handover as texts } from '../../src/i18n/handover.js';
import { common } from '../../src/i18n/common.js';

const TODAY = '2026-11-20';

/** Card data as Teams sends it: strings only, plus the action's own keys. */
function planCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    verb: 'handover.plan',
    referralId: 'r-1',
    parentAvailability: '1-ochtend,3-middag',
    meetingForm: 'school',
    durationMinutes: '',
    pupilJoins: 'false',
    parentName: 'A. de Vries',
    parentEmail: 'Ouder@Example.NL',
    parentPhone: '',
    ...overrides,
  };
}

function agreementsCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    verb: 'handover.agreements',
    present: 'smw,caseManager,parent',
    feedback0To: 'smw',
    feedback0How: 'teams',
    feedback0Date: '2026-12-01',
    feedback0Time: '10:00',
    feedback1To: 'schoolContact',
    feedback1How: 'sot-ozo',
    feedback1Date: '2026-12-10',
    feedback1Time: '',
    feedback2To: '',
    feedback2How: '',
    feedback2Date: '',
    feedback2Time: '',
    evaluationDate: '2027-01-15',
    evaluationWith: 'smw,parent,caseManager',
    aftercareWhat: 'Wekelijks contact met de mentor',
    aftercareWho: 'schoolContact',
    aftercareUntil: '2027-03-01',
    parentsAgree: 'true',
    pupilAgrees: '',
    otherAgreements: '',
    ...overrides,
  };
}

const errorsOf = (result: ReturnType<typeof validate>) => (result.ok ? {} : result.errors);
const plan = (o: Record<string, unknown> = {}) => validate(PlanRequestSchema, planCard(o));
const agreements = (o: Record<string, unknown> = {}) => validate(agreementsSchema(TODAY), agreementsCard(o));

function parsedAgreements(o: Record<string, unknown> = {}): Agreements {
  const r = agreements(o);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe('PlanRequestSchema', () => {
  it('parses the card strings into a typed request with defaults', () => {
    const r = plan();
    expect(r).toEqual({
      ok: true,
      value: {
        availability: { weekly: [{ weekday: 1, part: 'ochtend' }, { weekday: 3, part: 'middag' }], windows: [] },
        meetingForm: 'school',
        durationMinutes: 60,
        pupilJoins: false,
        parent: { name: 'A. de Vries', email: 'ouder@example.nl' },
      },
    });
  });

  it('reads the toggle, the duration and de-duplicates the multi-select', () => {
    const r = plan({ pupilJoins: 'true', durationMinutes: '90', parentAvailability: ' 5-avond , 5-avond' });
    expect(r.ok && r.value).toMatchObject({ pupilJoins: true, durationMinutes: 90, availability: { weekly: [{ weekday: 5, part: 'avond' }] } });
  });

  it.each([
    ['06 12345678', '+31612345678'],
    ['+31 6 12345678', '+31612345678'],
    ['0031 6 1234 5678', '+31612345678'],
    ['+31 (0)6-12345678', '+31612345678'],
    ['010-1234567', '+31101234567'],
  ])('accepts the Dutch phone number %s', (input, e164) => {
    const r = plan({ parentEmail: '', parentPhone: input });
    expect(r.ok && r.value.parent).toEqual({ name: 'A. de Vries', phone: e164 });
  });

  it.each(['12345', '06 1234567', '+32 470 12 34 56', '06 12345678 9'])('rejects the phone number %s on parentPhone', (input) => {
    expect(errorsOf(plan({ parentPhone: input }))).toEqual({ parentPhone: 'v.phone' });
  });

  it('requires an e-mail address or a phone number, reported on parentPhone', () => {
    expect(errorsOf(plan({ parentEmail: '', parentPhone: '  ' }))).toEqual({ parentPhone: 'v.handover.contactRequired' });
  });

  it('reports an invalid e-mail address on parentEmail', () => {
    expect(errorsOf(plan({ parentEmail: 'ouder@' }))).toEqual({ parentEmail: 'v.email' });
  });

  it('requires the parent name and a meeting form from the list', () => {
    expect(errorsOf(plan({ parentName: ' ', meetingForm: '' }))).toEqual({ parentName: 'v.required', meetingForm: 'v.required' });
    expect(errorsOf(plan({ meetingForm: 'zoom' }))).toEqual({ meetingForm: 'v.choose' });
  });

  it.each(['10', '241', 'abc', '60.5'])('rejects the duration %s', (d) => {
    expect(errorsOf(plan({ durationMinutes: d }))).toEqual({ durationMinutes: 'v.handover.duration' });
  });

  it('rejects a toggle value that is not true/false', () => {
    expect(errorsOf(plan({ pupilJoins: 'yes' }))).toEqual({ pupilJoins: 'v.invalid' });
  });

  it('requires some availability, and only known choices', () => {
    expect(errorsOf(plan({ parentAvailability: '' }))).toEqual({ parentAvailability: 'v.handover.availabilityRequired' });
    expect(errorsOf(plan({ parentAvailability: '6-ochtend' }))).toEqual({ parentAvailability: 'v.choose' });
  });

  it('accepts free windows instead of weekly parts', () => {
    const r = plan({ parentAvailability: '', window1Date: '2026-11-25', window1Start: '13:15', window1End: '15:00' });
    expect(r.ok && r.value.availability).toEqual({ weekly: [], windows: [{ date: '2026-11-25', start: '13:15', end: '15:00' }] });
  });

  it('reports every problem of incomplete or wrong windows on its own field', () => {
    const r = plan({
      window0Date: '2026-11-25', window0Start: '15:00', window0End: '14:00',
      window1Date: '2026-11-26',
      window2Date: '2026-11-27', window2Start: '9:00', window2End: '25:00',
    });
    expect(errorsOf(r)).toEqual({
      window0End: 'v.handover.windowOrder',
      window1Start: 'v.required',
      window1End: 'v.required',
      window2Start: 'v.handover.time',
      window2End: 'v.handover.time',
    });
  });

  it('with today given, refuses windows that are not in the future', () => {
    const r = validate(planRequestSchema(TODAY), planCard({ window0Date: TODAY, window0Start: '13:00', window0End: '14:00' }));
    expect(errorsOf(r)).toEqual({ window0Date: 'v.dateInPast' });
  });

  it('reports all field errors at once', () => {
    expect(errorsOf(plan({ parentEmail: 'x', durationMinutes: '5', meetingForm: 'zoom' }))).toEqual({
      parentEmail: 'v.email',
      durationMinutes: 'v.handover.duration',
      meetingForm: 'v.choose',
    });
  });

  it('resolves windows in local time for slot matching (CEST after the March change)', () => {
    const a = toParentAvailability({ weekly: [], windows: [{ date: '2026-03-30', start: '09:00', end: '11:00' }] }, 'Europe/Amsterdam');
    expect(a.windows?.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([['2026-03-30T07:00:00.000Z', '2026-03-30T09:00:00.000Z']]);
  });

  it('documents only field ids the schema reads', () => {
    expect(PLAN_REQUEST_FIELDS).toContain('window2End');
    expect(new Set(PLAN_REQUEST_FIELDS).size).toBe(PLAN_REQUEST_FIELDS.length);
  });
});

describe('agreementsSchema', () => {
  it('parses a complete card', () => {
    expect(parsedAgreements()).toEqual({
      present: ['smw', 'caseManager', 'parent'],
      feedback: [
        { slot: 0, to: 'smw', how: 'teams', date: '2026-12-01', time: '10:00' },
        { slot: 1, to: 'schoolContact', how: 'sot-ozo', date: '2026-12-10' },
      ],
      evaluation: { date: '2027-01-15', with: ['smw', 'parent', 'caseManager'] },
      aftercare: { what: 'Wekelijks contact met de mentor', who: 'schoolContact', until: '2027-03-01' },
      parentsAgree: true,
    });
  });

  it('keeps the card row of a feedback item, also when earlier rows are empty', () => {
    const a = parsedAgreements({ feedback0To: '', feedback0How: '', feedback0Date: '', feedback0Time: '', feedback1To: '', feedback1How: '', feedback1Date: '', feedback2To: 'smw', feedback2How: 'phone', feedback2Date: '2026-12-02' });
    expect(a.feedback).toEqual([{ slot: 2, to: 'smw', how: 'phone', date: '2026-12-02' }]);
  });

  it('requires at least one feedback row, reported on feedback0To', () => {
    const empty = { feedback0To: '', feedback0How: '', feedback0Date: '', feedback0Time: '', feedback1To: '', feedback1How: '', feedback1Date: '' };
    expect(errorsOf(agreements(empty))).toEqual({ feedback0To: 'v.handover.feedbackRequired' });
  });

  it('requires a started feedback row to be complete', () => {
    expect(errorsOf(agreements({ feedback2Time: '09:00' }))).toEqual({
      feedback2To: 'v.required',
      feedback2How: 'v.required',
      feedback2Date: 'v.required',
    });
  });

  it('checks the feedback choices, date and time', () => {
    expect(errorsOf(agreements({ feedback0To: 'caseManager', feedback0How: 'fax', feedback0Date: '2026-02-30', feedback0Time: '9:00' }))).toEqual({
      feedback0To: 'v.choose',
      feedback0How: 'v.choose',
      feedback0Date: 'v.date',
      feedback0Time: 'v.handover.time',
    });
  });

  it('requires every date to lie after today', () => {
    expect(errorsOf(agreements({ feedback0Date: TODAY }))).toEqual({ feedback0Date: 'v.dateInPast' });
    expect(errorsOf(agreements({ feedback1Date: '2026-11-19' }))).toEqual({ feedback1Date: 'v.dateInPast' });
    expect(errorsOf(agreements({ aftercareUntil: '2026-01-01' }))).toMatchObject({ aftercareUntil: 'v.dateInPast' });
  });

  it('requires the evaluation after the first feedback date (not after all of them)', () => {
    expect(errorsOf(agreements({ evaluationDate: '2026-12-01' }))).toEqual({ evaluationDate: 'v.handover.evaluationAfterFeedback' });
    expect(errorsOf(agreements({ evaluationDate: '2026-11-30' }))).toEqual({ evaluationDate: 'v.handover.evaluationAfterFeedback' });
    expect(agreements({ evaluationDate: '2026-12-05' }).ok).toBe(true); // between the two feedback dates
  });

  it('requires the end of aftercare after the evaluation', () => {
    expect(errorsOf(agreements({ aftercareUntil: '2027-01-15' }))).toEqual({ aftercareUntil: 'v.handover.aftercareAfterEvaluation' });
    expect(errorsOf(agreements({ aftercareUntil: '2027-01-14' }))).toEqual({ aftercareUntil: 'v.handover.aftercareAfterEvaluation' });
  });

  it('limits the free texts', () => {
    expect(errorsOf(agreements({ aftercareWhat: 'x'.repeat(501), otherAgreements: 'y'.repeat(2001) }))).toEqual({
      aftercareWhat: 'v.tooLong',
      otherAgreements: 'v.tooLong',
    });
    expect(agreements({ aftercareWhat: 'x'.repeat(500), otherAgreements: 'y'.repeat(2000) }).ok).toBe(true);
  });

  it('requires who attended, the evaluation, the aftercare and the parents’ answer', () => {
    const r = agreements({ present: '', evaluationDate: '', evaluationWith: '', aftercareWhat: ' ', aftercareWho: '', aftercareUntil: '', parentsAgree: undefined });
    expect(errorsOf(r)).toEqual({
      present: 'v.required',
      evaluationDate: 'v.required',
      evaluationWith: 'v.required',
      aftercareWhat: 'v.required',
      aftercareWho: 'v.required',
      aftercareUntil: 'v.required',
      parentsAgree: 'v.required',
    });
  });

  it('only accepts roles that can attend, and school-side roles for aftercare', () => {
    expect(errorsOf(agreements({ present: 'smw,coordinator', aftercareWho: 'parent' }))).toEqual({ present: 'v.choose', aftercareWho: 'v.choose' });
  });

  it('reads the optional pupil answer and other agreements', () => {
    const a = parsedAgreements({ pupilAgrees: 'false', otherAgreements: '  Ouders bellen zelf de huisarts.  ' });
    expect(a.pupilAgrees).toBe(false);
    expect(a.otherAgreements).toBe('Ouders bellen zelf de huisarts.');
  });

  it('round-trips through the card values used to prefill the card', () => {
    const a = parsedAgreements({ pupilAgrees: 'true', otherAgreements: 'Iets anders' });
    const values = agreementsToCardValues(a);
    expect(Object.keys(values).every((k) => (AGREEMENTS_FIELDS as readonly string[]).includes(k))).toBe(true);
    expect(validate(agreementsSchema(TODAY), values)).toEqual({ ok: true, value: a });
  });
});

describe('agreement versions', () => {
  const smw = { aadObjectId: 'aad-cm', name: 'Casusregisseur' };
  const t0 = new Date('2026-11-20T10:00:00Z');
  const t1 = new Date('2026-11-20T11:00:00Z');
  const t2 = new Date('2026-11-21T09:00:00Z');
  const v1input = parsedAgreements();
  const changed = parsedAgreements({ feedback0Date: '2026-12-03' });

  it('starts at version 1 and keeps editing the open draft in place', () => {
    const first = draftAgreements([], v1input, smw, t0);
    expect(first).toMatchObject({ changed: true, record: { version: 1, draftedAt: t0.toISOString(), draftedBy: smw } });
    const again = draftAgreements(first.history, changed, smw, t1);
    expect(again.history).toHaveLength(1);
    expect(again.record).toMatchObject({ version: 1, agreements: changed, draftedAt: t1.toISOString() });
  });

  it('confirms the latest draft and freezes it: a later change becomes version 2', () => {
    const drafted = draftAgreements([], v1input, smw, t0).history;
    const confirmed = confirmAgreements(Object.freeze(drafted), 1, smw, t1);
    if (!confirmed.ok) throw new Error(confirmed.reason);
    expect(confirmed.record).toMatchObject({ version: 1, confirmedAt: t1.toISOString(), confirmedBy: smw });
    expect(drafted[0]?.confirmedAt).toBeUndefined(); // input not mutated

    const v2 = draftAgreements(confirmed.history, changed, smw, t2);
    expect(v2.history.map((r) => [r.version, r.confirmedAt !== undefined])).toEqual([[1, true], [2, false]]);
    expect(v2.history[0]).toEqual(confirmed.record);
    expect(confirmedAgreements(v2.history)?.version).toBe(1);
  });

  it('refuses to confirm a version that is not the latest draft (stale)', () => {
    const v1 = confirmAgreements(draftAgreements([], v1input, smw, t0).history, 1, smw, t1);
    if (!v1.ok) throw new Error(v1.reason);
    const v2 = draftAgreements(v1.history, changed, smw, t2).history;
    const stale = confirmAgreements(v2, 1, smw, t2);
    expect(stale).toMatchObject({ ok: false, reason: 'stale', messageKey: 'handover.refusal.stale', latest: { version: 2 } });
    expect(texts['handover.refusal.stale']).toBeDefined();
    expect(confirmAgreements(v2, 3, smw, t2)).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('refuses a second confirmation and a confirmation without a draft', () => {
    const v1 = confirmAgreements(draftAgreements([], v1input, smw, t0).history, 1, smw, t1);
    if (!v1.ok) throw new Error(v1.reason);
    expect(confirmAgreements(v1.history, 1, smw, t2)).toMatchObject({ ok: false, reason: 'alreadyConfirmed' });
    expect(confirmAgreements([], 1, smw, t2)).toMatchObject({ ok: false, reason: 'noDraft' });
  });

  it('does not start a new version when the input equals the confirmed one', () => {
    const v1 = confirmAgreements(draftAgreements([], v1input, smw, t0).history, 1, smw, t1);
    if (!v1.ok) throw new Error(v1.reason);
    const same = draftAgreements(v1.history, parsedAgreements(), smw, t2);
    expect(same.changed).toBe(false);
    expect(same.history).toEqual(v1.history);
  });
});

describe('agreedDates', () => {
  const record = (agreements: Agreements, version = 1): AgreementsRecord => ({
    version,
    agreements,
    draftedAt: '2026-11-20T10:00:00.000Z',
    draftedBy: { aadObjectId: 'aad-cm', name: 'Casusregisseur' },
  });

  it('flattens feedback, evaluation and aftercare into dated items, by date', () => {
    expect(agreedDates(record(parsedAgreements()))).toEqual([
      { agreementId: 'feedback0', kind: 'feedback', date: '2026-12-01', time: '10:00', responsible: 'caseManager', parties: ['smw'], label: 'Terugkoppeling aan SMW', labelKey: 'handover.agreed.feedback.smw' },
      { agreementId: 'feedback1', kind: 'feedback', date: '2026-12-10', responsible: 'caseManager', parties: ['schoolContact'], label: 'Terugkoppeling aan school', labelKey: 'handover.agreed.feedback.schoolContact' },
      { agreementId: 'evaluation', kind: 'evaluation', date: '2027-01-15', responsible: 'caseManager', parties: ['smw', 'parent'], label: 'Evaluatie', labelKey: 'handover.agreed.evaluation' },
      { agreementId: 'aftercare', kind: 'aftercare', date: '2027-03-01', responsible: 'schoolContact', parties: ['caseManager'], label: 'Einde nazorg', labelKey: 'handover.agreed.aftercare' },
    ]);
  });

  it('keeps the ids of the same rows across versions', () => {
    const v1 = agreedDates(record(parsedAgreements()));
    const v2 = agreedDates(record(parsedAgreements({ feedback0Date: '2026-12-11', feedback1Date: '2026-12-02' }), 2));
    const idsByKind = (items: typeof v1) => items.map((i) => `${i.agreementId}:${i.kind}`).sort();
    expect(idsByKind(v2)).toEqual(idsByKind(v1));
    expect(v2.find((i) => i.agreementId === 'feedback0')?.date).toBe('2026-12-11');
  });

  it('uses label keys that exist in both languages', () => {
    for (const item of agreedDates(record(parsedAgreements()))) {
      expect(texts[item.labelKey]?.nl).toBe(item.label);
      expect(texts[item.labelKey]?.en).toBeTruthy();
    }
  });

  it('has a text for every message key the schemas can produce', () => {
    const keys = ['v.handover.time', 'v.handover.windowOrder', 'v.handover.availabilityRequired', 'v.handover.duration', 'v.handover.contactRequired', 'v.handover.feedbackRequired', 'v.handover.evaluationAfterFeedback', 'v.handover.aftercareAfterEvaluation'];
    for (const key of keys) expect(texts[key], key).toBeDefined();
    for (const key of ['v.required', 'v.choose', 'v.date', 'v.dateInPast', 'v.email', 'v.phone', 'v.tooLong', 'v.invalid']) expect(common[key], key).toBeDefined();
  });
});
