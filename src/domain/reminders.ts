import type { WorkingCalendar } from './calendar.js';
import type { Clock } from './clock.js';
import type { AgreedDate, AgreedDateKind, Party, PartyRole } from './types.js';

/**
 * Reminder planning (herinneringen). Pure: the result is data the store persists and the
 * scheduler delivers; nothing here sends, waits or reads the system time.
 */

export type ReminderKind = 'agreementBefore' | 'agreementOnDay' | 'snoozed' | 'normEscalation' | 'agreementsPrompt' | 'closePrompt' | 'agreementOverdue';
export type DeliveryChannel = 'teams' | 'email';

/** Where one reminder goes. `key` is stable within a reminder and carries no name or e-mail. */
export interface RecipientAddress {
  key: string;
  role: PartyRole;
  channel: DeliveryChannel;
  aadObjectId?: string;
  teamsUserId?: string;
  /** For `email` recipients, and as fallback for professionals Teams cannot reach. */
  email?: string;
  /** A Teams channel known by a configured key (e.g. the wijkteam coordinator channel). */
  teamsChannelKey?: string;
  /** Language of the person's Teams client when known (cards in English for `en`, else Dutch). */
  lang?: 'nl' | 'en';
}

/** What a reminder is about; only non-identifying data (labels are short and generic). */
/** Which case a reminder is about, as a professional recognises it without a name: number, initials, school. */
export interface CaseRef {
  number: string;
  initials: string;
  school: string;
}

export interface ReminderSubject {
  label: string;
  /** Set when planned from a referral: the card says which family without naming anyone. */
  case?: CaseRef;
  agreementId?: string;
  agreementKind?: AgreedDateKind;
  /** The agreed local date and time the reminder points at. */
  date?: string;
  time?: string;
  normId?: string;
  escalationStep?: number;
  /** The reminder this one was snoozed from, and how many snoozes deep it is. */
  snoozeOf?: string;
  snoozeCount?: number;
}

/** A reminder decided by the domain, not yet stored. Ids are deterministic: planning twice gives the same ids. */
export interface PlannedReminder {
  id: string;
  referralId: string;
  kind: ReminderKind;
  /** UTC instant (ISO 8601). */
  dueAt: string;
  timeZone: string;
  recipients: RecipientAddress[];
  subject: ReminderSubject;
}

/** The reminder settings of the organisation (configuration). */
export interface ReminderPolicy {
  /** Working days before an agreed date that the responsible person is reminded. */
  daysBefore: number;
  /** Local wall-clock time reminders go out, `HH:MM`. */
  localTime: string;
  /**
   * Working days after an agreed terugkoppeling or evaluatie date that a reminder not marked done
   * escalates to the responsible person; 0: never.
   */
  overdueAfterDays: number;
  /** Working days after that first escalation that it goes to the SMW'er and the coordinators' channel. */
  secondEscalationAfterDays: number;
  /** Conversation-directory key of the wijkteam coordinators' channel (`koppel coördinatoren`); empty: none. */
  coordinatorChannelKey: string;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { daysBefore: 2, localTime: '08:30', overdueAfterDays: 0, secondEscalationAfterDays: 2, coordinatorChannelKey: '' };

/** Reminders go out in office hours only; a policy outside them is a configuration error. */
export const EARLIEST_LOCAL_TIME = '07:00';
export const LATEST_LOCAL_TIME = '18:00';

export function reminderPolicy(input: Partial<ReminderPolicy> = {}): ReminderPolicy {
  const policy = { ...DEFAULT_REMINDER_POLICY, ...input };
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(policy.localTime)) throw new RangeError('reminder localTime must be HH:MM');
  if (policy.localTime < EARLIEST_LOCAL_TIME || policy.localTime > LATEST_LOCAL_TIME) {
    throw new RangeError(`reminder localTime must lie between ${EARLIEST_LOCAL_TIME} and ${LATEST_LOCAL_TIME}`);
  }
  if (!Number.isInteger(policy.daysBefore) || policy.daysBefore < 0 || policy.daysBefore > 20) {
    throw new RangeError('reminder daysBefore must be a whole number from 0 to 20');
  }
  if (!Number.isInteger(policy.overdueAfterDays) || policy.overdueAfterDays < 0 || policy.overdueAfterDays > 20) {
    throw new RangeError('reminder overdueAfterDays must be a whole number from 0 to 20');
  }
  if (!Number.isInteger(policy.secondEscalationAfterDays) || policy.secondEscalationAfterDays < 1 || policy.secondEscalationAfterDays > 20) {
    throw new RangeError('reminder secondEscalationAfterDays must be a whole number from 1 to 20');
  }
  return policy;
}

export interface PlanContext {
  calendar: WorkingCalendar;
  policy: ReminderPolicy;
  clock: Clock;
}

export interface PlanInput {
  referralId: string;
  agreedDates: AgreedDate[];
  parties: Party[];
}

/** A role that has no way to be reached (e.g. a parent without e-mail): the bot should say so. */
export interface Unaddressable {
  agreementId: string;
  role: PartyRole;
}

export interface ReminderPlan {
  reminders: PlannedReminder[];
  unaddressable: Unaddressable[];
}

/** A refusal with a message key from `src/i18n/reminders.ts`. */
export interface Refusal {
  refused: string;
}

export function isRefusal<T>(value: T | Refusal): value is Refusal {
  return typeof value === 'object' && value !== null && 'refused' in value;
}

/** Recipients for roles, in party order, without duplicates. Professionals get Teams, others e-mail. */
export function recipientsFor(roles: PartyRole[], parties: Party[]): { recipients: RecipientAddress[]; missing: PartyRole[] } {
  const recipients: RecipientAddress[] = [];
  const missing: PartyRole[] = [];
  for (const role of new Set(roles)) {
    const ofRole = parties.filter((p) => p.role === role);
    let found = 0;
    ofRole.forEach((party, index) => {
      const address = addressOf(party, index);
      if (!address || recipients.some((r) => r.key === address.key)) return;
      recipients.push(address);
      found++;
    });
    if (found === 0) missing.push(role);
  }
  return { recipients, missing };
}

function addressOf(party: Party, index: number): RecipientAddress | undefined {
  const pro = party.professional;
  if (pro) {
    return {
      key: `${party.role}:${pro.aadObjectId}`,
      role: party.role,
      channel: 'teams',
      aadObjectId: pro.aadObjectId,
      ...(pro.teamsUserId ? { teamsUserId: pro.teamsUserId } : {}),
      ...(pro.email ? { email: pro.email } : {}),
    };
  }
  if (party.teamsChannelKey) return { key: `${party.role}:channel:${party.teamsChannelKey}`, role: party.role, channel: 'teams', teamsChannelKey: party.teamsChannelKey };
  const email = party.contact?.email;
  if (email) return { key: `${party.role}:email:${index}`, role: party.role, channel: 'email', email };
  return undefined;
}

/**
 * Plans the reminders of agreed dates: the responsible person `daysBefore` working days before
 * and on the day, everyone else on the day, always at the policy's local time on a working day.
 * Reminders whose time has already passed are left out.
 */
export function planAgreementReminders(input: PlanInput, ctx: PlanContext): ReminderPlan {
  const plan = planAll(input, ctx);
  const now = ctx.clock.now().getTime();
  return { ...plan, reminders: plan.reminders.filter((r) => Date.parse(r.dueAt) > now) };
}

function planAll(input: PlanInput, ctx: PlanContext): ReminderPlan {
  const reminders: PlannedReminder[] = [];
  const unaddressable: Unaddressable[] = [];
  for (const agreed of input.agreedDates) {
    const responsible = recipientsFor([agreed.responsible], input.parties);
    const everyone = recipientsFor([agreed.responsible, ...agreed.parties], input.parties);
    for (const role of everyone.missing) unaddressable.push({ agreementId: agreed.agreementId, role });
    const base = baseId(input.referralId, agreed);
    const subject: ReminderSubject = {
      label: agreed.label,
      agreementId: agreed.agreementId,
      agreementKind: agreed.kind,
      date: agreed.date,
      ...(agreed.time ? { time: agreed.time } : {}),
    };
    const common = { referralId: input.referralId, timeZone: ctx.calendar.timeZone, subject };
    const onDay = onDayDueAt(agreed, ctx);
    if (ctx.policy.daysBefore > 0 && responsible.recipients.length > 0) {
      const day = ctx.calendar.addWorkingDays(agreed.date, -ctx.policy.daysBefore);
      const dueAt = ctx.calendar.at(day, ctx.policy.localTime);
      if (dueAt < onDay) {
        reminders.push({ ...common, id: `${base}:d-${ctx.policy.daysBefore}`, kind: 'agreementBefore', dueAt: dueAt.toISOString(), recipients: responsible.recipients });
      }
    }
    if (everyone.recipients.length > 0) {
      reminders.push({ ...common, id: `${base}:d0`, kind: 'agreementOnDay', dueAt: onDay.toISOString(), recipients: everyone.recipients });
    }
    reminders.push(...overdueSteps(agreed, base, common, input.parties, ctx));
  }
  return { reminders, unaddressable };
}

/** Agreed dates whose follow-up someone must do and mark done (nazorg runs until its date instead). */
const WATCHED: readonly AgreedDateKind[] = ['feedback', 'evaluation'];

/**
 * A missed agreed date: `overdueAfterDays` working days after it the responsible person; still
 * not done `secondEscalationAfterDays` working days later, the SMW'er (when not the one already
 * told) and the wijkteam coordinators' channel. Marking the date done or moving it cancels these
 * (same base id as the date's other reminders).
 */
function overdueSteps(agreed: AgreedDate, base: string, common: Pick<PlannedReminder, 'referralId' | 'timeZone' | 'subject'>, parties: Party[], ctx: PlanContext): PlannedReminder[] {
  const days = ctx.policy.overdueAfterDays ?? 0;
  if (days <= 0 || !WATCHED.includes(agreed.kind)) return [];
  const steps: PlannedReminder[] = [];
  const first = recipientsFor([agreed.responsible], parties).recipients.filter((r) => r.channel === 'teams');
  const day1 = ctx.calendar.addWorkingDays(agreed.date, days);
  if (first.length > 0) {
    steps.push({ ...common, subject: { ...common.subject, escalationStep: 1 }, id: `${base}:o1`, kind: 'agreementOverdue', dueAt: ctx.calendar.at(day1, ctx.policy.localTime).toISOString(), recipients: first });
  }
  const smw = recipientsFor(['smw'], parties).recipients.filter((r) => !first.some((f) => f.key === r.key));
  const key = ctx.policy.coordinatorChannelKey ?? '';
  const channel: RecipientAddress[] = key ? [{ key: `channel:${key}`, role: 'coordinator', channel: 'teams', teamsChannelKey: key }] : [];
  const second = [...smw, ...channel];
  if (second.length > 0) {
    const day2 = ctx.calendar.addWorkingDays(day1, ctx.policy.secondEscalationAfterDays ?? 1);
    steps.push({ ...common, subject: { ...common.subject, escalationStep: 2 }, id: `${base}:o2`, kind: 'agreementOverdue', dueAt: ctx.calendar.at(day2, ctx.policy.localTime).toISOString(), recipients: second });
  }
  return steps;
}

/** The date and agreed time are part of the id: moving an agreement gives new reminders, re-planning it the same ones. */
function baseId(referralId: string, agreed: AgreedDate): string {
  return `${referralId}:${agreed.agreementId}:${agreed.date}${agreed.time ? `T${agreed.time.replace(':', '')}` : ''}`;
}

/**
 * The on-the-day reminder: at the policy time on the agreed date, or on the previous working
 * day when the date is not a working day or the agreed time is not later than the policy time.
 */
function onDayDueAt(agreed: AgreedDate, ctx: PlanContext): Date {
  const { calendar, policy } = ctx;
  let day = calendar.onOrBefore(agreed.date);
  if (day === agreed.date && agreed.time !== undefined && agreed.time <= policy.localTime) {
    day = calendar.addWorkingDays(agreed.date, -1);
  }
  return calendar.at(day, policy.localTime);
}

/** Emitted when an agreed date moves, so the other parties hear about it. */
export interface AgreementRescheduled {
  type: 'agreementRescheduled';
  referralId: string;
  agreementId: string;
  kind: AgreedDateKind;
  label: string;
  from: { date: string; time?: string };
  to: { date: string; time?: string };
  by: PartyRole;
  /** The parties to tell: everyone in the agreement except the one who moved it. */
  notify: PartyRole[];
}

export interface Rescheduled {
  agreedDates: AgreedDate[];
  /** Reminders of the old date: the store cancels those still pending. */
  cancel: PlannedReminder[];
  /** Reminders of the new date. */
  create: PlannedReminder[];
  event: AgreementRescheduled;
}

/** Moves one agreement to a new date (and time) and re-plans its reminders. */
export function rescheduleAgreement(
  input: PlanInput,
  agreementId: string,
  to: { date: string; time?: string },
  by: PartyRole,
  ctx: PlanContext,
): Rescheduled | Refusal {
  const current = input.agreedDates.find((a) => a.agreementId === agreementId);
  if (!current) return { refused: 'reminders.unknownAgreement' };
  const today = ctx.calendar.localDate(ctx.clock.now());
  if (to.date < today) return { refused: 'reminders.dateInPast' };
  if (to.date === current.date && to.time === current.time) return { refused: 'reminders.sameDate' };
  const moved: AgreedDate = { ...current, date: to.date };
  if (to.time !== undefined) moved.time = to.time;
  else delete moved.time;
  const agreedDates = input.agreedDates.map((a) => (a.agreementId === agreementId ? moved : a));
  const before = planAll({ ...input, agreedDates: [current] }, ctx).reminders;
  const after = planAgreementReminders({ ...input, agreedDates: [moved] }, ctx).reminders;
  const afterIds = new Set(after.map((r) => r.id));
  const beforeIds = new Set(before.map((r) => r.id));
  const notify = [...new Set([current.responsible, ...current.parties])].filter((role) => role !== by);
  return {
    agreedDates,
    cancel: before.filter((r) => !afterIds.has(r.id)),
    create: after.filter((r) => !beforeIds.has(r.id)),
    event: {
      type: 'agreementRescheduled',
      referralId: input.referralId,
      agreementId,
      kind: current.kind,
      label: current.label,
      from: { date: current.date, ...(current.time ? { time: current.time } : {}) },
      to: { date: to.date, ...(to.time ? { time: to.time } : {}) },
      by,
      notify,
    },
  };
}

/** Snooze choices on a reminder card. */
export type SnoozeChoice = { kind: 'nextWorkingDay' } | { kind: 'workingDays'; days: number } | { kind: 'date'; date: string };

/** When a snoozed reminder comes back: always a working day at the policy time, and in the future. */
export function snoozeDueAt(choice: SnoozeChoice, ctx: PlanContext): Date | Refusal {
  const { calendar, policy, clock } = ctx;
  const now = clock.now();
  const today = calendar.localDate(now);
  let day: string;
  switch (choice.kind) {
    case 'nextWorkingDay':
      day = calendar.addWorkingDays(today, 1);
      break;
    case 'workingDays':
      if (!Number.isInteger(choice.days) || choice.days < 1 || choice.days > 60) return { refused: 'reminders.snoozeRange' };
      day = calendar.addWorkingDays(today, choice.days);
      break;
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(choice.date)) return { refused: 'reminders.snoozeInvalid' };
      day = calendar.onOrAfter(choice.date);
      break;
  }
  const dueAt = calendar.at(day, policy.localTime);
  return dueAt.getTime() > now.getTime() ? dueAt : { refused: 'reminders.snoozeInPast' };
}

/**
 * Snoozes a reminder for one recipient: a new reminder for that person only, due later.
 * The id derives from the original and the snooze depth, so a repeated click is a no-op.
 */
export function snoozeReminder(
  original: Pick<PlannedReminder, 'id' | 'referralId' | 'timeZone' | 'recipients' | 'subject'>,
  recipientKey: string,
  choice: SnoozeChoice,
  ctx: PlanContext,
): PlannedReminder | Refusal {
  const recipient = original.recipients.find((r) => r.key === recipientKey);
  if (!recipient) return { refused: 'reminders.notYours' };
  const dueAt = snoozeDueAt(choice, ctx);
  if (isRefusal(dueAt)) return dueAt;
  const root = original.subject.snoozeOf ?? original.id;
  const depth = (original.subject.snoozeCount ?? 0) + 1;
  return {
    id: `${root}:z${depth}:${recipientKey}`,
    referralId: original.referralId,
    kind: 'snoozed',
    dueAt: dueAt.toISOString(),
    timeZone: original.timeZone,
    recipients: [recipient],
    subject: { ...original.subject, snoozeOf: root, snoozeCount: depth },
  };
}

/** The lifecycle of a stored reminder. */
export type ReminderStatus = 'pending' | 'sent' | 'done' | 'cancelled';

/** Only a reminder that is still open can be marked done, snoozed away or cancelled. */
export function isOpen(status: ReminderStatus): boolean {
  return status === 'pending' || status === 'sent';
}
