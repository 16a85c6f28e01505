import { z } from 'zod';
import { DateTime } from 'luxon';
import { email, houseNumber, isoDate, optionalText, postcode, rawInput, text, toggle } from './fields.js';

export const GENDERS = ['meisje', 'jongen', 'anders'] as const;

/** Whole years between a date of birth and a day (both `YYYY-MM-DD`). */
export function ageOn(dateOfBirth: string, day: string): number {
  return Math.floor(DateTime.fromISO(day).diff(DateTime.fromISO(dateOfBirth), 'years').years);
}

export const SCHOOL_AGE = { min: 4, max: 23 } as const;

/** From this age the pupil can be a party by e-mail (12–16 alongside the parents, from 16 instead of them). */
export const PUPIL_CONTACT_MIN_AGE = 12;

/** An Entra object id as the Teams people picker submits it. */
const ENTRA_ID = /^[0-9a-zA-Z-]{1,64}$/;

/**
 * Section 1 of the aanmeldformulier: the jeugdige. No BSN on purpose: Schakel does not need it.
 * `today` (local date) bounds the date of birth.
 */
export function pupilSchema(today: string) {
  return z
    .object({
      firstNames: text(100),
      surname: text(100),
      dateOfBirth: isoDate
        .refine((d) => d <= today, 'v.dateInFuture')
        .refine((d) => d > today || (ageOn(d, today) >= SCHOOL_AGE.min && ageOn(d, today) <= SCHOOL_AGE.max), 'v.schoolAge'),
      gender: z
        .enum([...GENDERS, ''], { errorMap: () => ({ message: 'v.choose' }) })
        .optional()
        .transform((v) => (v === '' || v === undefined ? undefined : v)),
      postcode,
      houseNumber,
      school: text(150),
      group: text(30),
      homeLanguages: optionalText(200),
      interpreterNeeded: toggle,
      /** The school contact (IB-er/zorgcoördinator) chosen with the Teams people picker: their Entra object id. */
      schoolContactId: rawInput(64).transform((v) => (v?.trim() ? v.trim() : undefined)),
      /** Name (required for someone outside the organisation; for a picked colleague, else resolved from Teams). */
      schoolContactName: optionalText(120),
      schoolContactEmail: rawInput(254),
      /** The pupil's own e-mail address (from 12): agreements and reminders with dates only. */
      pupilEmail: rawInput(254),
    })
    .superRefine((v, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
      if (v.schoolContactId && !ENTRA_ID.test(v.schoolContactId)) issue('schoolContactId', 'v.schoolContactPick');
      const contactEmail = v.schoolContactEmail?.trim() ? email.safeParse(v.schoolContactEmail) : undefined;
      if (contactEmail && !contactEmail.success) issue('schoolContactEmail', contactEmail.error.issues[0]?.message ?? 'v.email');
      // Someone outside the organisation: a name and an e-mail address, both.
      if (!v.schoolContactId && v.schoolContactName && !contactEmail) issue('schoolContactEmail', 'v.schoolContactReach');
      if (!v.schoolContactId && contactEmail && !v.schoolContactName) issue('schoolContactName', 'v.required');
      const pupilEmail = v.pupilEmail?.trim() ? email.safeParse(v.pupilEmail) : undefined;
      if (pupilEmail && !pupilEmail.success) issue('pupilEmail', pupilEmail.error.issues[0]?.message ?? 'v.email');
      else if (pupilEmail && /^\d{4}-\d{2}-\d{2}$/.test(v.dateOfBirth) && ageOn(v.dateOfBirth, today) < PUPIL_CONTACT_MIN_AGE) issue('pupilEmail', 'v.pupilEmailAge');
    })
    .transform(({ schoolContactEmail, pupilEmail, ...v }) => {
      const contactEmail = schoolContactEmail?.trim() ? email.parse(schoolContactEmail) : undefined;
      const ownEmail = pupilEmail?.trim() ? email.parse(pupilEmail) : undefined;
      return { ...v, ...(contactEmail ? { schoolContactEmail: contactEmail } : {}), ...(ownEmail ? { pupilEmail: ownEmail } : {}) };
    });
}

export type PupilSection = z.output<ReturnType<typeof pupilSchema>>;
