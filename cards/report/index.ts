import { z } from 'zod';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import template from './template.json' with { type: 'json' };

const Fact = z.object({ title: z.string(), value: z.string() });
const Chart = z.object({ url: z.string().url(), alt: z.string() });

/** Data of the coordinator's report card: key figures, norms, SMW-XTRA, evaluation, charts and downloads. */
export const ReportCardDataSchema = z.object({
  title: z.string(),
  subtitle: z.string(),
  totals: z.array(Fact).min(1),
  normsTitle: z.string(),
  norms: z.array(Fact),
  overviewChart: Chart,
  xtraTitle: z.string(),
  xtraCriteria: z.string(),
  xtra: z.array(Fact),
  xtraChart: Chart,
  evaluation: z.object({ shown: z.boolean(), title: z.string(), status: z.string(), facts: z.array(Fact), chartUrl: z.string() }),
  downloads: z.array(z.object({ title: z.string(), url: z.string().url() })).min(1),
});

export type ReportCardData = z.input<typeof ReportCardDataSchema>;

export function renderReportCard(data: ReportCardData): AdaptiveCardJson {
  return expandCard(template, ReportCardDataSchema.parse(data));
}
