import { z } from 'zod';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import template from './template.json' with { type: 'json' };

export const ReassignCardDataSchema = z.object({
  title: z.string(),
  notice: z.string().default(''),
  noticeColor: z.enum(['Default', 'Good', 'Attention']).default('Default'),
  /** false: only the title and the notice (the answer after a hand-over). */
  form: z.boolean(),
  referralId: z.string().default(''),
  verb: z.string().default(''),
  roleLabel: z.string().default(''),
  roleValue: z.string().default(''),
  roles: z.array(z.object({ title: z.string(), value: z.string() })).default([]),
  toLabel: z.string().default(''),
  /** What was typed or picked, kept when the card comes back with an error. */
  toValue: z.string().default(''),
  /** The picked colleague as the picker's one known choice, so Teams shows the name again. */
  toChoices: z.array(z.object({ title: z.string(), value: z.string() })).default([]),
  toIdValue: z.string().default(''),
  toNameValue: z.string().default(''),
  reasonValue: z.string().default(''),
  /** A refusal about the colleague, shown beside the input that was used (`to` picker or typed `toId`). */
  toError: z.string().default(''),
  errorOn: z.enum(['to', 'toId']).default('to'),
  reasonError: z.string().default(''),
  toIdLabel: z.string().default(''),
  toNameLabel: z.string().default(''),
  reasonLabel: z.string().default(''),
  required: z.string().default(''),
  submit: z.string().default(''),
});

export type ReassignCardInput = z.input<typeof ReassignCardDataSchema>;

/** "Overdragen": the role, the colleague (Teams people picker) and the reason; or the answer after it. */
export function renderReassignCard(data: ReassignCardInput): AdaptiveCardJson {
  return expandCard(template, ReassignCardDataSchema.parse(data));
}
