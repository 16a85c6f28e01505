import { stringify } from 'csv-stringify/sync';
import { evaluationResults, type EvaluationResults, type Question } from '../domain/evaluation.js';
import { AGREED_COUNTERS, normCounter, shown } from '../domain/registration.js';
import { buildYearReport, TABLE_COUNTERS, type YearReport } from '../domain/report.js';
import type { ServiceNormRule } from '../domain/serviceNorms.js';
import { t } from '../i18n/index.js';
import type { EvaluationRepository } from '../store/evaluation.js';
import type { RegistrationRepository } from '../store/registration.js';
import { groupedBars, rankedBars, renderChart, type Png } from './charts.js';

/**
 * The Servicepunt's report as files: the year's figures from the registration aggregates only
 * (never the referrals), its charts as PNG and its tables as CSV, all with small cells suppressed.
 */

export interface ReportSources {
  registration: RegistrationRepository;
  evaluations: EvaluationRepository;
  norms: ServiceNormRule[];
  minCell: number;
  xtra: { minCaseload: number; minWijkteams: number };
  wijkteamName: () => Promise<(id: string) => string>;
}

export interface EvaluationView {
  status: 'open' | 'closed';
  questions: Question[];
  results: EvaluationResults;
}

export async function loadYearReport(src: ReportSources, year: string): Promise<YearReport> {
  return buildYearReport(year, await src.registration.cells(year), src.norms, src.xtra);
}

export async function loadEvaluation(src: ReportSources, year: string): Promise<EvaluationView | undefined> {
  const evaluation = await src.evaluations.get(year);
  if (!evaluation) return undefined;
  return { status: evaluation.status, questions: evaluation.questions, results: evaluationResults(await src.evaluations.answers(year), evaluation.questions, src.minCell) };
}

/** A count for a chart: suppressed (not drawn) below the threshold. */
const plotted = (v: number, min: number): number | null => (v > 0 && v < min ? null : v);

const MONTH_SERIES = ['sent', 'accepted', 'declined', 'redirected'] as const;

export function overviewChart(report: YearReport, minCell: number): Promise<Png> {
  const rows = report.months.flatMap(({ month, counts }) =>
    MONTH_SERIES.map((s) => ({ x: month.slice(5), series: t('nl', `report.counter.${s}`), value: plotted(counts[s] ?? 0, minCell) })),
  );
  return renderChart(groupedBars(t('nl', 'report.chart.overview', { year: report.year }), rows, t('nl', 'report.chart.referrals')));
}

export function xtraChart(report: YearReport, minCell: number): Promise<Png> {
  const rows = report.xtra.slice(0, 25).map((r) => ({ label: `${r.rank}. ${r.school} (${r.wijkteams})`, value: plotted(r.caseload, minCell), mark: r.candidate }));
  return renderChart(rankedBars(t('nl', 'report.chart.xtra', { year: report.year }), rows, t('nl', 'report.chart.referrals'), [t('nl', 'report.xtra.candidate'), t('nl', 'report.xtra.other')]));
}

export function evaluationChart(year: string, view: EvaluationView): Promise<Png> {
  const rows = view.results.overall.questions.map((q) => ({ label: `${q.questionId}: ${q.text.slice(0, 50)}`, value: q.mean ?? null, mark: q.part === 'process' }));
  return renderChart(rankedBars(t('nl', 'report.chart.evaluation', { year }), rows, t('nl', 'report.chart.meanScore'), [t('nl', 'evaluation.part.process'), t('nl', 'evaluation.part.content')]));
}

/** The school × wijkteam table as CSV (`;`-separated with a BOM, as Dutch Excel opens it). */
export function tableCsv(report: YearReport, norms: ServiceNormRule[], minCell: number, name: (id: string) => string): string {
  const header = ['school', 'wijkteam', ...TABLE_COUNTERS, ...norms.flatMap((n) => [`${n.id}_binnen_norm`, `${n.id}_buiten_norm`]), 'afspraken_op_tijd', 'afspraken_te_laat', 'afspraken_geescaleerd'];
  const rows = report.table.map((r) => [
    r.school,
    name(r.wijkteamId),
    ...TABLE_COUNTERS.map((c) => shown(r.counts[c] ?? 0, minCell)),
    ...norms.flatMap((n) => [shown(r.counts[normCounter(n.id, 'met')] ?? 0, minCell), shown(r.counts[normCounter(n.id, 'missed')] ?? 0, minCell)]),
    ...AGREED_COUNTERS.map((c) => shown(r.counts[c] ?? 0, minCell)),
  ]);
  return csv([header, ...rows]);
}

export function xtraCsv(report: YearReport, minCell: number): string {
  const rows = report.xtra.map((r) => [String(r.rank), r.school, shown(r.caseload, minCell), String(r.wijkteams), r.candidate ? 'ja' : 'nee']);
  return csv([['rang', 'school', 'aanmeldingen', 'wijkteams', 'kandidaat_smw_xtra'], ...rows]);
}

export function evaluationCsv(view: EvaluationView, minCell: number, name: (id: string) => string): string {
  const scale = view.questions.filter((q) => q.type === 'scale');
  const mean = (qs: { questionId: string; mean?: number }[], id: string) => {
    const m = qs.find((q) => q.questionId === id)?.mean;
    return m === undefined ? '' : m.toFixed(2);
  };
  const rows = view.results.cells.map((c) => [c.school, name(c.wijkteamId), shown(c.answers, minCell), ...scale.map((q) => (c.suppressed ? '' : mean(c.questions, q.id)))]);
  const overall = ['(totaal)', '', shown(view.results.overall.answers, minCell), ...scale.map((q) => mean(view.results.overall.questions, q.id))];
  return csv([['school', 'wijkteam', 'antwoorden', ...scale.map((q) => q.id)], ...rows, overall]);
}

function csv(rows: string[][]): string {
  return `\ufeff${stringify(rows, { delimiter: ';' })}`;
}
