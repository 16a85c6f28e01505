import { DateTime } from 'luxon';
import { EARLIEST_LOCAL_TIME, LATEST_LOCAL_TIME, recipientsFor, type PlanContext, type PlannedReminder } from './reminders.js';
import type { Party } from './types.js';

/** Short name of the prompt in `src/i18n/reminders.ts`. */
export const AGREEMENTS_PROMPT_LABEL = 'reminder.agreementsPrompt';

/**
 * When the casusregisseur is asked to fill in the agreements: right after the meeting ends when
 * that is on a working day within office hours; otherwise the next working morning at the policy time.
 */
export function agreementsPromptDueAt(meetingEnd: Date, ctx: PlanContext): Date {
  const { calendar, policy } = ctx;
  const local = DateTime.fromJSDate(meetingEnd, { zone: calendar.timeZone });
  const day = calendar.localDate(meetingEnd);
  const time = local.toFormat('HH:mm');
  const workingDay = calendar.onOrAfter(day) === day;
  if (workingDay && time >= EARLIEST_LOCAL_TIME && time <= LATEST_LOCAL_TIME) return meetingEnd;
  if (workingDay && time < EARLIEST_LOCAL_TIME) return calendar.at(day, policy.localTime);
  return calendar.at(calendar.addWorkingDays(day, 1), policy.localTime);
}

/** The prompt to fill in the formulier warme overdracht after the meeting (id per meeting time, so a move replaces it). */
export function planAgreementsPrompt(referralId: string, meeting: { start: string; end: string }, parties: Party[], ctx: PlanContext): PlannedReminder | undefined {
  const { recipients } = recipientsFor(['caseManager'], parties);
  if (recipients.length === 0) return undefined;
  const dueAt = agreementsPromptDueAt(new Date(meeting.end), ctx);
  return {
    id: `${referralId}:agreementsPrompt:${meeting.start}`,
    referralId,
    kind: 'agreementsPrompt',
    dueAt: dueAt.toISOString(),
    timeZone: ctx.calendar.timeZone,
    recipients,
    subject: { label: AGREEMENTS_PROMPT_LABEL, date: ctx.calendar.localDate(new Date(meeting.start)) },
  };
}
