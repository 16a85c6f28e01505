import { effectiveAgreedDates } from './agreedDateChanges.js';
import type { Decision } from './decision.js';
import type { Now } from './draft.js';
import type { Referral } from './referral.js';
import { caseRefOf } from './referral.js';
import { recipientsFor, type PlanContext, type PlannedReminder } from './reminders.js';
import type { Party } from './types.js';

/** Short name of the "Afsluiten?" reminder in `src/i18n/reminders.ts`. */
export const CLOSE_PROMPT_LABEL = 'reminder.closePrompt';

/** The agreement item whose reminder, marked done, means the evaluation was held. */
export const EVALUATION_AGREEMENT_ID = 'evaluation';

/**
 * The evaluation was held (its reminder marked done): the case goes into nazorg. The "Afsluiten?"
 * reminder for the nazorg end date is planned by an effect. Anything else is left as it is.
 */
export function evaluationHeld(r: Referral, now: Now): Decision<Referral> {
  if (r.state !== 'agreementsConfirmed') return { ok: true, value: r, events: [], unchanged: true };
  const at = now.at.toISOString();
  return {
    ok: true,
    value: { ...r, state: 'aftercare', version: r.version + 1, updatedAt: at },
    events: [
      { type: 'timeline', entry: 'aftercare' },
      { type: 'audit', action: 'referral.aftercare' },
    ],
    effects: [{ kind: 'planReminders', trigger: 'aftercareStarted' }],
  };
}

/** The nazorg end date as agreed (or as moved since), if the agreements name one. */
export function aftercareUntil(r: Referral): string | undefined {
  return effectiveAgreedDates(r)?.dates.find((d) => d.agreementId === 'aftercare')?.date;
}

/**
 * "Afsluiten?" to the casusregisseur and the SMW'er on the nazorg end date at the policy time:
 * one click closes the referral, "Later" brings the question back on a new date.
 */
export function planClosePrompt(r: Referral, parties: Party[], ctx: PlanContext): PlannedReminder | undefined {
  const until = aftercareUntil(r);
  if (!until || r.state !== 'aftercare') return undefined;
  const { recipients } = recipientsFor(['caseManager', 'smw'], parties);
  if (recipients.length === 0) return undefined;
  const day = ctx.calendar.onOrAfter(until);
  return {
    id: `${r.referralId}:closePrompt:${until}`,
    referralId: r.referralId,
    kind: 'closePrompt',
    dueAt: ctx.calendar.at(day, ctx.policy.localTime).toISOString(),
    timeZone: ctx.calendar.timeZone,
    recipients,
    subject: { label: CLOSE_PROMPT_LABEL, case: caseRefOf(r), date: until },
  };
}
