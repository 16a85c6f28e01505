import type { FieldErrors } from '../../src/domain/validation.js';
import type { FieldViewInput } from '../form/index.js';

/** How one form field looks; labels and choices are i18n keys. */
export interface FieldDef {
  id: string;
  kind: FieldViewInput['kind'];
  labelKey: string;
  /** Placeholders in the label, e.g. a parent's name in a consent heading (1:1 cards only). */
  labelParams?: Record<string, string>;
  required?: boolean;
  maxLength?: number;
  inputStyle?: 'text' | 'email' | 'tel';
  placeholderKey?: string;
  /** Options: an i18n key, or a literal label for configured values (ETM/LIRIK outcomes). */
  choices?: { value: string; labelKey?: string; label?: string }[];
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Raw values as the card shows them: everything a string, so typed text comes back unchanged. */
export type RawValues = Record<string, string>;

/** Turns stored or submitted values into the card's input values (booleans → "true"/"false", arrays → "a,b"). */
export function toRawValues(values: object | undefined): RawValues {
  const raw: RawValues = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === undefined || value === null) continue;
    raw[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return raw;
}

/** Field definitions + values + errors → the form card's field views. */
export function fieldViews(defs: FieldDef[], values: RawValues, errors: FieldErrors, tr: Translate): FieldViewInput[] {
  return defs.map((d) => ({
    kind: d.kind,
    id: d.id,
    // Required fields are marked, not enforced by the client: Teams would block "Terug" and
    // "Later verder" on an empty required input and lose what was typed. The server validates.
    label: `${tr(d.labelKey, d.labelParams)}${d.required ? ' *' : ''}`,
    value: values[d.id] ?? '',
    placeholder: d.placeholderKey ? tr(d.placeholderKey) : '',
    required: false,
    requiredMessage: '',
    maxLength: d.maxLength ?? 500,
    inputStyle: d.inputStyle ?? 'text',
    choices: (d.choices ?? []).map((c) => ({ value: c.value, title: c.label ?? tr(c.labelKey ?? c.value) })),
    error: errors[d.id] ? tr(errors[d.id] as string) : '',
  }));
}

/** Picks the submitted inputs of these fields out of an action's data, as strings. */
export function pickInputs(defs: FieldDef[], data: Record<string, unknown>): RawValues {
  const raw: RawValues = {};
  for (const d of defs) {
    if (d.kind === 'heading' || d.kind === 'info') continue;
    const v = data[d.id];
    if (typeof v === 'string') raw[d.id] = v;
    else if (typeof v === 'boolean' || typeof v === 'number') raw[d.id] = String(v);
  }
  return raw;
}
