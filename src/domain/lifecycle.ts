import { effectiveAgreedDates } from './agreedDateChanges.js';
import { followedBy, type Accepted, type Decision } from './decision.js';
import type { Now } from './draft.js';
import type { Referral } from './referral.js';
import { caseRefOf } from './referral.js';
import { recipientsFor, type PlanContext, type PlannedReminder } from './reminders.js';
import type { Party } from './types.js';
import { besideReplaySafe, type EffectRequest } from './effects.js';
import { agreedDateDoneEffect } from './registration.js';

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

/** A reminder its recipient marked done ("Gedaan"), as the referral keeps it. */
export interface ReminderDone {
  reminderId: string;
  /** The reminder's short name (a text key), not its text. */
  label?: string;
  /** The role of whoever marked it. */
  role: string;
  /** Their note; on the timeline only, never in the audit or the logs. */
  note?: string;
  agreementId?: string;
  /** The agreed date the reminder was about. */
  date?: string;
}

/**
 * A reminder was marked done: the timeline keeps it (with the note) and the audit who did it.
 * An agreed date marked done needs no escalation any more: those for that date are withdrawn.
 * The evaluation's reminder done means the evaluation was held (nazorg). The state of the reminder
 * itself is the reminder engine's; what follows for the referral is decided here.
 */
export function reminderMarkedDone(r: Referral, done: ReminderDone, now: Now): Decision<Referral> {
  const withdraw: EffectRequest[] = done.agreementId ? [{ kind: 'withdrawEscalations', agreementId: done.agreementId, ...(done.date ? { date: done.date } : {}) }] : [];
  // The registration counts the agreed date on time or late, with the same decision.
  const counting = agreedDateDoneEffect(r, done, now.today);
  const recorded: Accepted<Referral> = {
    ok: true,
    value: r,
    events: [
      { type: 'timeline', entry: 'reminder.done', detail: { reminderId: done.reminderId, ...(done.label ? { label: done.label } : {}), ...(done.note ? { note: done.note } : {}) } },
      { type: 'audit', action: 'reminder.done', detail: { reminderId: done.reminderId, role: done.role, hasNote: Boolean(done.note) } },
    ],
    effects: counting ? besideReplaySafe(withdraw, counting) : withdraw,
  };
  if (done.agreementId !== EVALUATION_AGREEMENT_ID) return recorded;
  const held = evaluationHeld(r, now);
  return held.ok && !held.unchanged ? followedBy(recorded, held) : recorded;
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
