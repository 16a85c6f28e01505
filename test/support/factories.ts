import type { Referral } from '../../src/domain/referral.js';
import type { PlanRequest } from '../../src/domain/planRequest.js';

/** Answers of a complete, valid aanmeldformulier as a card would submit them (strings). */
export const FORM = {
  pupil: {
    firstNames: 'Noa Maria',
    surname: 'de Vries',
    dateOfBirth: '2015-03-14',
    gender: 'meisje',
    postcode: '3072ab',
    houseNumber: '12a',
    school: 'OBS De Regenboog',
    group: 'groep 6',
    homeLanguages: 'Nederlands, Arabisch',
    interpreterNeeded: 'false',
  },
  parents: {
    parent0Name: 'Fatima de Vries',
    parent0Relation: 'moeder',
    parent0Authority: 'ja',
    parent0Phone: '06 12345678',
    parent0Email: 'fatima@example.org',
    parent0Informed: 'true',
    parent0Agrees: 'ja',
  },
  request: {
    reason: 'Veel verzuim en spanningen thuis.',
    question: 'Ondersteuning van het gezin bij opvoeding en rust thuis.',
    lifeAreas: 'opvoeding,schoolverzuim',
    alreadyDone: 'Gesprekken met ouders en leerling, verzuimbeleid.',
    strengths: 'Betrokken moeder, leerling voetbalt graag.',
    wishes: '',
    otherProfessionals: '',
  },
  safety: {
    safetyConcerns: 'nee',
    etmUsed: 'false',
    lirikUsed: 'false',
    meldcode: 'nee',
    sisa: 'ja',
    urgency: 'normaal',
  },
  consent: {
    consentParent0Wijkteam: 'true',
    consentParent0School: 'true',
    consentParent0How: 'mondeling',
    consentParent0Date: '2026-11-20',
    legalGround: 'geen',
  },
} as const;

/** A referral with every section answered (stored form), for card and domain tests. */
export function makeFullReferral(overrides: Partial<Referral> = {}): Referral {
  return {
    id: '0f8fad5b-d9cb-469f-a165-70867728950e',
    referralId: '0f8fad5b-d9cb-469f-a165-70867728950e',
    type: 'referral',
    number: 'AM-7K3QX2',
    tenantId: 'tenant-1',
    state: 'draft',
    version: 5,
    smw: { aadObjectId: 'smw-1', name: 'Sanne Smit' },
    sections: {
      pupil: { firstNames: 'Noa Maria', surname: 'de Vries', dateOfBirth: '2015-03-14', gender: 'meisje', postcode: '3072 AB', houseNumber: '12a', school: 'OBS De Regenboog', group: 'groep 6', homeLanguages: 'Nederlands', interpreterNeeded: false },
      parents: { parent0Name: 'Fatima de Vries', parent0Relation: 'moeder', parent0Authority: 'ja', parent0Phone: '06 12345678', parent0Informed: true, parent0Agrees: 'ja' },
      request: { reason: 'Verzuim', question: 'Steun', lifeAreas: ['opvoeding'], alreadyDone: 'Gesprekken', strengths: 'Betrokken' },
      safety: { safetyConcerns: 'nee', etmUsed: false, etmOutcome: undefined, etmDate: undefined, lirikUsed: false, lirikOutcome: undefined, lirikDate: undefined, meldcode: 'nee', sisa: 'ja', urgency: 'normaal' },
      consent: { consentParent0Wijkteam: true, consentParent0School: true, consentParent0How: 'mondeling', consentParent0Date: '2026-11-20', consentPupilWijkteam: false, consentPupilSchool: false, legalGround: 'geen' },
    },
    createdAt: '2026-11-20T09:00:00.000Z',
    updatedAt: '2026-11-20T09:00:00.000Z',
    ...overrides,
  };
}

/** A planning request of the warme overdracht (Tuesday mornings, online), as the domain stores it. */
export const PLAN_REQUEST: PlanRequest = {
  availability: { weekly: [{ weekday: 2, part: 'ochtend' }], windows: [] },
  meetingForm: 'online',
  durationMinutes: 60,
  pupilJoins: false,
  parent: { name: 'Fatima de Vries', email: 'fatima@example.org' },
};

/** Two proposed times for {@link PLAN_REQUEST}. */
export const TWO_SLOTS = [
  { start: new Date('2026-11-24T08:00:00Z'), end: new Date('2026-11-24T09:00:00Z') },
  { start: new Date('2026-12-01T08:00:00Z'), end: new Date('2026-12-01T09:00:00Z') },
];
