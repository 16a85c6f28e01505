import { DateTime } from 'luxon';
import { z, type ZodType, type ZodTypeDef } from 'zod';
import {
  FieldReader,
  cardData,
  choiceField,
  dutchPhoneField,
  emailField,
  futureDateField,
  intField,
  isoDateField,
  multiChoiceField,
  textField,
  timeField,
  toggleField,
} from './cardFields.js';
import type { ParentAvailability, WeeklyPart } from './slots.js';
import type { ExternalContact } from './types.js';

/** Where the warme overdracht takes place. */
export const MEETING_FORMS = ['school', 'home', 'wijkteam', 'online'] as const;
export type MeetingForm = (typeof MEETING_FORMS)[number];

/** Choice values of the weekday × part-of-day multi-select: `1-ochtend` … `5-avond`. */
export const AVAILABILITY_CHOICES = (['1', '2', '3', '4', '5'] as const).flatMap((d) =>
  (['ochtend', 'middag', 'avond'] as const).map((p) => `${d}-${p}` as const),
) as [string, ...string[]];

/** How many free windows the card offers (`window0…` to `window2…`). */
export const PLAN_WINDOW_SLOTS = 3;

/**
 * Input ids of the card "Warme overdracht plannen"; validation errors are keyed by these ids.
 * - `parentAvailability`: Input.ChoiceSet (isMultiSelect) of {@link AVAILABILITY_CHOICES}
 * - `window{i}Date` (Input.Date), `window{i}Start`, `window{i}End` (Input.Time), i = 0…2
 * - `meetingForm`: Input.ChoiceSet of {@link MEETING_FORMS}
 * - `durationMinutes`: Input.Number or ChoiceSet, 15–240, empty = 60
 * - `pupilJoins`: Input.Toggle ("true"/"false")
 * - `parentName`, `parentEmail`, `parentPhone`: Input.Text
 */
export const PLAN_REQUEST_FIELDS = [
  'parentAvailability',
  ...Array.from({ length: PLAN_WINDOW_SLOTS }, (_, i) => [`window${i}Date`, `window${i}Start`, `window${i}End`]).flat(),
  'meetingForm',
  'durationMinutes',
  'pupilJoins',
  'parentName',
  'parentEmail',
  'parentPhone',
] as const;

const PLAN_WINDOW_IDS = PLAN_REQUEST_FIELDS.filter((id) => id.startsWith('window'));

/** A window the parents offered, in local wall-clock terms. */
export interface LocalWindow {
  date: string;
  start: string;
  end: string;
}

/** The parsed "Warme overdracht plannen" card. */
export interface PlanRequest {
  availability: { weekly: WeeklyPart[]; windows: LocalWindow[] };
  meetingForm: MeetingForm;
  durationMinutes: number;
  pupilJoins: boolean;
  /** The parent to invite: name plus at least an e-mail address or a phone number (E.164). */
  parent: ExternalContact;
}

/**
 * The planning card's schema. With `today` (local `YYYY-MM-DD`), window dates must lie after
 * today; without it only their format is checked.
 */
export function planRequestSchema(today?: string): ZodType<PlanRequest, ZodTypeDef, unknown> {
  const windowDate = today ? futureDateField(today) : isoDateField;
  return cardData.transform((raw, ctx): PlanRequest => {
    const f = new FieldReader(raw, ctx);
    const weekly = (f.optional('parentAvailability', multiChoiceField(AVAILABILITY_CHOICES)) ?? []).map(toWeeklyPart);
    const windows: LocalWindow[] = [];
    for (let i = 0; i < PLAN_WINDOW_SLOTS; i++) {
      const ids = [`window${i}Date`, `window${i}Start`, `window${i}End`] as const;
      if (!ids.some((id) => f.has(id))) continue;
      const date = f.required(ids[0], windowDate);
      const start = f.required(ids[1], timeField);
      const end = f.required(ids[2], timeField);
      if (start && end && end <= start) f.fail(ids[2], 'v.handover.windowOrder');
      else if (date && start && end) windows.push({ date, start, end });
    }
    if (!f.has('parentAvailability') && !PLAN_WINDOW_IDS.some((id) => f.has(id))) {
      f.fail('parentAvailability', 'v.handover.availabilityRequired');
    }
    const meetingForm = f.required('meetingForm', choiceField(MEETING_FORMS));
    const durationMinutes = f.optional('durationMinutes', intField(15, 240, 'v.handover.duration')) ?? 60;
    const pupilJoins = f.optional('pupilJoins', toggleField) ?? false;
    const name = f.required('parentName', textField(100));
    const email = f.optional('parentEmail', emailField);
    const phone = f.optional('parentPhone', dutchPhoneField);
    if (!f.has('parentEmail') && !f.has('parentPhone')) f.fail('parentPhone', 'v.handover.contactRequired');
    if (f.failed || meetingForm === undefined || name === undefined) return z.NEVER;
    return {
      availability: { weekly, windows },
      meetingForm,
      durationMinutes,
      pupilJoins,
      parent: { name, ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
    };
  });
}

/** The planning card's schema without a date check on the windows. */
export const PlanRequestSchema = planRequestSchema();

function toWeeklyPart(choice: string): WeeklyPart {
  const [day, part] = choice.split('-');
  return { weekday: Number(day) as WeeklyPart['weekday'], part: part as WeeklyPart['part'] };
}

/** The parents' availability for {@link findSlots}: local windows resolved in the time zone. */
export function toParentAvailability(availability: PlanRequest['availability'], timeZone: string): ParentAvailability {
  const instant = (date: string, hhmm: string) => DateTime.fromISO(`${date}T${hhmm}`, { zone: timeZone }).toJSDate();
  return {
    weekly: availability.weekly,
    windows: availability.windows.map((w) => ({ start: instant(w.date, w.start), end: instant(w.date, w.end) })),
  };
}
