import { AVAILABILITY_CHOICES, MEETING_FORMS, PLAN_WINDOW_SLOTS, type PlanRequest } from '../../src/domain/planRequest.js';
import { FEEDBACK_CHANNELS, FEEDBACK_SLOTS, MEETING_ROLES, SCHOOL_SIDE_ROLES } from '../../src/domain/agreements.js';
import type { Parent } from '../../src/domain/sections/parents.js';
import type { FieldDef, RawValues, Translate } from '../referral/fields.js';

const DURATIONS = ['30', '45', '60', '90', '120'] as const;

/** The card "Warme overdracht plannen"; input ids are PLAN_REQUEST_FIELDS. */
export function planFields(tr: Translate): FieldDef[] {
  const windows: FieldDef[] = Array.from({ length: PLAN_WINDOW_SLOTS }, (_, i) => [
    { id: `window${i}Date`, kind: 'date' as const, labelKey: 'handover.plan.windowDate', labelParams: { n: String(i + 1) } },
    { id: `window${i}Start`, kind: 'time' as const, labelKey: 'handover.plan.windowStart' },
    { id: `window${i}End`, kind: 'time' as const, labelKey: 'handover.plan.windowEnd' },
  ]).flat();
  return [
    { id: 'parentsHeading', kind: 'heading', labelKey: 'handover.plan.parentsHeading' },
    {
      id: 'parentAvailability',
      kind: 'multichoice',
      // Fifteen day parts as one compact multi-select ("ma ochtend" … "vr avond"), not fifteen
      // stacked check boxes; the value stays "2-ochtend,4-middag".
      compact: true,
      labelKey: 'handover.plan.availability',
      placeholderKey: 'handover.plan.availabilityPlaceholder',
      choices: AVAILABILITY_CHOICES.map((c) => {
        const [day, part] = c.split('-');
        return { value: c, label: `${tr(`handover.weekday.${day}`)} ${tr(`handover.part.${part}`)}` };
      }),
    },
    { id: 'windowsInfo', kind: 'info', labelKey: 'handover.plan.windowsInfo' },
    ...windows,
    { id: 'meetingHeading', kind: 'heading', labelKey: 'handover.plan.meetingHeading' },
    { id: 'meetingForm', kind: 'radio', labelKey: 'handover.plan.form', required: true, choices: MEETING_FORMS.map((f) => ({ value: f, labelKey: `handover.form.${f}` })) },
    { id: 'durationMinutes', kind: 'choice', labelKey: 'handover.plan.duration', choices: DURATIONS.map((d) => ({ value: d, label: tr('handover.minutes', { n: d }) })) },
    { id: 'pupilJoins', kind: 'toggle', labelKey: 'handover.plan.pupilJoins', placeholderKey: 'handover.plan.pupilJoinsTitle' },
    { id: 'parentHeading', kind: 'heading', labelKey: 'handover.plan.parentHeading' },
    { id: 'parentName', kind: 'text', labelKey: 'handover.plan.parentName', required: true, maxLength: 100 },
    { id: 'parentEmail', kind: 'text', labelKey: 'handover.plan.parentEmail', inputStyle: 'email', maxLength: 254 },
    { id: 'parentPhone', kind: 'text', labelKey: 'handover.plan.parentPhone', inputStyle: 'tel', maxLength: 30 },
  ];
}

/** A stored request back into the card's input values; without one, the first parent of the referral. */
export function planValues(request: PlanRequest | undefined, parent?: Parent): RawValues {
  if (!request) return { durationMinutes: '60', pupilJoins: 'false', parentName: parent?.name ?? '', parentEmail: parent?.email ?? '', parentPhone: parent?.phone ?? '' };
  const values: RawValues = {
    parentAvailability: request.availability.weekly.map((w) => `${w.weekday}-${w.part}`).join(','),
    meetingForm: request.meetingForm,
    durationMinutes: String(request.durationMinutes),
    pupilJoins: String(request.pupilJoins),
    parentName: request.parent.name,
    parentEmail: request.parent.email ?? '',
    parentPhone: request.parent.phone ?? '',
  };
  request.availability.windows.forEach((w, i) => Object.assign(values, { [`window${i}Date`]: w.date, [`window${i}Start`]: w.start, [`window${i}End`]: w.end }));
  return values;
}

/** The card "Afspraken warme overdracht"; input ids are AGREEMENTS_FIELDS. */
export function agreementFields(): FieldDef[] {
  const roles = MEETING_ROLES.map((r) => ({ value: r, labelKey: `handover.role.${r}` }));
  const schoolSide = SCHOOL_SIDE_ROLES.map((r) => ({ value: r, labelKey: `handover.role.${r}` }));
  // One feedback slot is shown; each further one behind "Nog een terugkoppeling" (its inputs are on
  // the card all along, so nothing typed is lost; a slot with a value or an error stays open).
  const feedback: FieldDef[] = Array.from({ length: FEEDBACK_SLOTS }, (_, i): FieldDef[] => {
    const n = { n: String(i + 1) };
    const group = i === 0 ? undefined : `feedback${i}`;
    return [
      ...(group ? [{ id: '', kind: 'reveal' as const, labelKey: 'handover.agreements.feedbackAnother', reveals: group, group: i > 1 ? `feedback${i - 1}` : undefined }] : []),
      { id: `feedback${i}To`, kind: 'choice' as const, labelKey: 'handover.agreements.feedbackTo', labelParams: n, required: i === 0, choices: schoolSide, group },
      { id: `feedback${i}How`, kind: 'choice' as const, labelKey: 'handover.agreements.feedbackHow', labelParams: n, required: i === 0, choices: FEEDBACK_CHANNELS.map((c) => ({ value: c, labelKey: `handover.channel.${c}` })), group },
      { id: `feedback${i}Date`, kind: 'date' as const, labelKey: 'handover.agreements.feedbackDate', labelParams: n, required: i === 0, group },
      { id: `feedback${i}Time`, kind: 'time' as const, labelKey: 'handover.agreements.feedbackTime', labelParams: n, group },
    ];
  }).flat();
  return [
    { id: 'meetingHeld', kind: 'toggle', labelKey: 'handover.agreements.meetingHeld', placeholderKey: 'handover.agreements.meetingHeldTitle' },
    { id: 'present', kind: 'multichoice', labelKey: 'handover.agreements.present', required: true, choices: roles },
    { id: 'feedbackHeading', kind: 'heading', labelKey: 'handover.agreements.feedbackHeading' },
    ...feedback,
    { id: 'evaluationHeading', kind: 'heading', labelKey: 'handover.agreements.evaluationHeading' },
    { id: 'evaluationDate', kind: 'date', labelKey: 'handover.agreements.evaluationDate', required: true },
    { id: 'evaluationWith', kind: 'multichoice', labelKey: 'handover.agreements.evaluationWith', required: true, choices: roles },
    { id: 'aftercareHeading', kind: 'heading', labelKey: 'handover.agreements.aftercareHeading' },
    { id: 'aftercareWhat', kind: 'multiline', labelKey: 'handover.agreements.aftercareWhat', required: true, maxLength: 500 },
    { id: 'aftercareWho', kind: 'choice', labelKey: 'handover.agreements.aftercareWho', required: true, choices: schoolSide },
    { id: 'aftercareUntil', kind: 'date', labelKey: 'handover.agreements.aftercareUntil', required: true },
    { id: 'consentHeading', kind: 'heading', labelKey: 'handover.agreements.consentHeading' },
    { id: 'parentsAgree', kind: 'toggle', labelKey: 'handover.agreements.parentsAgree', placeholderKey: 'handover.agreements.parentsAgreeTitle', required: true },
    { id: 'pupilAgrees', kind: 'choice', labelKey: 'handover.agreements.pupilAgrees', placeholderKey: 'handover.agreements.notApplicable', choices: [{ value: 'true', labelKey: 'referral.yesNo.ja' }, { value: 'false', labelKey: 'referral.yesNo.nee' }] },
    { id: 'otherAgreements', kind: 'multiline', labelKey: 'handover.agreements.other', maxLength: 2000 },
  ];
}
