import { z } from 'zod';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import template from './template.json' with { type: 'json' };

/** One case (or draft) in a person's list: who, where it stands, what is next, and one button to open it. */
export const CaseRowSchema = z.object({
  heading: z.string(),
  detail: z.string(),
  next: z.string().default(''),
  /** `Attention` for overdue, `Warning` for due within two days, else `Default`. */
  nextColor: z.enum(['Default', 'Warning', 'Attention']).default('Default'),
  open: z.object({ title: z.string(), verb: z.string().min(1), data: z.record(z.unknown()) }),
});

export const CaseListDataSchema = z.object({
  title: z.string(),
  subtitle: z.string().default(''),
  rows: z.array(CaseRowSchema),
  footer: z.string().default(''),
});

/**
 * What a row's "Openen" / "Verder" button sends: the referral's id only (the open verbs' handlers
 * reload it, and the gate asks the access matrix first).
 */
export const CaseListActionSchema = z.object({ referralId: z.string().uuid() });

export type CaseListInput = z.input<typeof CaseListDataSchema>;

/** `mijn casussen` and `concepten`: a list card, overdue first (the lists are built in `lists.ts`). */
export function renderCaseList(data: CaseListInput): AdaptiveCardJson {
  return expandCard(template, CaseListDataSchema.parse(data));
}
