import type { ZodError, ZodType, ZodTypeDef } from 'zod';

/**
 * Field id → message key. Domain schemas put message *keys* (see `src/i18n`) in their zod
 * messages, so the domain stays language-free and the bot shows them in Dutch or English.
 */
export type FieldErrors = Record<string, string>;

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The first message per field, keyed by the dotted path (`parents.0.email`). */
export function toFieldErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_form';
    if (errors[key] !== undefined) continue;
    errors[key] = issue.message.startsWith('v.') ? issue.message : mapZodCode(issue.code);
  }
  return errors;
}

/** Falls back to a generic key when a schema left zod's own English message. */
function mapZodCode(code: string): string {
  switch (code) {
    case 'invalid_type':
      return 'v.required';
    case 'too_big':
      return 'v.tooLong';
    case 'too_small':
      return 'v.required';
    case 'invalid_enum_value':
      return 'v.choose';
    default:
      return 'v.invalid';
  }
}

export function validate<T>(schema: ZodType<T, ZodTypeDef, unknown>, input: unknown): Validated<T> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error) };
}
