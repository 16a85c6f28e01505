import { z } from 'zod';
import { DateTime } from 'luxon';

/** Inputs arrive from Adaptive Cards as strings; blank means "not given". */
export const text = (max: number) => z.string({ required_error: 'v.required' }).trim().min(1, 'v.required').max(max, 'v.tooLong');
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, 'v.tooLong')
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v));
/**
 * A raw input checked further on (a choice, a phone number, a date): capped here so that no
 * value beyond what the card can show again is ever accepted or stored.
 */
export const rawInput = (max = 200) => z.string().max(max, 'v.tooLong').optional();
export const toggle = z
  .union([z.boolean(), z.enum(['true', 'false']), z.literal('')])
  .optional()
  .transform((v) => v === true || v === 'true');

export const isoDate = z
  .string({ required_error: 'v.required' })
  .trim()
  .min(1, 'v.required')
  .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v).isValid, 'v.date');

/** Dutch postcode, normalised to `1234 AB`. */
export const postcode = z
  .string({ required_error: 'v.required' })
  .trim()
  .min(1, 'v.required')
  .transform((v) => v.toUpperCase().replace(/\s+/g, ''))
  .refine((v) => /^[1-9]\d{3}[A-Z]{2}$/.test(v) && !/^\d{4}(SA|SD|SS)$/.test(v), 'v.postcode')
  .transform((v) => `${v.slice(0, 4)} ${v.slice(4)}`);

export const houseNumber = z
  .string({ required_error: 'v.required' })
  .trim()
  .min(1, 'v.required')
  .refine((v) => /^\d{1,5}(\s?[A-Za-z]{1,2}|\s?-\s?\w{1,4})?$/.test(v), 'v.houseNumber');


/** Phone (normalised to E.164) and e-mail parse the same everywhere a card asks for them. */
export { dutchPhoneField as phone, emailField as email } from '../cardFields.js';

/** A multi-select ChoiceSet sends "a,b,c"; an empty selection sends "" or nothing. */
export const multiSelect = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(',')).map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(z.enum(values, { errorMap: () => ({ message: 'v.choose' }) })));
