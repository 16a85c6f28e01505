import { describe, expect, it } from 'vitest';
import { sharingAllowed, withdrawable, withdrawConsent } from '../../src/domain/consent.js';
import { amend, decline, redirect, submit, submitBlockers, takeOn } from '../../src/domain/intake.js';
import { checkDistrictRows, DistrictMap } from '../../src/domain/routing.js';
import { consentGate, consentSchema, requiredConsenters } from '../../src/domain/sections/consent.js';
import { parentsOf, parentsSchema } from '../../src/domain/sections/parents.js';
import { ageOn } from '../../src/domain/sections/pupil.js';
import { requestSchema } from '../../src/domain/sections/request.js';
import { safetySchema } from '../../src/domain/sections/safety.js';
import { validate } from '../../src/domain/validation.js';
import { FORM, makeFullReferral } from '../support/factories.js';

const today = '2026-11-23';
const now = { at: new Date('2026-11-23T09:00:00Z'), today };
const instruments = { etmOutcomes: ['Geen zorgen', 'Ernstige zorgen'], lirikOutcomes: ['Laag risico', 'Hoog risico'] };
const smw = { aadObjectId: 'smw-1', name: 'Sanne Smit', tenantId: 'tenant-1' };
const karim = { aadObjectId: 'karim', name: 'Karim', tenantId: 'tenant-1' };
const errorsOf = (r: ReturnType<typeof validate>) => (r.ok ? {} : r.errors);

describe('consent by age at the day of submission', () => {
  it.each([
    ['2014-11-24', 11, { parentsWithAuthority: true, pupil: false }], // day before the 12th birthday
    ['2014-11-23', 12, { parentsWithAuthority: true, pupil: true }], // 12th birthday
    ['2010-11-24', 15, { parentsWithAuthority: true, pupil: true }], // day before the 16th birthday
    ['2010-11-23', 16, { parentsWithAuthority: false, pupil: true }], // 16th birthday
  ])('born %s → age %i → %j', (dob, age, need) => {
    expect(ageOn(dob, today)).toBe(age);
    expect(requiredConsenters(age)).toEqual(need);
  });

  const parents = parentsOf({ parent0Name: 'Moeder', parent0Authority: 'ja', parent0Relation: 'moeder', parent0Agrees: 'ja', parent0Informed: true, parent1Name: 'Vader', parent1Authority: 'ja', parent1Relation: 'vader', parent1Agrees: 'ja', parent1Informed: true });
  const both = { consentParent0Wijkteam: true, consentParent1Wijkteam: true };

  it('under 12 needs every parent with gezag, and names who is missing', () => {
    expect(consentGate({ age: 11, parents, section: both })).toEqual({ ok: true, basis: 'consent' });
    const gate = consentGate({ age: 11, parents, section: { consentParent0Wijkteam: true } });
    expect(gate).toEqual({ ok: false, missing: [{ key: 'consent.missing.parent', params: { name: 'Vader' }, field: 'consentParent1Wijkteam' }] });
  });

  it('12 to 16 needs the parents with gezag and the pupil', () => {
    expect(consentGate({ age: 12, parents, section: both })).toMatchObject({ ok: false, missing: [{ key: 'consent.missing.pupil' }] });
    expect(consentGate({ age: 15, parents, section: { ...both, consentPupilWijkteam: true } })).toEqual({ ok: true, basis: 'consent' });
  });

  it('from 16 the pupil alone decides', () => {
    expect(consentGate({ age: 16, parents, section: { consentPupilWijkteam: true } })).toEqual({ ok: true, basis: 'consent' });
    expect(consentGate({ age: 16, parents, section: both })).toMatchObject({ ok: false });
  });

  it('needs a parent with gezag under 16', () => {
    const noAuthority = parentsOf({ parent0Name: 'Oma', parent0Authority: 'nee', parent0Relation: 'verzorger', parent0Agrees: 'ja' });
    expect(consentGate({ age: 10, parents: noAuthority, section: { consentParent0Wijkteam: true } })).toMatchObject({ ok: false, missing: [{ key: 'consent.missing.noAuthority' }] });
  });

  it('accepts a legal ground only with an explanation', () => {
    expect(consentGate({ age: 10, parents, section: { legalGround: 'meldcode', legalGroundExplanation: 'stap 5' } })).toEqual({ ok: true, basis: 'legalGround' });
    expect(consentGate({ age: 10, parents, section: { legalGround: 'acuteVeiligheid' } })).toMatchObject({ ok: false });
  });

  it('treats withdrawn consent as none', () => {
    expect(consentGate({ age: 10, parents, section: both, withdrawn: [{ who: 'parent1', scope: 'wijkteam' }] })).toMatchObject({ ok: false });
    expect(consentGate({ age: 10, parents, section: both, withdrawn: [{ who: 'parent1', scope: 'schoolContact' }] })).toMatchObject({ ok: true });
  });

  it('validates how and when consent was given', () => {
    const schema = consentSchema(today, parents);
    expect(errorsOf(validate(schema, { consentParent0Wijkteam: 'true' }))).toEqual({ consentParent0How: 'v.choose', consentParent0Date: 'v.required' });
    expect(errorsOf(validate(schema, { consentParent0Wijkteam: 'true', consentParent0How: 'schriftelijk', consentParent0Date: '2026-12-01' }))).toEqual({ consentParent0Date: 'v.dateInFuture' });
    expect(errorsOf(validate(schema, { legalGround: 'meldcode' }))).toEqual({ legalGroundExplanation: 'v.explainLegalGround' });
    expect(validate(schema, FORM.consent).ok).toBe(true);
  });

  it('keeps no consent date for a person who gave no consent (the card fills in today for everyone)', () => {
    const result = validate(consentSchema(today, parents), { ...FORM.consent, consentPupilDate: today, consentPupilWijkteam: 'false' });
    expect(result.ok).toBe(true);
    const value = result.ok ? (result.value as Record<string, unknown>) : {};
    expect(value.consentParent0Date).toBe('2026-11-20');
    expect(value).not.toHaveProperty('consentPupilDate');
  });
});

describe('section schemas', () => {
  it('parents: first required; a later one counts once named, and needs a way to reach them', () => {
    expect(validate(parentsSchema(), FORM.parents).ok).toBe(true);
    expect(errorsOf(validate(parentsSchema(), {}))).toEqual({ parent0Name: 'v.required', parent0Relation: 'v.choose', parent0Authority: 'v.choose', parent0Agrees: 'v.choose', parent0Phone: 'v.phoneOrEmail' });
    expect(errorsOf(validate(parentsSchema(), { ...FORM.parents, parent1Name: 'Vader' }))).toEqual({ parent1Relation: 'v.choose', parent1Authority: 'v.choose', parent1Agrees: 'v.choose', parent1Phone: 'v.phoneOrEmail' });
    expect(errorsOf(validate(parentsSchema(), { ...FORM.parents, parent0Phone: '12345', parent0Email: 'geen-mail' }))).toEqual({ parent0Phone: 'v.phone', parent0Email: 'v.email' });
    for (const ok of ['0612345678', '06-12345678', '010 1234567', '+31 6 12345678']) expect(validate(parentsSchema(), { ...FORM.parents, parent0Phone: ok }).ok, ok).toBe(true);
  });

  it('hulpvraag: texts required and limited, at least one life area from the list', () => {
    expect(validate(requestSchema(), FORM.request)).toMatchObject({ ok: true, value: { lifeAreas: ['opvoeding', 'schoolverzuim'] } });
    expect(errorsOf(validate(requestSchema(), { ...FORM.request, lifeAreas: '' }))).toEqual({ lifeAreas: 'v.chooseAtLeastOne' });
    expect(errorsOf(validate(requestSchema(), { ...FORM.request, lifeAreas: 'opvoeding,toveren' }))).toEqual({ 'lifeAreas.1': 'v.choose' });
    expect(errorsOf(validate(requestSchema(), { ...FORM.request, reason: 'x'.repeat(2001) }))).toEqual({ reason: 'v.tooLong' });
  });

  it('veiligheid: outcomes entered from the configured lists with a date, explanations where needed', () => {
    expect(validate(safetySchema(today, instruments), FORM.safety).ok).toBe(true);
    expect(errorsOf(validate(safetySchema(today, instruments), { ...FORM.safety, etmUsed: 'true', etmOutcome: 'Verzonnen', etmDate: '2027-01-01' }))).toEqual({ etmOutcome: 'v.choose', etmDate: 'v.dateInFuture' });
    expect(validate(safetySchema(today, instruments), { ...FORM.safety, lirikUsed: 'true', lirikOutcome: 'Hoog risico', lirikDate: '2026-11-01' })).toMatchObject({ ok: true, value: { lirikOutcome: 'Hoog risico', etmOutcome: undefined } });
    expect(errorsOf(validate(safetySchema(today, instruments), { ...FORM.safety, safetyConcerns: 'ja', urgency: 'spoed' }))).toEqual({ safetyExplanation: 'v.explainSafety', urgencyReason: 'v.explainUrgency' });
    // an outcome typed while the instrument is switched off is not kept
    expect(validate(safetySchema(today, instruments), { ...FORM.safety, etmOutcome: 'Geen zorgen' })).toMatchObject({ ok: true, value: { etmOutcome: undefined } });
  });
});

describe('routing by postcode', () => {
  const map = new DistrictMap([
    { postcode4: '3072', district: 'Afrikaanderwijk', wijkteamId: 'wt-feijenoord', wijkteamName: 'Wijkteam Feijenoord' },
    { postcode4: '3081', district: 'Charlois', wijkteamId: 'wt-charlois', wijkteamName: 'Wijkteam Charlois' },
  ]);
  it('routes by the 4 digits of the home postcode; unknown postcodes are not routed', () => {
    expect(map.route('3072 AB')).toEqual({ wijkteamId: 'wt-feijenoord', district: 'Afrikaanderwijk' });
    expect(map.route('1011AB')).toBeUndefined();
    expect(map.wijkteam('Feijenoord')?.id).toBe('wt-feijenoord');
    expect(map.wijkteam('wijkteam charlois')?.id).toBe('wt-charlois');
  });
  it('reports every bad line and duplicates of the table', () => {
    const check = checkDistrictRows([
      { postcode4: '3072', wijk: 'A', wijkteam_id: 'wt-a', wijkteam_naam: 'A' },
      { postcode4: '30AB', wijk: 'B', wijkteam_id: 'wt-b', wijkteam_naam: 'B' },
      { postcode4: '3072', wijk: 'C', wijkteam_id: 'WT C', wijkteam_naam: 'C' },
    ]);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems.map((p) => p.slice(0, 8))).toEqual(['regel 3:', 'regel 4:']);
  });
});

describe('intake transitions', () => {
  const draft = makeFullReferral({ smw: { aadObjectId: 'smw-1', name: 'Sanne Smit' } });
  const sent = submit(draft, smw, { expectedVersion: draft.version, wijkteamId: 'wt-feijenoord', source: 'postcode', acceptBy: '2026-11-30' }, now);

  it('submits a complete, consented, routed draft; refuses others, stale and incomplete', () => {
    expect(sent).toMatchObject({ ok: true, value: { state: 'submitted', routing: { wijkteamId: 'wt-feijenoord' }, acceptBy: '2026-11-30' } });
    expect(submit(draft, karim, { expectedVersion: draft.version, wijkteamId: 'x', source: 'manual', acceptBy: '' }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(submit(draft, smw, { expectedVersion: 1, wijkteamId: 'x', source: 'manual', acceptBy: '' }, now)).toMatchObject({ ok: false, code: 'stale' });
    const noRoute = submit(draft, smw, { expectedVersion: draft.version, wijkteamId: undefined, source: 'manual', acceptBy: '' }, now);
    expect(noRoute).toMatchObject({ ok: false, code: 'incomplete', missing: [{ key: 'submit.missing.wijkteam' }] });
    const { consent: _c, ...rest } = draft.sections;
    expect(submitBlockers({ ...draft, sections: rest }, today, 'wt')).toEqual([{ key: 'submit.missing.section', params: { section: 'consent' } }]);
  });

  it('lets one wijkteam member take it on; a second is told it is taken; non-members are refused', () => {
    if (!sent.ok) throw new Error('setup');
    const taken = takeOn(sent.value, karim, { isMember: true }, now);
    expect(taken).toMatchObject({ ok: true, value: { state: 'accepted', caseManager: { aadObjectId: 'karim' } } });
    if (!taken.ok) return;
    expect(takeOn(taken.value, { ...karim, aadObjectId: 'lisa' }, { isMember: true }, now)).toMatchObject({ ok: false, code: 'alreadyTaken' });
    expect(takeOn(taken.value, karim, { isMember: true }, now)).toMatchObject({ ok: true, unchanged: true });
    expect(takeOn(sent.value, karim, { isMember: false }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
  });

  it('redirects with a reason to another wijkteam; declines with a reason; the SMW\'er reopens a declined one', () => {
    if (!sent.ok) throw new Error('setup');
    expect(redirect(sent.value, karim, { isMember: true, to: 'wt-feijenoord', reason: '' }, now)).toMatchObject({ ok: false, errors: { redirectTo: 'v.otherWijkteam', redirectReason: 'v.required' } });
    expect(redirect(sent.value, karim, { isMember: true, to: 'wt-charlois', reason: 'Verhuisd' }, now)).toMatchObject({ ok: true, value: { state: 'submitted', routing: { wijkteamId: 'wt-charlois' }, redirects: [{ from: 'wt-feijenoord', to: 'wt-charlois' }] } });
    const declined = decline(sent.value, karim, { isMember: true, reason: 'Past beter bij CJG', advice: 'Bel het CJG' }, now);
    expect(declined).toMatchObject({ ok: true, value: { state: 'declined', decline: { reason: 'Past beter bij CJG' } } });
    if (!declined.ok) return;
    expect(amend(declined.value, karim, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(amend(declined.value, smw, now)).toMatchObject({ ok: true, value: { state: 'draft' } });
  });
});

describe('withdrawing consent', () => {
  const referral = makeFullReferral(); // 11 years old, mother with gezag consented to wijkteam and school
  it('stops sharing with that recipient only', () => {
    expect(sharingAllowed(referral, 'wijkteam', today)).toBe(true);
    expect(sharingAllowed(referral, 'schoolContact', today)).toBe(true);
    const w = withdrawConsent(referral, smw, { who: 'parent0', scope: 'schoolContact' }, now);
    expect(w).toMatchObject({ ok: true, value: { consentWithdrawals: [{ who: 'parent0', scope: 'schoolContact' }] } });
    if (!w.ok) return;
    expect(sharingAllowed(w.value, 'schoolContact', today)).toBe(false);
    expect(sharingAllowed(w.value, 'wijkteam', today)).toBe(true);
    expect(withdrawable(w.value)).toEqual([{ who: 'parent0', scope: 'wijkteam' }]);
  });
  it('as data: the school contact\'s reminders are dropped; withdrawn from the wijkteam, its casusregisseur is told', () => {
    const school = withdrawConsent(referral, smw, { who: 'parent0', scope: 'schoolContact' }, now);
    expect(school.ok && school.effects).toEqual([{ kind: 'dropReminderRecipients', role: 'schoolContact' }]);
    const taken = { ...referral, state: 'accepted' as const, caseManager: { aadObjectId: karim.aadObjectId, name: karim.name } };
    const wijkteam = withdrawConsent(taken, smw, { who: 'parent0', scope: 'wijkteam' }, now);
    expect(wijkteam.ok && wijkteam.effects).toEqual([{ kind: 'notifyPerson', aadObjectId: karim.aadObjectId, messageKey: 'consent.toCaseManager', params: { number: taken.number }, referralId: taken.referralId }]);
  });
  it('is recorded by the SMW\'er only, once, for consent that was given', () => {
    expect(withdrawConsent(referral, karim, { who: 'parent0', scope: 'wijkteam' }, now)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(withdrawConsent(referral, smw, { who: 'pupil', scope: 'wijkteam' }, now)).toMatchObject({ ok: false, code: 'invalid' });
  });
  it('keeps sharing with the wijkteam on a legal ground', () => {
    const onGround = makeFullReferral({ sections: { ...makeFullReferral().sections, consent: { legalGround: 'meldcode', legalGroundExplanation: 'stap 4' } } });
    expect(sharingAllowed(onGround, 'wijkteam', today)).toBe(true);
    expect(sharingAllowed(onGround, 'schoolContact', today)).toBe(false);
  });
});

describe('closing', () => {
  it('closes an accepted referral with a time to live, for its parties only, once', async () => {
    const { closeReferral } = await import('../../src/domain/closing.js');
    const accepted = makeFullReferral({ state: 'accepted', caseManager: { aadObjectId: 'karim', name: 'Karim' } });
    expect(closeReferral(accepted, karim, now, 30)).toMatchObject({ ok: true, value: { state: 'closed', ttl: 30 * 86400, closedAt: now.at.toISOString() } });
    expect(closeReferral(accepted, { ...karim, aadObjectId: 'lisa' }, now, 30)).toMatchObject({ ok: false, code: 'notAllowed' });
    expect(closeReferral(makeFullReferral(), smw, now, 30)).toMatchObject({ ok: false, code: 'invalidState' });
    expect(closeReferral({ ...accepted, state: 'closed' }, smw, now, 30)).toMatchObject({ ok: true, unchanged: true });
  });
});
