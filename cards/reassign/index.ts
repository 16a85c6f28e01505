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
