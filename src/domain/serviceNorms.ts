import { DateTime } from 'luxon';
import { z } from 'zod';
import type { WorkingCalendar } from './calendar.js';
import { recipientsFor, type PlanContext, type PlannedReminder, type RecipientAddress } from './reminders.js';
import type { Party, PartyRole } from './types.js';

/**
 * Service norms (servicenormen): how fast the wijkteam must act. The day counts are not public,
 * so they are configuration; {@link DEFAULT_SERVICE_NORMS} are examples, not Rotterdam's rules.
 */

const role = z.enum(['smw', 'caseManager', 'schoolContact', 'parent', 'pupil', 'wijkteam', 'coordinator']);

export const ServiceNormRuleSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9_-]+$/),
  /** Referral event that starts the clock, e.g. `submitted`. */
  startEvent: z.string().min(1),
  /** Referral event that meets the norm, e.g. `accepted`. */
  endEvent: z.string().min(1),
  days: z.number().int().min(1).max(365),
  unit: z.enum(['working', 'calendar']),
  /** Who must act: the first escalation goes to them. */
  actor: z.array(role).min(1),
  escalateTo: z.object({
    roles: z.array(role),
    /** Key of a Teams channel in the conversation directory, e.g. the wijkteam coordinators. */
    channelKey: z.string().min(1).optional(),
    /** Working days after the first escalation. */
    afterWorkingDays: z.number().int().min(1).max(30),
  }),
  /** Message key of the norm's short name. */
  labelKey: z.string().min(1),
});

export type ServiceNormRule = z.infer<typeof ServiceNormRuleSchema>;

export const ServiceNormRulesSchema = z.array(ServiceNormRuleSchema).superRefine((rules, ctx) => {
  const ids = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    if (ids.has(rule.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'id'], message: 'duplicate norm id' });
    ids.add(rule.id);
  }
});

/** Example defaults; the coordinator's configuration replaces them. */
export const DEFAULT_SERVICE_NORMS: ServiceNormRule[] = [
  {
    id: 'accept',
    startEvent: 'submitted',
    endEvent: 'accepted',
    days: 5,
    unit: 'working',
    actor: ['wijkteam'],
    escalateTo: { roles: ['smw'], channelKey: 'coordinator', afterWorkingDays: 1 },
    labelKey: 'norms.accept',
  },
  {
    id: 'handover',
    startEvent: 'accepted',
    endEvent: 'handoverHeld',
    days: 10,
    unit: 'working',
    actor: ['caseManager'],
    escalateTo: { roles: ['smw'], channelKey: 'coordinator', afterWorkingDays: 1 },
    labelKey: 'norms.handover',
  },
  {
    id: 'agreements',
    startEvent: 'handoverHeld',
    endEvent: 'agreementsConfirmed',
    days: 5,
    unit: 'working',
    actor: ['caseManager'],
    escalateTo: { roles: ['smw'], channelKey: 'coordinator', afterWorkingDays: 1 },
    labelKey: 'norms.agreements',
  },
];

/** A referral event as the norms need it. */
export interface ReferralEvent {
  type: string;
  at: Date;
}

/** The last local day on which the norm is still met, and the instant it is missed (local midnight after it). */
export interface NormDeadline {
  lastDay: string;
  missedAt: Date;
}

export function normDeadline(rule: ServiceNormRule, startedAt: Date, calendar: WorkingCalendar): NormDeadline {
  const start = calendar.localDate(startedAt);
  const lastDay =
    rule.unit === 'working'
      ? calendar.addWorkingDays(start, rule.days)
      : (DateTime.fromISO(start, { zone: calendar.timeZone }).plus({ days: rule.days }).toISODate() as string);
  const missedAt = DateTime.fromISO(lastDay, { zone: calendar.timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
  return { lastDay, missedAt };
}

export type NormState = 'notStarted' | 'running' | 'met' | 'missed' | 'metLate';

export interface NormStatus {
  ruleId: string;
  state: NormState;
  deadline?: NormDeadline;
}

/** The state of one norm given a referral's history (latest start counts; an end before it does not). */
export function normStatus(rule: ServiceNormRule, history: ReferralEvent[], now: Date, calendar: WorkingCalendar): NormStatus {
  const start = latest(history, rule.startEvent);
  if (!start) return { ruleId: rule.id, state: 'notStarted' };
  const deadline = normDeadline(rule, start.at, calendar);
  const end = history.find((e) => e.type === rule.endEvent && e.at >= start.at);
  if (end) return { ruleId: rule.id, state: end.at < deadline.missedAt ? 'met' : 'metLate', deadline };
  return { ruleId: rule.id, state: now >= deadline.missedAt ? 'missed' : 'running', deadline };
}

function latest(history: ReferralEvent[], type: string): ReferralEvent | undefined {
  let found: ReferralEvent | undefined;
  for (const e of history) if (e.type === type && (!found || e.at >= found.at)) found = e;
  return found;
}

/**
 * The escalation reminders of one running norm: step 1 to the person who must act on the first
 * working morning after the deadline; step 2, `afterWorkingDays` later, to the escalation roles
 * and the coordinator channel. Planned when the clock starts; cancelled when the end event comes.
 */
export function planNormEscalations(
  rule: ServiceNormRule,
  referralId: string,
  startedAt: Date,
  parties: Party[],
  ctx: PlanContext,
): PlannedReminder[] {
  const { calendar, policy } = ctx;
  const deadline = normDeadline(rule, startedAt, calendar);
  const firstDay = calendar.addWorkingDays(deadline.lastDay, 1);
  const secondDay = calendar.addWorkingDays(firstDay, rule.escalateTo.afterWorkingDays);
  const base = `${referralId}:norm:${rule.id}:${calendar.localDate(startedAt)}`;
  const subject = { label: rule.labelKey, normId: rule.id, date: deadline.lastDay };
  const steps: { day: string; recipients: RecipientAddress[] }[] = [
    { day: firstDay, recipients: recipientsFor(rule.actor, parties).recipients },
    { day: secondDay, recipients: [...recipientsFor(rule.escalateTo.roles, parties).recipients, ...channelRecipient(rule)] },
  ];
  return steps
    .map((step, i) => ({
      id: `${base}:e${i + 1}`,
      referralId,
      kind: 'normEscalation' as const,
      dueAt: calendar.at(step.day, policy.localTime).toISOString(),
      timeZone: calendar.timeZone,
      recipients: step.recipients,
      subject: { ...subject, escalationStep: i + 1 },
    }))
    .filter((r) => r.recipients.length > 0);
}

function channelRecipient(rule: ServiceNormRule): RecipientAddress[] {
  const key = rule.escalateTo.channelKey;
  const channelRole: PartyRole = 'coordinator';
  return key ? [{ key: `channel:${key}`, role: channelRole, channel: 'teams', teamsChannelKey: key }] : [];
}

export interface NormReminderChanges {
  create: PlannedReminder[];
  /** Escalations that are no longer needed: the store cancels those still pending. */
  cancel: PlannedReminder[];
}

/**
 * What a new referral event means for escalation reminders: a start event plans the norm's
 * escalations (unless already met); an end event cancels those of the running norm.
 */
export function normRemindersOnEvent(
  rules: ServiceNormRule[],
  referralId: string,
  history: ReferralEvent[],
  event: ReferralEvent,
  parties: Party[],
  ctx: PlanContext,
): NormReminderChanges {
  const create: PlannedReminder[] = [];
  const cancel: PlannedReminder[] = [];
  const now = ctx.clock.now().getTime();
  for (const rule of rules) {
    if (event.type === rule.startEvent) {
      create.push(...planNormEscalations(rule, referralId, event.at, parties, ctx).filter((r) => Date.parse(r.dueAt) > now));
    }
    if (event.type === rule.endEvent) {
      const start = latest(history.filter((e) => e.at <= event.at), rule.startEvent);
      if (start) cancel.push(...planNormEscalations(rule, referralId, start.at, parties, ctx));
    }
  }
  return { create, cancel };
}
