import { describe, expect, it } from 'vitest';
import type { AgreementsRecord } from '../../src/domain/agreementHistory.js';
import type { Agreements } from '../../src/domain/agreements.js';
import type { Referral } from '../../src/domain/referral.js';
import { agreementRecipients, partiesOf, pupilReceives, unreachableRoles, withPupilForParent } from '../../src/domain/referralParties.js';
import { pupilSchema } from '../../src/domain/sections/pupil.js';
import type { AgreedDate } from '../../src/domain/types.js';
import { validate } from '../../src/domain/validation.js';
import { FORM, makeFullReferral } from '../support/factories.js';

const TODAY = '2026-11-23';
const AGREEMENTS: Agreements = {
  present: ['smw', 'caseManager', 'parent'],
  feedback: [{ slot: 0, to: 'schoolContact', how: 'teams', date: '2026-12-10' }],
  evaluation: { date: '2027-01-15', with: ['smw', 'parent'] },
  aftercare: { what: 'Contact met de mentor', who: 'schoolContact', until: '2027-03-01' },
  parentsAgree: true,
};

/** A referral taken on, with the agreements confirmed; `born` sets the pupil's age on {@link TODAY}. */
function referral(opts: { born?: string; pupilEmail?: string; school?: Record<string, string>; consent?: Record<string, string | boolean>; agreements?: Partial<Agreements>; withdrawn?: boolean } = {}): Referral {
  const base = makeFullReferral();
  const record: AgreementsRecord = { version: 1, agreements: { ...AGREEMENTS, ...opts.agreements }, draftedAt: '2026-11-23T09:00:00.000Z', draftedBy: { aadObjectId: 'cm-1', name: 'Karim' }, confirmedAt: '2026-11-23T10:00:00.000Z' };
  return {
    ...base,
    state: 'agreementsConfirmed',
    caseManager: { aadObjectId: 'cm-1', name: 'Karim' },
    sections: {
      ...base.sections,
      pupil: { ...base.sections.pupil!, dateOfBirth: opts.born ?? '2015-03-14', ...(opts.pupilEmail ? { pupilEmail: opts.pupilEmail } : {}), ...opts.school },
      parents: { ...base.sections.parents, parent0Email: 'fatima@example.org' },
      consent: { ...base.sections.consent!, ...opts.consent },
    },
    handover: { agreements: [record], deliveries: [], cards: [], cancelled: [] } as unknown as Referral['handover'],
    ...(opts.withdrawn ? { consentWithdrawals: [{ who: 'parent0', scope: 'schoolContact', at: '2026-11-23T11:00:00.000Z', by: 'smw-1' }] } : {}),
  };
}

const picked = { schoolContactId: 'ib-1', schoolContactName: 'Ilse IB' };
const outside = { schoolContactName: 'Ilse IB', schoolContactEmail: 'ilse@school.example' };
/** A pupil of 16 consents alone; the toggles give that consent for wijkteam and school. */
const pupilConsent = { consentPupilWijkteam: true, consentPupilSchool: true, consentPupilHow: 'mondeling', consentPupilDate: '2026-11-20' };

describe('agreementRecipients', () => {
  it('under 12: the SMW\'er in Teams, the school contact in Teams with consent, the parent by e-mail; no pupil', () => {
    expect(agreementRecipients(referral({ school: picked }), TODAY)).toEqual([
      { role: 'smw', channel: { kind: 'teams', aadObjectId: 'smw-1' } },
      { role: 'schoolContact', channel: { kind: 'teams', aadObjectId: 'ib-1' } },
      { role: 'parent', channel: { kind: 'email', name: 'Fatima de Vries', email: 'fatima@example.org' } },
    ]);
  });

  it('a school contact outside Teams gets e-mail; without the consent for terugkoppeling, nothing', () => {
    expect(agreementRecipients(referral({ school: outside }), TODAY).find((x) => x.role === 'schoolContact')?.channel).toEqual({ kind: 'email', name: 'Ilse IB', email: 'ilse@school.example' });
    expect(agreementRecipients(referral({ school: outside, consent: { consentParent0School: false } }), TODAY).map((x) => x.role)).toEqual(['smw', 'parent']);
    expect(agreementRecipients(referral({ school: picked, withdrawn: true }), TODAY).map((x) => x.role)).toEqual(['smw', 'parent']);
  });

  it('16: the pupil instead of the parents, unless the pupil agreed that the parents receive them too', () => {
    const sixteen = { born: '2010-01-10', pupilEmail: 'noa@leerling.example', consent: pupilConsent };
    expect(agreementRecipients(referral(sixteen), TODAY)).toEqual([
      { role: 'smw', channel: { kind: 'teams', aadObjectId: 'smw-1' } },
      { role: 'pupil', channel: { kind: 'email', name: 'Noa Maria', email: 'noa@leerling.example' } },
    ]);
    expect(agreementRecipients(referral({ ...sixteen, consent: { ...pupilConsent, consentPupilParents: true } }), TODAY).map((x) => x.role)).toEqual(['smw', 'parent', 'pupil']);
    // Without an address the pupil of 16 is a task for the SMW'er, never left out.
    expect(agreementRecipients(referral({ born: '2010-01-10', consent: pupilConsent }), TODAY).at(-1)).toEqual({ role: 'pupil', channel: { kind: 'phoneTask' } });
  });

  it('age on the day: the day before the 16th birthday the parents still receive them', () => {
    const r = referral({ born: '2010-11-24', pupilEmail: 'noa@leerling.example', agreements: { present: ['smw', 'pupil'] } });
    expect(agreementRecipients(r, '2026-11-23').map((x) => x.role)).toEqual(['smw', 'parent', 'pupil']);
    expect(agreementRecipients(r, '2026-11-24').map((x) => x.role)).toEqual(['smw', 'pupil']);
  });

  it('12 to 16: both, when a pupil contact is given and the agreements involve the pupil', () => {
    const fifteen = { born: '2011-06-01', pupilEmail: 'noa@leerling.example' };
    expect(agreementRecipients(referral(fifteen), TODAY).map((x) => x.role)).toEqual(['smw', 'parent']);
    expect(agreementRecipients(referral({ ...fifteen, agreements: { evaluation: { date: '2027-01-15', with: ['smw', 'pupil'] } } }), TODAY).map((x) => x.role)).toEqual(['smw', 'parent', 'pupil']);
    expect(agreementRecipients(referral({ born: '2011-06-01', agreements: { present: ['pupil'] } }), TODAY).map((x) => x.role)).toEqual(['smw', 'parent']);
  });
});

describe('reminder parties by age and consent', () => {
  const dates: AgreedDate[] = [{ agreementId: 'evaluation', kind: 'evaluation', date: '2027-01-15', responsible: 'caseManager', parties: ['smw', 'parent'], label: 'Evaluatie' }];

  it('the school contact is a party only while its consent holds, reached in Teams or by e-mail', () => {
    expect(partiesOf(referral({ school: picked }), TODAY).find((p) => p.role === 'schoolContact')?.professional?.aadObjectId).toBe('ib-1');
    expect(partiesOf(referral({ school: outside }), TODAY).find((p) => p.role === 'schoolContact')?.contact?.email).toBe('ilse@school.example');
    expect(partiesOf(referral({ school: picked, withdrawn: true }), TODAY).some((p) => p.role === 'schoolContact')).toBe(false);
  });

  it('16: reminders for the parent go to the pupil; the parent is no party without the pupil\'s consent', () => {
    const r = referral({ born: '2010-01-10', pupilEmail: 'noa@leerling.example', consent: pupilConsent });
    expect(withPupilForParent(dates, r, TODAY)[0]!.parties).toEqual(['smw', 'parent', 'pupil']);
    expect(partiesOf(r, TODAY).map((p) => p.role)).toEqual(['smw', 'caseManager', 'pupil']);
    expect(unreachableRoles(r, ['parent', 'pupil'], TODAY)).toEqual([]);
  });

  it('15: the pupil is added beside the parent only when involved; under 12 never', () => {
    expect(withPupilForParent(dates, referral({ born: '2011-06-01', pupilEmail: 'noa@leerling.example' }), TODAY)[0]!.parties).toEqual(['smw', 'parent']);
    expect(pupilReceives(referral({ born: '2011-06-01', pupilEmail: 'noa@leerling.example', agreements: { present: ['pupil'] } }), TODAY)).toBe(true);
    expect(pupilReceives(referral({ pupilEmail: 'noa@leerling.example', agreements: { present: ['pupil'] } }), TODAY)).toBe(false);
  });

  it('unreachable: a school contact with consent but none named, a pupil of 16 without e-mail — not roles left out on purpose', () => {
    expect(unreachableRoles(referral(), ['schoolContact'], TODAY)).toEqual(['schoolContact']);
    expect(unreachableRoles(referral({ withdrawn: true }), ['schoolContact'], TODAY)).toEqual([]);
    expect(unreachableRoles(referral({ born: '2010-01-10', consent: pupilConsent }), ['pupil', 'parent'], TODAY)).toEqual(['pupil']);
    expect(unreachableRoles(referral(), ['pupil'], TODAY)).toEqual([]);
  });
});

describe('pupil section: school contact and the pupil\'s e-mail', () => {
  const parse = (extra: Record<string, string>) => validate(pupilSchema(TODAY), { ...FORM.pupil, ...extra });

  it('a picked colleague needs no e-mail; someone outside needs name and e-mail', () => {
    expect(parse({ schoolContactId: 'ib-1' })).toMatchObject({ ok: true, value: { schoolContactId: 'ib-1' } });
    expect(parse({ schoolContactName: 'Ilse IB', schoolContactEmail: 'Ilse@School.example' })).toMatchObject({ ok: true, value: { schoolContactName: 'Ilse IB', schoolContactEmail: 'ilse@school.example' } });
    expect(parse({ schoolContactName: 'Ilse IB' })).toMatchObject({ ok: false, errors: { schoolContactEmail: 'v.schoolContactReach' } });
    expect(parse({ schoolContactEmail: 'ilse@school.example' })).toMatchObject({ ok: false, errors: { schoolContactName: 'v.required' } });
    expect(parse({ schoolContactName: 'Ilse', schoolContactEmail: 'geen-adres' })).toMatchObject({ ok: false, errors: { schoolContactEmail: 'v.email' } });
    expect(parse({ schoolContactId: 'not an id!' })).toMatchObject({ ok: false, errors: { schoolContactId: 'v.schoolContactPick' } });
  });

  it('the pupil\'s own e-mail counts from 12', () => {
    expect(parse({ pupilEmail: 'noa@leerling.example' })).toMatchObject({ ok: false, errors: { pupilEmail: 'v.pupilEmailAge' } });
    expect(parse({ dateOfBirth: '2012-01-01', pupilEmail: 'noa@leerling.example' })).toMatchObject({ ok: true, value: { pupilEmail: 'noa@leerling.example' } });
  });
});
