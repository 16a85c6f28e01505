import { DateTime } from 'luxon';
import { z, type RefinementCtx, type ZodType, type ZodTypeDef } from 'zod';

/**
 * Parsers for Adaptive Card input values. Cards send every value as a string ("" when left
 * empty; Input.Toggle sends "true"/"false"; a multi-select ChoiceSet sends "a,b,c"), so each
 * parser takes a string and yields the typed value, with a message key on failure.
 */
type FieldSchema<T> = ZodType<T, ZodTypeDef, unknown>;

export const isoDateField: FieldSchema<string> = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'v.date')
  .refine((d) => DateTime.fromISO(d).isValid, 'v.date');

export const timeField: FieldSchema<string> = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'v.handover.time');

/** A date strictly after `today` (both local `YYYY-MM-DD`). */
export function futureDateField(today: string): FieldSchema<string> {
  return isoDateField.refine((d) => d > today, 'v.dateInPast');
}

export const toggleField: FieldSchema<boolean> = z
  .union([z.boolean(), z.enum(['true', 'false'])], { errorMap: () => ({ message: 'v.invalid' }) })
  .transform((v) => v === true || v === 'true');

export function textField(max: number): FieldSchema<string> {
  return z.string({ invalid_type_error: 'v.invalid' }).trim().max(max, 'v.tooLong');
}

export function choiceField<const T extends readonly [string, ...string[]]>(values: T): FieldSchema<T[number]> {
  return z.enum(values, { errorMap: () => ({ message: 'v.choose' }) });
}

/** A comma-separated multi-select value: trimmed, de-duplicated, every entry one of `values`. */
export function multiChoiceField<const T extends readonly [string, ...string[]]>(values: T): FieldSchema<T[number][]> {
  const one = choiceField(values);
  return z
    .string()
    .transform((s) => [...new Set(s.split(',').map((p) => p.trim()).filter((p) => p.length > 0))])
    .pipe(z.array(one).min(1, 'v.choose'));
}

export function intField(min: number, max: number, key: string): FieldSchema<number> {
  return z
    .string()
    .regex(/^\d+$/, key)
    .transform(Number)
    .pipe(z.number().int().min(min, key).max(max, key));
}

export const emailField: FieldSchema<string> = z.string().trim().toLowerCase().email('v.email').max(254, 'v.email');

/**
 * A Dutch phone number (06 12345678, +31 6 12345678, 0031 6…, 010-1234567, +31 (0)10 123 4567),
 * normalised to E.164 (`+31612345678`) so the same number always compares equal.
 */
export const dutchPhoneField: FieldSchema<string> = z
  .string()
  .transform((s) => s.replace(/\(0\)/g, '').replace(/[\s\-.()]/g, ''))
  .refine((s) => /^(?:\+31|0031|0)[1-9]\d{8}$/.test(s), 'v.phone')
  .transform((s) => `+31${s.replace(/^(?:\+31|0031|0)/, '')}`);

/**
 * Reads flat card fields one by one, reporting every problem on the field's own id. Lets a
 * schema report all field errors at once and run cross-field rules on what did parse.
 */
export class FieldReader {
  /** Whether any field was reported; a schema then returns `z.NEVER`. */
  failed = false;

  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly ctx: RefinementCtx,
  ) {}

  /** Whether the card sent a non-empty value for the field. */
  has(id: string): boolean {
    const v = this.raw[id];
    return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
  }

  /** The parsed value, or undefined when empty (no error) or invalid (error recorded). */
  optional<T>(id: string, schema: FieldSchema<T>): T | undefined {
    if (!this.has(id)) return undefined;
    const result = schema.safeParse(this.raw[id]);
    if (result.success) return result.data;
    this.fail(id, result.error.issues[0]?.message ?? 'v.invalid');
    return undefined;
  }

  /** Like {@link optional}, but an empty field is an error (`v.required`). */
  required<T>(id: string, schema: FieldSchema<T>): T | undefined {
    if (!this.has(id)) {
      this.fail(id, 'v.required');
      return undefined;
    }
    return this.optional(id, schema);
  }

  fail(id: string, key: string): void {
    this.failed = true;
    this.ctx.addIssue({ code: z.ZodIssueCode.custom, path: [id], message: key });
  }
}

/** The flat object an Action.Execute sends; other keys (verb, ids) are ignored by the readers. */
export const cardData = z.record(z.unknown(), { errorMap: () => ({ message: 'v.invalid' }) });
