import { z } from 'zod';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import { VERBS } from '../verbs.js';
import template from './template.json' with { type: 'json' };

/** Data of the evaluation card: the questions of the year and the school × wijkteam pairs to answer about. */
export const EvaluationCardDataSchema = z.object({
  title: z.string(),
  intro: z.string(),
  reminder: z.string().default(''),
  period: z.string().regex(/^\d{4}$/),
  cellLabel: z.string(),
  cells: z.array(z.object({ title: z.string(), value: z.string() })).min(1),
  scaleHint: z.string(),
  questions: z.array(z.object({ inputId: z.string(), type: z.enum(['scale', 'open']), text: z.string() })).min(1),
  sendTitle: z.string(),
  verb: z.literal(VERBS.evaluationAnswer).default(VERBS.evaluationAnswer),
});

export type EvaluationCardData = z.input<typeof EvaluationCardDataSchema>;

export function renderEvaluationCard(data: EvaluationCardData): AdaptiveCardJson {
  return expandCard(template, EvaluationCardDataSchema.parse(data));
}
