import { z } from 'zod';
import { DateTime } from 'luxon';
import { houseNumber, isoDate, optionalText, postcode, text, toggle } from './fields.js';

export const GENDERS = ['meisje', 'jongen', 'anders'] as const;

/** Whole years between a date of birth and a day (both `YYYY-MM-DD`). */
export function ageOn(dateOfBirth: string, day: string): number {
  return Math.floor(DateTime.fromISO(day).diff(DateTime.fromISO(dateOfBirth), 'years').years);
}

export const SCHOOL_AGE = { min: 4, max: 23 } as const;

/**
 * Section 1 of the aanmeldformulier: the jeugdige. No BSN on purpose: Schakel does not need it.
 * `today` (local date) bounds the date of birth.
 */
export function pupilSchema(today: string) {
  return z.object({
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
  });
}

export type PupilSection = z.output<ReturnType<typeof pupilSchema>>;
