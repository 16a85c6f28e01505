import type { Referral, SectionId } from '../../src/domain/referral.js';
import { consentField, CONSENT_HOW, LEGAL_GROUNDS, PUPIL_AGREES_PARENTS_FIELD, type Consenter } from '../../src/domain/sections/consent.js';
import { HOME_LANGUAGES, PARENT_SLOTS, parentField, parentsOf, RELATIONS, YES_NO_UNKNOWN } from '../../src/domain/sections/parents.js';
import { LIFE_AREAS } from '../../src/domain/sections/request.js';
import { MELDCODE, SAFETY_CONCERN, SISA, URGENCY, type InstrumentOptions } from '../../src/domain/sections/safety.js';
import type { FieldDef } from './fields.js';

/** Options whose labels are i18n keys `<prefix>.<value>`. */
const options = (prefix: string, values: readonly string[]) => values.map((value) => ({ value, labelKey: `${prefix}.${value}` }));
/** Options whose labels are the configured values themselves (ETM/LIRIK outcomes). */
const literal = (values: readonly string[]) => values.map((value) => ({ value, label: value }));

/** The picked school contact as the people picker's one known choice, so the card shows the name. */
function pickedContact(referral: Referral | undefined): FieldDef['choices'] {
  const p = referral?.sections.pupil;
  return p?.schoolContactId ? [{ value: p.schoolContactId, label: p.schoolContactName ?? p.schoolContactId }] : [];
}

export interface SectionContext {
  referral?: Referral;
  instruments: InstrumentOptions;
}

/**
 * The aanmeldformulier's card sections. The questions of the Rotterdam form are not public:
 * change a section here (and its zod schema in src/domain/sections) to follow the real form.
 */
export const SECTIONS: Record<SectionId, { titleKey: string; fields: (ctx: SectionContext) => FieldDef[] }> = {
  pupil: {
    titleKey: 'referral.pupil.title',
    fields: ({ referral }) => [
      { id: 'firstNames', kind: 'text', labelKey: 'referral.pupil.firstNames', required: true, maxLength: 100 },
      { id: 'surname', kind: 'text', labelKey: 'referral.pupil.surname', required: true, maxLength: 100 },
      { id: 'dateOfBirth', kind: 'date', labelKey: 'referral.pupil.dateOfBirth', required: true },
      { id: 'gender', kind: 'choice', labelKey: 'referral.pupil.gender', placeholderKey: 'referral.optional', choices: options('referral.pupil.gender', ['meisje', 'jongen', 'anders']) },
      { id: 'postcode', kind: 'text', labelKey: 'referral.pupil.postcode', required: true, maxLength: 7, placeholderKey: 'referral.pupil.postcode.placeholder' },
      { id: 'houseNumber', kind: 'text', labelKey: 'referral.pupil.houseNumber', required: true, maxLength: 10 },
      { id: 'school', kind: 'text', labelKey: 'referral.pupil.school', required: true, maxLength: 150 },
      { id: 'group', kind: 'text', labelKey: 'referral.pupil.group', required: true, maxLength: 30, placeholderKey: 'referral.pupil.group.placeholder' },
      { id: 'homeLanguages', kind: 'text', labelKey: 'referral.pupil.homeLanguages', maxLength: 200 },
      { id: 'interpreterNeeded', kind: 'toggle', labelKey: 'referral.pupil.interpreter', placeholderKey: 'referral.pupil.interpreter.title' },
      { id: 'pupilEmail', kind: 'text', labelKey: 'referral.pupil.email', inputStyle: 'email', maxLength: 254, placeholderKey: 'referral.pupil.email.placeholder' },
      // The school contact: a colleague from the people picker (Teams only), or name + e-mail of someone outside.
      { id: '', kind: 'heading', labelKey: 'referral.schoolContact.title' },
      { id: '', kind: 'info', labelKey: 'referral.schoolContact.intro' },
      { id: 'schoolContactId', kind: 'people', labelKey: 'referral.schoolContact.pick', placeholderKey: 'referral.schoolContact.pick.placeholder', choices: pickedContact(referral) },
      { id: 'schoolContactName', kind: 'text', labelKey: 'referral.schoolContact.name', maxLength: 120 },
      { id: 'schoolContactEmail', kind: 'text', labelKey: 'referral.schoolContact.email', inputStyle: 'email', maxLength: 254 },
    ],
  },
  parents: {
    titleKey: 'referral.parents.title',
    fields: () => {
      const out: FieldDef[] = [{ id: '', kind: 'info', labelKey: 'referral.parents.intro' }];
      for (let slot = 0; slot < PARENT_SLOTS; slot++) {
        const f = (name: string) => parentField(slot, name);
        // One parent block is shown; each further one behind "Nog een ouder/verzorger" (its inputs
        // are on the card all along, so nothing typed is lost when it opens or on a re-render).
        const group = slot === 0 ? undefined : `parent${slot}`;
        if (group) out.push({ id: '', kind: 'reveal', labelKey: 'referral.parents.addAnother', reveals: group, group: slot > 1 ? `parent${slot - 1}` : undefined });
        out.push(
          { id: '', kind: 'heading', labelKey: slot === 0 ? 'referral.parents.first' : 'referral.parents.other', group },
          { id: f('name'), kind: 'text', labelKey: 'referral.parents.name', required: slot === 0, maxLength: 100, group },
          { id: f('relation'), kind: 'choice', labelKey: 'referral.parents.relation', choices: options('referral.parents.relation', RELATIONS), group },
          { id: f('authority'), kind: 'radio', labelKey: 'referral.parents.authority', choices: options('referral.yesNoUnknown', YES_NO_UNKNOWN), group },
          { id: f('phone'), kind: 'text', labelKey: 'referral.parents.phone', inputStyle: 'tel', maxLength: 20, group },
          { id: f('email'), kind: 'text', labelKey: 'referral.parents.email', inputStyle: 'email', maxLength: 200, group },
          { id: f('informed'), kind: 'toggle', labelKey: 'referral.parents.informed', placeholderKey: 'referral.parents.informed.title', group },
          { id: f('agrees'), kind: 'radio', labelKey: 'referral.parents.agrees', choices: options('referral.yesNoUnknown', YES_NO_UNKNOWN), group },
        );
      }
      out.push({ id: 'homeLanguage', kind: 'choice', labelKey: 'referral.parents.homeLanguage', placeholderKey: 'referral.optional', choices: options('referral.parents.homeLanguage', HOME_LANGUAGES) });
      return out;
    },
  },
  request: {
    titleKey: 'referral.request.title',
    fields: () => [
      { id: 'reason', kind: 'multiline', labelKey: 'referral.request.reason', required: true, maxLength: 2000 },
      { id: 'question', kind: 'multiline', labelKey: 'referral.request.question', required: true, maxLength: 1000 },
      { id: 'lifeAreas', kind: 'multichoice', labelKey: 'referral.request.lifeAreas', required: true, choices: options('referral.lifeArea', LIFE_AREAS) },
      { id: 'alreadyDone', kind: 'multiline', labelKey: 'referral.request.alreadyDone', required: true, maxLength: 2000 },
      { id: 'strengths', kind: 'multiline', labelKey: 'referral.request.strengths', required: true, maxLength: 1000 },
      { id: 'wishes', kind: 'multiline', labelKey: 'referral.request.wishes', maxLength: 1000 },
      { id: 'otherProfessionals', kind: 'multiline', labelKey: 'referral.request.otherProfessionals', maxLength: 500 },
    ],
  },
  safety: {
    titleKey: 'referral.safety.title',
    fields: ({ instruments }) => [
      { id: 'safetyConcerns', kind: 'radio', labelKey: 'referral.safety.concerns', required: true, choices: options('referral.yesNoUnknown', SAFETY_CONCERN) },
      { id: 'safetyExplanation', kind: 'multiline', labelKey: 'referral.safety.explanation', maxLength: 1000 },
      { id: '', kind: 'heading', labelKey: 'referral.safety.instruments' },
      { id: 'etmUsed', kind: 'toggle', labelKey: 'referral.safety.etm', placeholderKey: 'referral.safety.etmUsed' },
      { id: 'etmOutcome', kind: 'choice', labelKey: 'referral.safety.etmOutcome', choices: literal(instruments.etmOutcomes) },
      { id: 'etmDate', kind: 'date', labelKey: 'referral.safety.etmDate' },
      { id: 'lirikUsed', kind: 'toggle', labelKey: 'referral.safety.lirik', placeholderKey: 'referral.safety.lirikUsed' },
      { id: 'lirikOutcome', kind: 'choice', labelKey: 'referral.safety.lirikOutcome', choices: literal(instruments.lirikOutcomes) },
      { id: 'lirikDate', kind: 'date', labelKey: 'referral.safety.lirikDate' },
      { id: 'meldcode', kind: 'radio', labelKey: 'referral.safety.meldcode', required: true, choices: options('referral.yesNo', MELDCODE) },
      { id: 'sisa', kind: 'radio', labelKey: 'referral.safety.sisa', required: true, choices: options('referral.yesNoUnknown', SISA) },
      { id: 'urgency', kind: 'radio', labelKey: 'referral.safety.urgency', required: true, choices: options('referral.urgency', URGENCY) },
      { id: 'urgencyReason', kind: 'text', labelKey: 'referral.safety.urgencyReason', maxLength: 500 },
    ],
  },
  consent: {
    titleKey: 'referral.consent.title',
    fields: ({ referral }) => {
      const people: { who: Consenter; labelKey: string; name?: string }[] = [
        ...parentsOf(referral?.sections.parents).map((p) => ({ who: `parent${p.slot}` as Consenter, labelKey: 'referral.consent.parent', name: p.name })),
        { who: 'pupil', labelKey: 'referral.consent.pupil' },
      ];
      const out: FieldDef[] = [{ id: '', kind: 'info', labelKey: 'referral.consent.intro' }];
      for (const p of people) {
        out.push(
          { id: '', kind: 'heading', labelKey: p.labelKey, labelParams: p.name ? { name: p.name } : undefined },
          { id: consentField(p.who, 'wijkteam'), kind: 'toggle', labelKey: 'referral.consent.wijkteam', placeholderKey: 'referral.consent.wijkteam.title' },
          { id: consentField(p.who, 'school'), kind: 'toggle', labelKey: 'referral.consent.school', placeholderKey: 'referral.consent.school.title' },
          { id: consentField(p.who, 'how'), kind: 'radio', labelKey: 'referral.consent.how', choices: options('referral.consent.how', CONSENT_HOW) },
          { id: consentField(p.who, 'date'), kind: 'date', labelKey: 'referral.consent.date', defaultToday: true },
        );
      }
      out.push(
        { id: PUPIL_AGREES_PARENTS_FIELD, kind: 'toggle', labelKey: 'referral.consent.pupilParents', placeholderKey: 'referral.consent.pupilParents.title' },
        { id: '', kind: 'heading', labelKey: 'referral.consent.withoutTitle' },
        { id: 'legalGround', kind: 'radio', labelKey: 'referral.consent.legalGround', choices: options('referral.consent.ground', LEGAL_GROUNDS) },
        { id: 'legalGroundExplanation', kind: 'multiline', labelKey: 'referral.consent.legalGroundExplanation', maxLength: 1000 },
      );
      return out;
    },
  },
};
