import { z } from 'zod';
import { isoDate, optionalText, rawInput, toggle } from './fields.js';

/**
 * The ETM and LIRIK outcome categories are not public: they come from configuration
 * (config/instruments.json). Outcomes are entered as the instrument reports them, never computed.
 */
export interface InstrumentOptions {
  etmOutcomes: string[];
  lirikOutcomes: string[];
}

export const SAFETY_CONCERN = ['ja', 'nee', 'onbekend'] as const;
export const URGENCY = ['normaal', 'spoed'] as const;
export const SISA = ['ja', 'nee', 'onbekend'] as const;
export const MELDCODE = ['nee', 'ja'] as const;

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { errorMap: () => ({ message: 'v.choose' }) });

/** Section 4: veiligheid en urgentie. Dates of instruments may not lie in the future. */
export function safetySchema(today: string, options: InstrumentOptions) {
  const pastDate = isoDate.refine((d) => d <= today, 'v.dateInFuture');
  return z
    .object({
      safetyConcerns: enumOf(SAFETY_CONCERN),
      safetyExplanation: optionalText(1000),
      etmUsed: toggle,
      etmOutcome: rawInput(),
      etmDate: rawInput(30),
      lirikUsed: toggle,
      lirikOutcome: rawInput(),
      lirikDate: rawInput(30),
      meldcode: enumOf(MELDCODE),
      sisa: enumOf(SISA),
      urgency: enumOf(URGENCY),
      urgencyReason: optionalText(500),
    })
    .superRefine((v, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
      if (v.safetyConcerns !== 'nee' && !v.safetyExplanation) issue('safetyExplanation', 'v.explainSafety');
      if (v.urgency === 'spoed' && !v.urgencyReason) issue('urgencyReason', 'v.explainUrgency');
      for (const [used, outcome, date, list] of [
        [v.etmUsed, 'etmOutcome', 'etmDate', options.etmOutcomes],
        [v.lirikUsed, 'lirikOutcome', 'lirikDate', options.lirikOutcomes],
      ] as const) {
        if (!used) continue;
        const value = v[outcome];
        if (!value || !list.includes(value)) issue(outcome, 'v.choose');
        const d = pastDate.safeParse(v[date] ?? '');
        if (!d.success) issue(date, d.error.issues[0]?.message ?? 'v.date');
      }
    })
    .transform((v) => ({
      ...v,
      // Outcomes only count when the instrument was used.
      etmOutcome: v.etmUsed ? v.etmOutcome : undefined,
      etmDate: v.etmUsed ? v.etmDate : undefined,
      lirikOutcome: v.lirikUsed ? v.lirikOutcome : undefined,
      lirikDate: v.lirikUsed ? v.lirikDate : undefined,
    }));
}

export type SafetySection = z.output<ReturnType<typeof safetySchema>>;
