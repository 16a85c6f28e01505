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
  /**
   * A group of fields shown only on demand (e.g. a second parent): hidden until one of them has a
   * value or an error, or until a `reveal` field naming the group is clicked.
   */
  group?: string;
  /** For `kind: 'reveal'`: the group its button shows (the button hides itself). */
  reveals?: string;
  /** For `kind: 'multichoice'`: one compact drop-down with check marks instead of a list of check boxes. */
  compact?: boolean;
  /** For `kind: 'date'`: shown as today when empty, the usual answer (a consent date). */
  defaultToday?: boolean;
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

const filled = (value: string | undefined) => value !== undefined && value.trim() !== '' && value !== 'false';

/** Field definitions + values + errors → the form card's field views. `today` fills `defaultToday` dates. */
export function fieldViews(defs: FieldDef[], values: RawValues, errors: FieldErrors, tr: Translate, today?: string): FieldViewInput[] {
  const shown = new Set(defs.filter((d) => d.group && d.id && (filled(values[d.id]) || errors[d.id])).map((d) => d.group));
  const rowId = (i: number) => `row${i}`;
  const visible = (d: FieldDef) => (!d.group || shown.has(d.group)) && !(d.kind === 'reveal' && d.reveals && shown.has(d.reveals));
  return defs.map((d, i) => ({
    kind: d.kind,
    id: d.id,
    rowId: rowId(i),
    visible: visible(d),
    compact: d.compact ?? false,
    targets: d.kind === 'reveal' ? [rowId(i), ...defs.flatMap((other, j) => (other.group && other.group === d.reveals ? [rowId(j)] : []))] : [],
    // Required fields are marked, not enforced by the client: Teams would block "Terug" and
    // "Later verder" on an empty required input and lose what was typed. The server validates.
    label: `${tr(d.labelKey, d.labelParams)}${d.required ? ' *' : ''}`,
    value: values[d.id] ?? (d.defaultToday && today ? today : ''),
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
    if (d.kind === 'heading' || d.kind === 'info' || d.kind === 'reveal') continue;
    const v = data[d.id];
    if (typeof v === 'string') raw[d.id] = v;
    else if (typeof v === 'boolean' || typeof v === 'number') raw[d.id] = String(v);
  }
  return raw;
}
