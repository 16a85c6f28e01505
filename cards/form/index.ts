import { z } from 'zod';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import template from './template.json' with { type: 'json' };

const Choice = z.object({ title: z.string(), value: z.string() });

/** One input (or heading/info line) of a form card; every key present so no binding stays unresolved. */
export const FieldViewSchema = z.object({
  /**
   * `people`: the Teams people picker (a ChoiceSet searching the organisation's directory through
   * `graph.microsoft.com/users`); submits the chosen person's Entra object id. Only Teams fills it:
   * elsewhere (Agents Playground) it stays empty, so a form offers a typed alternative beside it.
   * A current value is shown when `choices` holds it with its title.
   */
  kind: z.enum(['heading', 'info', 'text', 'multiline', 'date', 'time', 'choice', 'multichoice', 'radio', 'toggle', 'reveal', 'people']),
  id: z.string().default(''),
  /** Id of the field's row on the card, the target of a `reveal` button; set by the renderer when absent. */
  rowId: z.string().default(''),
  visible: z.boolean().default(true),
  /** A multi-select shown as one compact drop-down rather than a list of check boxes. */
  compact: z.boolean().default(false),
  /** For `reveal`: the rows its Action.ToggleVisibility shows or hides. */
  targets: z.array(z.string()).default([]),
  label: z.string(),
  value: z.string().default(''),
  placeholder: z.string().default(''),
  required: z.boolean().default(false),
  requiredMessage: z.string().default(''),
  maxLength: z.number().int().positive().default(500),
  inputStyle: z.enum(['text', 'email', 'tel']).default('text'),
  choices: z.array(Choice).default([]),
  error: z.string().default(''),
});

export const ActionViewSchema = z.object({
  verb: z.string().min(1),
  title: z.string(),
  style: z.enum(['default', 'positive', 'destructive']).default('default'),
  /** false: the action sends no inputs and skips client-side required checks. */
  validate: z.boolean().default(true),
  data: z.record(z.unknown()),
});

/** Data of the generic form card: one section of a form, with errors and notices. */
export const FormCardDataSchema = z.object({
  title: z.string(),
  subtitle: z.string().default(''),
  notice: z
    .object({ text: z.string(), color: z.enum(['Default', 'Good', 'Attention', 'Warning', 'Accent']), style: z.enum(['default', 'good', 'attention', 'warning', 'emphasis']) })
    .default({ text: '', color: 'Default', style: 'default' }),
  facts: z.array(z.object({ title: z.string(), value: z.string() })).default([]),
  fields: z.array(FieldViewSchema).default([]),
  footer: z.string().default(''),
  actions: z.array(ActionViewSchema).default([]),
  /** Secondary actions behind one "Meer" button (Action.ShowCard), so a row keeps at most three buttons. */
  more: z.array(ActionViewSchema).default([]),
  moreLabel: z.string().default(''),
  /** Buttons that open a URL (signed downloads), after the actions. */
  links: z.array(z.object({ title: z.string(), url: z.string().url() })).default([]),
});

export type FormCardInput = z.input<typeof FormCardDataSchema>;
export type FieldViewInput = z.input<typeof FieldViewSchema>;

export function renderFormCard(data: FormCardInput): AdaptiveCardJson {
  const parsed = FormCardDataSchema.parse(data);
  // Rows named by a field list (`row<i>`, targets of "Nog een …") keep their ids; the others get ids of their own.
  parsed.fields = parsed.fields.map((f, i) => (f.rowId ? f : { ...f, rowId: `item${i}` }));
  return expandCard(template, parsed);
}
