import { z, type ZodType, type ZodTypeDef } from 'zod';
import {
  FieldReader,
  cardData,
  choiceField,
  futureDateField,
  multiChoiceField,
  textField,
  timeField,
  toggleField,
} from './cardFields.js';

/** Roles that can attend the warme overdracht or an evaluation. */
export const MEETING_ROLES = ['smw', 'caseManager', 'schoolContact', 'parent', 'pupil'] as const;
export type MeetingRole = (typeof MEETING_ROLES)[number];

/** Who receives terugkoppeling, and who carries out nazorg. */
export const SCHOOL_SIDE_ROLES = ['smw', 'schoolContact'] as const;
export type SchoolSideRole = (typeof SCHOOL_SIDE_ROLES)[number];

/** How terugkoppeling is given: a Teams call or chat, by phone, or in the SOT/OZO meeting. */
export const FEEDBACK_CHANNELS = ['teams', 'phone', 'sot-ozo'] as const;
export type FeedbackChannel = (typeof FEEDBACK_CHANNELS)[number];

/** How many terugkoppeling rows the card offers (`feedback0…` to `feedback2…`). */
export const FEEDBACK_SLOTS = 3;

/**
 * Input ids of the card "Afspraken warme overdracht"; validation errors are keyed by these ids.
 * - `present`: multi-select of {@link MEETING_ROLES}
 * - `feedback{i}To` ({@link SCHOOL_SIDE_ROLES}), `feedback{i}How` ({@link FEEDBACK_CHANNELS}),
 *   `feedback{i}Date` (Input.Date), `feedback{i}Time` (Input.Time, optional), i = 0…2; a row
 *   with any value must be complete; at least one row (error on `feedback0To`)
 * - `evaluationDate`, `evaluationWith` (multi-select of {@link MEETING_ROLES})
 * - `aftercareWhat` (≤ 500), `aftercareWho` ({@link SCHOOL_SIDE_ROLES}), `aftercareUntil`
 * - `parentsAgree` (Input.Toggle), `pupilAgrees` (ChoiceSet "", "true", "false"),
 *   `otherAgreements` (≤ 2000)
 */
export const AGREEMENTS_FIELDS = [
  'present',
  ...Array.from({ length: FEEDBACK_SLOTS }, (_, i) => feedbackIds(i)).flat(),
  'evaluationDate',
  'evaluationWith',
  'aftercareWhat',
  'aftercareWho',
  'aftercareUntil',
  'parentsAgree',
  'pupilAgrees',
  'otherAgreements',
] as const;

/** One terugkoppeling agreement; `slot` is the card row it came from and keeps its identity. */
export interface FeedbackAgreement {
  slot: number;
  to: SchoolSideRole;
  how: FeedbackChannel;
  date: string;
  time?: string;
}

/** The formulier warme overdracht: what was agreed about terugkoppeling, evaluatie and nazorg. */
export interface Agreements {
  present: MeetingRole[];
  feedback: FeedbackAgreement[];
  evaluation: { date: string; with: MeetingRole[] };
  aftercare: { what: string; who: SchoolSideRole; until: string };
  parentsAgree: boolean;
  pupilAgrees?: boolean;
  otherAgreements?: string;
}

function feedbackIds(i: number) {
  return [`feedback${i}To`, `feedback${i}How`, `feedback${i}Date`, `feedback${i}Time`] as const;
}

/**
 * The agreements card's schema for a given local date `today` (`YYYY-MM-DD`): every date must
 * lie after today, the evaluation after the first terugkoppeling, the end of nazorg after the
 * evaluation.
 */
export function agreementsSchema(today: string): ZodType<Agreements, ZodTypeDef, unknown> {
  const date = futureDateField(today);
  const roles = multiChoiceField(MEETING_ROLES);
  return cardData.transform((raw, ctx): Agreements => {
    const f = new FieldReader(raw, ctx);
    const present = f.required('present', roles);
    const feedback: FeedbackAgreement[] = [];
    let feedbackRows = 0;
    for (let slot = 0; slot < FEEDBACK_SLOTS; slot++) {
      const [toId, howId, dateId, timeId] = feedbackIds(slot);
      if (![toId, howId, dateId, timeId].some((id) => f.has(id))) continue;
      feedbackRows++;
      const to = f.required(toId, choiceField(SCHOOL_SIDE_ROLES));
      const how = f.required(howId, choiceField(FEEDBACK_CHANNELS));
      const on = f.required(dateId, date);
      const time = f.optional(timeId, timeField);
      if (to && how && on) feedback.push({ slot, to, how, date: on, ...(time ? { time } : {}) });
    }
    if (feedbackRows === 0) f.fail('feedback0To', 'v.handover.feedbackRequired');

    const evaluationDate = f.required('evaluationDate', date);
    const evaluationWith = f.required('evaluationWith', roles);
    const firstFeedback = feedback.map((x) => x.date).sort()[0];
    if (evaluationDate && firstFeedback && evaluationDate <= firstFeedback) {
      f.fail('evaluationDate', 'v.handover.evaluationAfterFeedback');
    }
    const what = f.required('aftercareWhat', textField(500));
    const who = f.required('aftercareWho', choiceField(SCHOOL_SIDE_ROLES));
    const until = f.required('aftercareUntil', date);
    if (until && evaluationDate && until <= evaluationDate) f.fail('aftercareUntil', 'v.handover.aftercareAfterEvaluation');

    const parentsAgree = f.required('parentsAgree', toggleField);
    const pupilAgrees = f.optional('pupilAgrees', toggleField);
    const otherAgreements = f.optional('otherAgreements', textField(2000));

    if (f.failed || !present || !evaluationDate || !evaluationWith || !what || !who || !until || parentsAgree === undefined) {
      return z.NEVER;
    }
    return {
      present,
      feedback,
      evaluation: { date: evaluationDate, with: evaluationWith },
      aftercare: { what, who, until },
      parentsAgree,
      ...(pupilAgrees === undefined ? {} : { pupilAgrees }),
      ...(otherAgreements ? { otherAgreements } : {}),
    };
  });
}

/** The card's input values for agreements, to prefill the card when they are edited. */
export function agreementsToCardValues(a: Agreements): Record<string, string> {
  const values: Record<string, string> = {
    present: a.present.join(','),
    evaluationDate: a.evaluation.date,
    evaluationWith: a.evaluation.with.join(','),
    aftercareWhat: a.aftercare.what,
    aftercareWho: a.aftercare.who,
    aftercareUntil: a.aftercare.until,
    parentsAgree: String(a.parentsAgree),
    pupilAgrees: a.pupilAgrees === undefined ? '' : String(a.pupilAgrees),
    otherAgreements: a.otherAgreements ?? '',
  };
  for (const item of a.feedback) {
    const [toId, howId, dateId, timeId] = feedbackIds(item.slot);
    Object.assign(values, { [toId]: item.to, [howId]: item.how, [dateId]: item.date, [timeId]: item.time ?? '' });
  }
  return values;
}
