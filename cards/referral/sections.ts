import type { SectionId } from '../../src/domain/referral.js';
import type { FieldDef } from './fields.js';

/**
 * The aanmeldformulier's card sections. The questions of the Rotterdam form are not public:
 * change a section here (and its zod schema in src/domain/sections) to follow the real form.
 */
export const SECTIONS: Record<SectionId, { titleKey: string; fields: FieldDef[] }> = {
  pupil: {
    titleKey: 'referral.pupil.title',
    fields: [
      { id: 'firstNames', kind: 'text', labelKey: 'referral.pupil.firstNames', required: true, maxLength: 100 },
      { id: 'surname', kind: 'text', labelKey: 'referral.pupil.surname', required: true, maxLength: 100 },
      { id: 'dateOfBirth', kind: 'date', labelKey: 'referral.pupil.dateOfBirth', required: true },
      {
        id: 'gender',
        kind: 'choice',
        labelKey: 'referral.pupil.gender',
        placeholderKey: 'referral.optional',
        choices: [
          { value: 'meisje', labelKey: 'referral.pupil.gender.meisje' },
          { value: 'jongen', labelKey: 'referral.pupil.gender.jongen' },
          { value: 'anders', labelKey: 'referral.pupil.gender.anders' },
        ],
      },
      { id: 'postcode', kind: 'text', labelKey: 'referral.pupil.postcode', required: true, maxLength: 7, placeholderKey: 'referral.pupil.postcode.placeholder' },
      { id: 'houseNumber', kind: 'text', labelKey: 'referral.pupil.houseNumber', required: true, maxLength: 10 },
      { id: 'school', kind: 'text', labelKey: 'referral.pupil.school', required: true, maxLength: 150 },
      { id: 'group', kind: 'text', labelKey: 'referral.pupil.group', required: true, maxLength: 30, placeholderKey: 'referral.pupil.group.placeholder' },
      { id: 'homeLanguages', kind: 'text', labelKey: 'referral.pupil.homeLanguages', maxLength: 200 },
      { id: 'interpreterNeeded', kind: 'toggle', labelKey: 'referral.pupil.interpreter', placeholderKey: 'referral.pupil.interpreter.title' },
    ],
  },
};
