import { z } from 'zod';

/**
 * The yearly evaluation of the cooperation between school, SMW and wijkteam (process and
 * content). Questions come from configuration; answers are kept without names: a respondent is
 * known only by a salted one-way hash, kept apart from the answer, to refuse a second answer.
 */

export const QuestionSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9_]{1,20}$/),
  part: z.enum(['process', 'content']),
  type: z.enum(['scale', 'open']),
  text: z.string().min(1).max(300),
});

export const EvaluationConfigSchema = z
  .object({
    reminderAfterWorkingDays: z.number().int().min(1).max(60),
    questions: z.array(QuestionSchema).min(1).max(20),
  })
  .refine((c) => new Set(c.questions.map((q) => q.id)).size === c.questions.length, 'duplicate question id');

export type Question = z.infer<typeof QuestionSchema>;
export type EvaluationConfig = z.infer<typeof EvaluationConfigSchema>;

export interface Evaluation {
  period: string;
  status: 'open' | 'closed';
  startedAt: string;
  closedAt?: string;
  /** The questions as they were sent: later changes to the file do not alter a running evaluation. */
  questions: Question[];
  reminderAfterWorkingDays: number;
  /** How many people and channels the card was sent to. */
  sentTo: number;
  remindedAt?: string;
}

/** One answer, without any reference to who gave it. */
export interface Answer {
  period: string;
  school: string;
  wijkteamId: string;
  scores: Record<string, number>;
  open: Record<string, string>;
}

/** A school × wijkteam pair as the card offers it: `school|wijkteamId`. */
export const CELL_SEPARATOR = '|';
export const TEAM_ANSWER_SCHOOL = '(wijkteam)';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The submit data of the evaluation card for the given questions. */
export function answerSchema(questions: Question[]) {
  const shape: Record<string, z.ZodTypeAny> = {
    period: z.string().regex(/^\d{4}$/),
    cell: z.string().min(1).max(400),
  };
  for (const q of questions) {
    shape[`q_${q.id}`] = q.type === 'scale' ? z.preprocess(blank, z.coerce.number().int().min(1).max(5).optional()) : z.preprocess(blank, z.string().max(2000).optional());
  }
  return z.object(shape);
}

/** Turns parsed submit data into an answer for the chosen cell. */
export function toAnswer(period: string, cell: string, data: Record<string, unknown>, questions: Question[]): Answer {
  const [school = '', wijkteamId = ''] = cell.split(CELL_SEPARATOR);
  const scores: Record<string, number> = {};
  const open: Record<string, string> = {};
  for (const q of questions) {
    const v = data[`q_${q.id}`];
    if (q.type === 'scale' && typeof v === 'number') scores[q.id] = v;
    if (q.type === 'open' && typeof v === 'string' && v.trim()) open[q.id] = v.trim();
  }
  return { period, school, wijkteamId, scores, open };
}

export interface QuestionResult {
  questionId: string;
  text: string;
  part: Question['part'];
  answers: number;
  mean?: number;
}

export interface EvaluationResults {
  overall: { answers: number; questions: QuestionResult[] };
  /** Per school × wijkteam; cells with fewer answers than the threshold carry no means. */
  cells: { school: string; wijkteamId: string; answers: number; suppressed: boolean; questions: QuestionResult[] }[];
}

function resultsOf(answers: Answer[], questions: Question[]): QuestionResult[] {
  return questions
    .filter((q) => q.type === 'scale')
    .map((q) => {
      const values = answers.map((a) => a.scores[q.id]).filter((v): v is number => typeof v === 'number');
      return { questionId: q.id, text: q.text, part: q.part, answers: values.length, ...(values.length > 0 ? { mean: values.reduce((s, v) => s + v, 0) / values.length } : {}) };
    });
}

export function evaluationResults(answers: Answer[], questions: Question[], minCell: number): EvaluationResults {
  const byCell = new Map<string, Answer[]>();
  for (const a of answers) {
    const key = `${a.school}${CELL_SEPARATOR}${a.wijkteamId}`;
    byCell.set(key, [...(byCell.get(key) ?? []), a]);
  }
  const cells = [...byCell.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'nl'))
    .map(([, list]) => {
      const suppressed = list.length < minCell;
      return { school: list[0]!.school, wijkteamId: list[0]!.wijkteamId, answers: list.length, suppressed, questions: suppressed ? [] : resultsOf(list, questions) };
    });
  return { overall: { answers: answers.length, questions: answers.length < minCell ? [] : resultsOf(answers, questions) }, cells };
}
