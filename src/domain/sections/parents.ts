import { z } from 'zod';
import { email, optionalText, phone, rawInput } from './fields.js';

export const RELATIONS = ['moeder', 'vader', 'verzorger', 'voogd', 'anders'] as const;
export const YES_NO_UNKNOWN = ['ja', 'nee', 'onbekend'] as const;
/** The family's home language, when the page for parents should speak it (optional). */
export const HOME_LANGUAGES = ['nl', 'en', 'tr', 'ar', 'pl'] as const;

/** How many parents/carers the card offers; the second (and third) are optional. */
export const PARENT_SLOTS = 3;

/** One parent or carer, as stored. */
export interface Parent {
  slot: number;
  name: string;
  relation: (typeof RELATIONS)[number];
  /** Parental authority (gezag): decides whose consent is needed. */
  authority: (typeof YES_NO_UNKNOWN)[number];
  phone?: string;
  email?: string;
  /** Knows of the aanmelding. */
  informed: boolean;
  /** Agrees with the aanmelding. */
  agrees: (typeof YES_NO_UNKNOWN)[number];
}

const choice = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: 'v.choose' }) });

/** Card field id of a parent's field, e.g. `parent1Email`. */
export const parentField = (slot: number, field: string) => `parent${slot}${field[0]!.toUpperCase()}${field.slice(1)}`;

/**
 * Section 2: ouders/verzorgers. Flat card fields (`parent0Name`, `parent0Authority`, …) so every
 * error lands beside its own input. The first parent is required; a later slot counts once its
 * name is filled in, and then needs its relation, gezag and a way to reach them.
 */
export function parentsSchema() {
  const shape: Record<string, z.ZodTypeAny> = {};
  for (let slot = 0; slot < PARENT_SLOTS; slot++) {
    // The first parent's name is required, but checked in the refinement below: zod skips a
    // refinement when the object's own fields fail, so a required name here would hold back
    // every other error of the section until the name is filled in.
    shape[parentField(slot, 'name')] = optionalText(100);
    shape[parentField(slot, 'relation')] = rawInput();
    shape[parentField(slot, 'authority')] = rawInput();
    shape[parentField(slot, 'phone')] = rawInput(30);
    shape[parentField(slot, 'email')] = rawInput(254);
    shape[parentField(slot, 'informed')] = z.union([z.string().max(10, 'v.tooLong'), z.boolean()]).optional();
    shape[parentField(slot, 'agrees')] = rawInput();
  }
  shape.homeLanguage = rawInput();
  return z
    .object(shape)
    .superRefine((raw, ctx) => {
      const home = String(raw.homeLanguage ?? '').trim();
      if (home && !(HOME_LANGUAGES as readonly string[]).includes(home)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['homeLanguage'], message: 'v.choose' });
      for (let slot = 0; slot < PARENT_SLOTS; slot++) {
        const f = (name: string) => parentField(slot, name);
        const name = raw[f('name')];
        if (!name && slot > 0) continue;
        if (!name) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [f('name')], message: 'v.required' });
        const check = (field: string, schema: z.ZodTypeAny, value: unknown) => {
          const r = schema.safeParse(value);
          if (!r.success) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [f(field)], message: r.error.issues[0]?.message ?? 'v.invalid' });
        };
        check('relation', choice(RELATIONS), raw[f('relation')]);
        check('authority', choice(YES_NO_UNKNOWN), raw[f('authority')]);
        check('agrees', choice(YES_NO_UNKNOWN), raw[f('agrees')]);
        const phoneValue = String(raw[f('phone')] ?? '').trim();
        const emailValue = String(raw[f('email')] ?? '').trim();
        if (phoneValue) check('phone', phone, phoneValue);
        if (emailValue) check('email', email, emailValue);
        if (!phoneValue && !emailValue) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [f('phone')], message: 'v.phoneOrEmail' });
      }
    })
    .transform((raw) => {
      const clean: Record<string, string | boolean> = {};
      for (let slot = 0; slot < PARENT_SLOTS; slot++) {
        const f = (name: string) => parentField(slot, name);
        if (!raw[f('name')]) continue;
        for (const field of ['name', 'relation', 'authority', 'phone', 'email', 'agrees']) {
          const v = String(raw[f(field)] ?? '').trim();
          if (v) clean[f(field)] = v;
        }
        clean[f('informed')] = raw[f('informed')] === true || raw[f('informed')] === 'true';
      }
      const home = String(raw.homeLanguage ?? '').trim();
      if (home) clean.homeLanguage = home;
      return clean;
    });
}

export type ParentsSection = Record<string, string | boolean>;

/** The parents of a stored section as objects. */
export function parentsOf(section: ParentsSection | undefined): Parent[] {
  if (!section) return [];
  const out: Parent[] = [];
  for (let slot = 0; slot < PARENT_SLOTS; slot++) {
    const get = (field: string) => section[parentField(slot, field)];
    const name = get('name');
    if (typeof name !== 'string' || !name) continue;
    out.push({
      slot,
      name,
      relation: get('relation') as Parent['relation'],
      authority: get('authority') as Parent['authority'],
      phone: (get('phone') as string | undefined) || undefined,
      email: (get('email') as string | undefined) || undefined,
      informed: get('informed') === true,
      agrees: get('agrees') as Parent['agrees'],
    });
  }
  return out;
}
