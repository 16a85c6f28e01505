import { readFile } from 'node:fs/promises';
import { formatDate } from '../../i18n/format.js';
import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderEvaluationCard } from '../../../cards/evaluation/index.js';
import { renderFormCard } from '../../../cards/form/index.js';
import { renderReportCard } from '../../../cards/report/index.js';
import { VERBS } from '../../../cards/verbs.js';
import { answerSchema, CELL_SEPARATOR, EvaluationConfigSchema, TEAM_ANSWER_SCHOOL, toAnswer, type Evaluation } from '../../domain/evaluation.js';
import { shown } from '../../domain/registration.js';
import type { YearReport } from '../../domain/report.js';
import type { Lang } from '../../i18n/index.js';
import { translator } from '../../i18n/index.js';
import {
  evaluationChart,
  evaluationCsv,
  loadEvaluation,
  loadYearReport,
  overviewChart,
  tableCsv,
  xtraChart,
  xtraCsv,
  type EvaluationView,
  type ReportSources,
} from '../../report/yearReport.js';
import { EvaluationRepository } from '../../store/evaluation.js';
import { actorOf, langOfTurn, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';
import { wijkteamNamer } from '../intakePosting.js';
import { cardMessage } from '../handoverEffects.js';

/** Report links stay valid for a day (the card's chart images included). */
const LINK_TTL_SECONDS = 24 * 3600;

/** Coordinators of the Servicepunt SMW (configured and chat-managed); nobody when none are. */
export function isCoordinator(deps: BotDeps, aadObjectId: string): Promise<boolean> {
  return deps.coordinators.has(aadObjectId);
}

const yearOf = (deps: BotDeps) => deps.calendar.localDate(deps.clock.now()).slice(0, 4);

function sourcesOf(deps: BotDeps, evaluations: EvaluationRepository): ReportSources {
  const r = deps.config.report;
  return {
    registration: deps.registration,
    evaluations,
    norms: deps.serviceNorms,
    minCell: r.minCell,
    xtra: { minCaseload: r.xtraMinCaseload, minWijkteams: r.xtraMinWijkteams },
    wijkteamName: () => wijkteamNamer(deps),
  };
}

const DownloadId = z.string().regex(/^(\d{4}):(overview|table|xtra|evaluation)$/);

/** The report's files behind signed links: charts (PNG) and tables (CSV), built from aggregates at download time. */
function registerDownloads(deps: BotDeps, src: ReportSources): void {
  const parse = (id: string) => {
    const m = DownloadId.safeParse(id);
    return m.success ? (m.data.split(':') as [string, string]) : undefined;
  };
  deps.downloads.register('report.chart', async (id) => {
    const [year, what] = parse(id) ?? [];
    if (!year) return undefined;
    if (what === 'evaluation') {
      const view = await loadEvaluation(src, year);
      return view ? { body: (await evaluationChart(year, view)).png, contentType: 'image/png' } : undefined;
    }
    const report = await loadYearReport(src, year);
    const chart = what === 'overview' ? await overviewChart(report, src.minCell) : what === 'xtra' ? await xtraChart(report, src.minCell) : undefined;
    return chart ? { body: chart.png, contentType: 'image/png' } : undefined;
  });
  deps.downloads.register('report.csv', async (id) => {
    const [year, what] = parse(id) ?? [];
    if (!year) return undefined;
    const name = await src.wijkteamName();
    const file = (body: string, kind: string) => ({ body, contentType: 'text/csv; charset=utf-8', fileName: `schakel-${kind}-${year}.csv` });
    if (what === 'evaluation') {
      const view = await loadEvaluation(src, year);
      return view ? file(evaluationCsv(view, src.minCell, name), 'evaluatie') : undefined;
    }
    const report = await loadYearReport(src, year);
    if (what === 'table') return file(tableCsv(report, src.norms, src.minCell, name), 'registratie');
    if (what === 'xtra') return file(xtraCsv(report, src.minCell), 'smw-xtra');
    return undefined;
  });
}

/** A coordinator in a 1:1 chat, or undefined after answering why not. */
async function coordinatorHere(ctx: TurnContext, deps: BotDeps) {
  const actor = actorOf(ctx);
  if (!actor || !(await isCoordinator(deps, actor.aadObjectId)) || ctx.activity.conversation?.conversationType !== 'personal') {
    deps.log.warn({ actor: actor?.aadObjectId ?? null }, 'report command refused');
    await ctx.sendActivity(trOf(ctx)('report.coordinatorOnly'));
    return undefined;
  }
  return actor;
}

export function registerReport(app: Application, deps: BotDeps): void {
  const evaluations = new EvaluationRepository(deps.registration.container);
  const src = sourcesOf(deps, evaluations);
  registerDownloads(deps, src);

  app.message(/^\s*rapportage(\s+\d{4})?\s*$/i, async (ctx) => {
    if (!(await coordinatorHere(ctx, deps))) return;
    const year = /(\d{4})/.exec(ctx.activity.text ?? '')?.[1] ?? yearOf(deps);
    const [report, evaluation] = await Promise.all([loadYearReport(src, year), loadEvaluation(src, year)]);
    const card = reportCard(deps, langOfTurn(ctx), report, evaluation);
    deps.log.info({ year, cells: report.table.length }, 'report shown');
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  app.message(/^\s*evaluatie\s+starten\s*$/i, async (ctx) => {
    if (!(await coordinatorHere(ctx, deps))) return;
    await startEvaluation(ctx, deps, evaluations);
  });
  app.message(/^\s*evaluatie\s+herinneren\s*$/i, async (ctx) => {
    if (!(await coordinatorHere(ctx, deps))) return;
    await remindEvaluation(ctx, deps, evaluations);
  });
  app.message(/^\s*evaluatie\s+sluiten\s*$/i, async (ctx) => {
    if (!(await coordinatorHere(ctx, deps))) return;
    const tr = trOf(ctx);
    const year = yearOf(deps);
    const evaluation = await evaluations.get(year);
    if (!evaluation) return void (await ctx.sendActivity(tr('evaluation.none', { year })));
    if (evaluation.status === 'open') await evaluations.update(year, { status: 'closed', closedAt: deps.clock.now().toISOString() });
    const answers = (await evaluations.answers(year)).length;
    deps.log.info({ year, answers }, 'evaluation closed');
    await ctx.sendActivity(tr('evaluation.closedNow', { year, answers }));
  });

  app.adaptiveCards.actionExecute(VERBS.evaluationAnswer, async (ctx, _state, data: Record<string, unknown>) => {
    await onAnswer(ctx, deps, evaluations, data);
    return '';
  });
}

function reportCard(deps: BotDeps, lang: Lang, report: YearReport, evaluation: EvaluationView | undefined) {
  const tr = translator(lang);
  const min = deps.config.report.minCell;
  const { year } = report;
  const link = (kind: string, what: string) => deps.downloads.url(kind, `${year}:${what}`, LINK_TTL_SECONDS);
  const totals = (['sent', 'accepted', 'redirected', 'declined', 'closed'] as const).map((c) => ({ title: tr(`report.counter.${c}`), value: shown(report.totals[c] ?? 0, min) }));
  const norms = report.norms.map((n) => {
    const total = n.met + n.missed;
    const share = total >= min ? tr('report.norm.share', { pct: Math.round((100 * n.met) / total) }) : '';
    const mean = n.meanDays !== undefined && total >= min ? tr('report.norm.mean', { mean: `${n.meanDays.toFixed(1).replace('.', ',')} ${tr(`report.unit.${n.unit}`)}` }) : '';
    return { title: tr(n.labelKey), value: tr('report.norm.fact', { met: shown(n.met, min), total: shown(total, min), days: n.days, unit: tr(`report.unit.${n.unit}`), share, mean }) };
  });
  const onTime = report.totals.agreedOnTime ?? 0;
  const agreed = onTime + (report.totals.agreedLate ?? 0);
  norms.push({ title: tr('report.agreed'), value: tr('report.agreed.fact', { onTime: shown(onTime, min), total: shown(agreed, min), escalated: shown(report.totals.agreedEscalated ?? 0, min) }) });
  const xtra = report.xtra.slice(0, 10).map((r) => ({
    title: `${r.rank}. ${r.school}`,
    value: tr('report.xtra.line', { caseload: shown(r.caseload, min), teams: r.wijkteams, candidate: r.candidate ? tr('report.xtra.mark') : '' }),
  }));
  const evalFacts = evaluation?.results.overall.questions.map((q) => ({ title: `${tr(`evaluation.part.${q.part}`)}: ${q.text}`, value: q.mean === undefined ? '–' : q.mean.toFixed(1).replace('.', ',') })) ?? [];
  const downloads = [
    { title: tr('report.download.table'), url: link('report.csv', 'table') },
    { title: tr('report.download.xtra'), url: link('report.csv', 'xtra') },
    ...(evaluation ? [{ title: tr('report.download.evaluation'), url: link('report.csv', 'evaluation') }] : []),
  ];
  return renderReportCard({
    title: tr('report.title', { year }),
    subtitle: tr('report.subtitle', { min }),
    totals,
    normsTitle: tr('report.norms'),
    norms,
    overviewChart: { url: link('report.chart', 'overview'), alt: tr('report.chart.alt', { title: tr('report.chart.overview', { year }) }) },
    xtraTitle: tr('report.xtra'),
    xtraCriteria: report.xtra.length > 0 ? tr('report.xtra.criteria', { caseload: deps.config.report.xtraMinCaseload, teams: deps.config.report.xtraMinWijkteams }) : tr('report.xtra.none'),
    xtra,
    xtraChart: { url: link('report.chart', 'xtra'), alt: tr('report.chart.alt', { title: tr('report.chart.xtra', { year }) }) },
    evaluation: {
      shown: Boolean(evaluation),
      title: tr('report.evaluation'),
      status: evaluation ? tr('report.evaluation.status', { answers: shown(evaluation.results.overall.answers, min), status: tr(`report.evaluation.${evaluation.status}`) }) : '',
      facts: evalFacts,
      chartUrl: evaluation && evalFacts.length > 0 ? link('report.chart', 'evaluation') : '',
    },
    downloads,
  });
}

async function loadEvaluationConfig(deps: BotDeps) {
  const raw = await readFile(deps.config.report.evaluationFile, 'utf8');
  return EvaluationConfigSchema.parse(JSON.parse(raw));
}

interface Recipient {
  aadObjectId: string;
  cells: string[];
}

/** Professionals who had a referral in the year, each once, with the school × wijkteam pairs they worked in. */
async function recipientsOf(deps: BotDeps, year: string): Promise<Recipient[]> {
  const byPerson = new Map<string, Set<string>>();
  for (const p of await deps.registration.participants(year)) {
    const set = byPerson.get(p.aadObjectId) ?? new Set<string>();
    for (const c of p.cells) set.add(c);
    byPerson.set(p.aadObjectId, set);
  }
  return [...byPerson.entries()].map(([aadObjectId, cells]) => ({ aadObjectId, cells: [...cells].sort() }));
}

function evaluationCard(evaluation: Evaluation, cells: string[], name: (id: string) => string, lang: Lang, options: { team?: boolean; reminder?: boolean } = {}) {
  const tr = translator(lang);
  return renderEvaluationCard({
    title: tr('evaluation.card.title', { year: evaluation.period }),
    intro: options.team ? `${tr('evaluation.card.intro')} ${tr('evaluation.card.teamIntro')}` : tr('evaluation.card.intro'),
    reminder: options.reminder ? tr('evaluation.card.reminder') : '',
    period: evaluation.period,
    cellLabel: tr('evaluation.card.cell'),
    cells: cells.map((c) => {
      const [school = '', wijkteamId = ''] = c.split(CELL_SEPARATOR);
      return { title: school === TEAM_ANSWER_SCHOOL ? name(wijkteamId) : `${school} — ${name(wijkteamId)}`, value: c };
    }),
    scaleHint: tr('evaluation.card.scale'),
    questions: evaluation.questions.map((q) => ({ inputId: `q_${q.id}`, type: q.type, text: q.text })),
    sendTitle: tr('evaluation.card.send'),
  });
}

async function startEvaluation(ctx: TurnContext, deps: BotDeps, evaluations: EvaluationRepository): Promise<void> {
  const tr = trOf(ctx);
  const year = yearOf(deps);
  let config;
  try {
    config = await loadEvaluationConfig(deps);
  } catch (err) {
    return void (await ctx.sendActivity(tr('evaluation.badConfig', { problem: (err as Error).message.slice(0, 300) })));
  }
  const existing = await evaluations.get(year);
  if (existing) return void (await ctx.sendActivity(tr('evaluation.exists', { year, status: tr(`report.evaluation.${existing.status}`) })));
  const recipients = await recipientsOf(deps, year);
  if (recipients.length === 0) return void (await ctx.sendActivity(tr('evaluation.noParticipants', { year })));
  const evaluation: Evaluation = { period: year, status: 'open', startedAt: deps.clock.now().toISOString(), questions: config.questions, reminderAfterWorkingDays: config.reminderAfterWorkingDays, sentTo: 0 };
  if (!(await evaluations.start(evaluation))) return void (await ctx.sendActivity(tr('evaluation.exists', { year, status: tr('report.evaluation.open') })));
  const name = await wijkteamNamer(deps);
  // Teams' rate limits pace the cards: with many people this takes a while. The turn answers now with
  // what is happening; the cards go out after it, and the coordinator is told the result when done.
  await ctx.sendActivity(tr('evaluation.sending', { year, people: recipients.length }));
  const coordinator = actorOf(ctx)?.aadObjectId;
  deps.background.run('evaluation.start', async () => {
    let people = 0;
    for (const r of recipients) {
      const lang = (await deps.languageOf(r.aadObjectId)) ?? 'nl';
      const delivery = await deps.teams.toPerson(r.aadObjectId, cardMessage(evaluationCard(evaluation, r.cells, name, lang)));
      if (delivery.ok) people++;
    }
    let channels = 0;
    const teams = new Set(recipients.flatMap((r) => r.cells.map((c) => c.split(CELL_SEPARATOR)[1] ?? '')));
    for (const wijkteamId of teams) {
      const channel = await deps.settings.channel(wijkteamId);
      if (!channel) continue;
      const posted = await deps.teams.postToChannel(channel, cardMessage(evaluationCard(evaluation, [`${TEAM_ANSWER_SCHOOL}${CELL_SEPARATOR}${wijkteamId}`], name, 'nl', { team: true })));
      if (posted.ok) channels++;
      else deps.log.warn({ wijkteamId, reason: posted.reason }, 'evaluation card not posted in channel');
    }
    await evaluations.update(year, { sentTo: people + channels });
    deps.log.info({ year, people, channels }, 'evaluation started');
    const missed = recipients.length - people;
    if (coordinator) await deps.teams.toPerson(coordinator, { text: tr('evaluation.started', { year, people, channels }) + (missed > 0 ? tr('evaluation.notReached', { count: missed }) : '') });
  });
}

/** Whether reminders may go out now, and to whom: those invited who have not answered. */
type ReminderPlan = { kind: 'none' } | { kind: 'notOpen' } | { kind: 'tooEarly'; from: string; days: number } | { kind: 'ready'; evaluation: Evaluation; recipients: Recipient[] };

async function remindEvaluation(ctx: TurnContext, deps: BotDeps, evaluations: EvaluationRepository): Promise<void> {
  const tr = trOf(ctx);
  const year = yearOf(deps);
  const plan = await evaluationReminderPlan(deps, evaluations, year);
  if (plan.kind === 'none') return void (await ctx.sendActivity(tr('evaluation.none', { year })));
  if (plan.kind === 'notOpen') return void (await ctx.sendActivity(tr('evaluation.notOpen')));
  if (plan.kind === 'tooEarly') return void (await ctx.sendActivity(tr('evaluation.remindTooEarly', { date: formatDate(plan.from, 'nl', deps.config.timeZone), days: plan.days })));
  if (plan.recipients.length === 0) return void (await ctx.sendActivity(tr('evaluation.allAnswered', { year })));
  // As when starting: Teams' limits pace the cards, so the turn answers now and the coordinator hears the result.
  await ctx.sendActivity(tr('evaluation.reminding', { people: plan.recipients.length }));
  const coordinator = actorOf(ctx)?.aadObjectId;
  deps.background.run('evaluation.remind', async () => {
    const count = await sendEvaluationReminders(deps, evaluations, plan.evaluation, plan.recipients, false);
    const missed = plan.recipients.length - count;
    if (coordinator) await deps.teams.toPerson(coordinator, { text: tr('evaluation.reminded', { count }) + (missed > 0 ? tr('evaluation.notReached', { count: missed }) : '') });
  });
}

/**
 * The automatic reminder: once the configured working days have passed, whoever has not answered
 * gets the card again — once per evaluation, claimed with a conditional write so that only one
 * instance sends it. Returns how many were reminded. Runs on the scheduler's interval.
 */
export function automaticEvaluationReminder(deps: BotDeps): () => Promise<number> {
  const evaluations = new EvaluationRepository(deps.registration.container);
  return async () => {
    const year = yearOf(deps);
    const plan = await evaluationReminderPlan(deps, evaluations, year);
    if (plan.kind !== 'ready' || plan.evaluation.remindedAt || !(await evaluations.claimAutomaticReminder(year, deps.clock.now().toISOString()))) return 0;
    return sendEvaluationReminders(deps, evaluations, plan.evaluation, plan.recipients, true);
  };
}

async function evaluationReminderPlan(deps: BotDeps, evaluations: EvaluationRepository, year: string): Promise<ReminderPlan> {
  const evaluation = await evaluations.get(year);
  if (!evaluation) return { kind: 'none' };
  if (evaluation.status !== 'open') return { kind: 'notOpen' };
  const from = deps.calendar.addWorkingDays(deps.calendar.localDate(new Date(evaluation.startedAt)), evaluation.reminderAfterWorkingDays);
  if (deps.calendar.localDate(deps.clock.now()) < from) return { kind: 'tooEarly', from, days: evaluation.reminderAfterWorkingDays };
  const responded = await evaluations.responded(year);
  const recipients = (await recipientsOf(deps, year)).filter((r) => !responded.has(EvaluationRepository.respondentHash(evaluation.salt, year, `aad:${r.aadObjectId}`)));
  return { kind: 'ready', evaluation, recipients };
}

/** Sends the card again to each recipient (through the one rate-limited path); returns how many it reached. */
async function sendEvaluationReminders(deps: BotDeps, evaluations: EvaluationRepository, evaluation: Evaluation, recipients: Recipient[], automatic: boolean): Promise<number> {
  const year = evaluation.period;
  const name = await wijkteamNamer(deps);
  let count = 0;
  for (const r of recipients) {
    const lang = (await deps.languageOf(r.aadObjectId)) ?? 'nl';
    const delivery = await deps.teams.toPerson(r.aadObjectId, cardMessage(evaluationCard(evaluation, r.cells, name, lang, { reminder: true })));
    if (delivery.ok) count++;
  }
  await evaluations.update(year, { remindedAt: deps.clock.now().toISOString() });
  deps.log.info({ year, count, recipients: recipients.length, automatic }, 'evaluation reminder sent');
  return count;
}

const AnswerHead = z.object({ period: z.string().regex(/^\d{4}$/), cell: z.string().min(1).max(400) });

async function onAnswer(ctx: TurnContext, deps: BotDeps, evaluations: EvaluationRepository, data: unknown): Promise<void> {
  const tr = trOf(ctx);
  const actor = actorOf(ctx);
  const head = AnswerHead.safeParse(data);
  if (!actor || !head.success) return respondWithMessage(ctx, tr(actor ? 'error.badAction' : 'error.unknownUser'));
  const { period, cell } = head.data;
  const evaluation = await evaluations.get(period);
  if (!evaluation || evaluation.status !== 'open') return respondWithMessage(ctx, tr('evaluation.notOpen'));
  const parsed = answerSchema(evaluation.questions).safeParse(data);
  if (!parsed.success) return respondWithMessage(ctx, tr('error.badAction'));
  const [school = '', wijkteamId = ''] = cell.split(CELL_SEPARATOR);
  let respondent: string;
  if (ctx.activity.conversation?.conversationType === 'channel') {
    // A team answer: one per linked wijkteam channel, given by someone in that channel.
    const channelData = ctx.activity.channelData as { channel?: { id?: string } } | undefined;
    const channel = school === TEAM_ANSWER_SCHOOL ? await deps.settings.channel(wijkteamId) : undefined;
    // Teams names the channel in channelData; the conversation id (`<channel>;messageid=…`) says it too.
    const here = channelData?.channel?.id ?? ctx.activity.conversation.id.split(';')[0];
    if (!channel || channel.channelId !== here) return respondWithMessage(ctx, tr('evaluation.notInvited'));
    respondent = `channel:${wijkteamId}`;
  } else {
    const mine = (await recipientsOf(deps, period)).find((r) => r.aadObjectId === actor.aadObjectId);
    if (!mine || !mine.cells.includes(cell)) {
      deps.log.warn({ actor: actor.aadObjectId }, 'evaluation answer refused');
      return respondWithMessage(ctx, tr('evaluation.notInvited'));
    }
    respondent = `aad:${actor.aadObjectId}`;
  }
  const hash = EvaluationRepository.respondentHash(evaluation.salt, period, respondent);
  const stored = await evaluations.answer(hash, toAnswer(period, cell, parsed.data, evaluation.questions));
  if (!stored) return respondWithMessage(ctx, tr('evaluation.already'));
  deps.log.info({ period }, 'evaluation answered');
  await respondWithCard(ctx, renderFormCard({ title: tr('evaluation.card.title', { year: period }), notice: { text: tr('evaluation.thanks'), color: 'Good', style: 'good' } }));
}
