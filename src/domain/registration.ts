import type { WorkingCalendar } from './calendar.js';
import type { DomainEvent } from './decision.js';
import type { EffectRequest } from './effects.js';
import type { Referral } from './referral.js';
import { normDeadline, type ServiceNormRule } from './serviceNorms.js';
import type { Counts, Participation, RegistrationCell, RegistrationIncrement } from './registrationCounts.js';
export type { Counts, Participation, RegistrationCell, RegistrationIncrement } from './registrationCounts.js';

/**
 * The registration (registratie): counts per school × wijkteam × month that outlive the referrals.
 * An increment carries no personal data: a school name, a wijkteam id, a month and numbers.
 */

export interface RegistrationContext {
  calendar: WorkingCalendar;
  norms: ServiceNormRule[];
}

export const UNKNOWN_SCHOOL = 'onbekend';

export const BASE_COUNTERS = ['sent', 'redirected', 'declined', 'accepted', 'closed'] as const;
export const NORM_COUNTERS = ['met', 'missed', 'daysSum', 'daysCount'] as const;
export type NormCounter = (typeof NORM_COUNTERS)[number];
export const normCounter = (ruleId: string, c: NormCounter) => `norm_${ruleId}_${c}`;

/** The school as counted: whitespace collapsed, so "De  Horizon " and "De Horizon" are one school. */
export function schoolOf(referral: Referral): string {
  const name = referral.sections.pupil?.school?.replace(/\s+/g, ' ').trim();
  return name && name.length > 0 ? name : UNKNOWN_SCHOOL;
}

function timelineEntries(events: DomainEvent[]) {
  return events.flatMap((e) => (e.type === 'timeline' ? [e] : []));
}

/** When each norm event happened on this referral, as far as it is known. */
function eventTimes(r: Referral): Record<string, string | undefined> {
  const firstConfirmed = r.handover?.agreements.find((a) => a.confirmedAt !== undefined)?.confirmedAt;
  return { submitted: r.submittedAt, accepted: r.acceptedAt, handoverHeld: r.handover?.meeting?.end, agreementsConfirmed: firstConfirmed };
}

/** The norm end events a transition produced. */
function endEventsOf(entries: ReturnType<typeof timelineEntries>): string[] {
  const ends: string[] = [];
  for (const e of entries) {
    if (e.entry === 'accepted') ends.push('accepted');
    if (e.entry === 'handover.confirmed' && e.detail?.version === 1) ends.push('handoverHeld', 'agreementsConfirmed');
  }
  return ends;
}

function normCounts(rule: ServiceNormRule, start: string, end: string, ctx: RegistrationContext): Counts {
  const from = new Date(start);
  const to = new Date(end);
  const { calendar } = ctx;
  const days =
    rule.unit === 'working'
      ? calendar.workingDaysBetween(calendar.localDate(from), calendar.localDate(to))
      : Math.round((Date.parse(calendar.localDate(to)) - Date.parse(calendar.localDate(from))) / 86_400_000);
  const met = to < normDeadline(rule, from, calendar).missedAt;
  return {
    [normCounter(rule.id, met ? 'met' : 'missed')]: 1,
    [normCounter(rule.id, 'daysSum')]: Math.max(0, days),
    [normCounter(rule.id, 'daysCount')]: 1,
  };
}

function add(into: Counts, more: Counts): void {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
}

/**
 * What one accepted transition adds to the registration. `at` is the transition's instant; the
 * referral before and after it, and the decision's events, tell what happened.
 */
export function registrationIncrements(
  before: Referral | undefined,
  after: Referral,
  events: DomainEvent[],
  at: Date,
  ctx: RegistrationContext,
): RegistrationIncrement[] {
  const entries = timelineEntries(events);
  if (entries.length === 0) return [];
  const local = ctx.calendar.localDate(at);
  const school = schoolOf(after);
  const current = after.routing?.wijkteamId ?? before?.routing?.wijkteamId ?? 'onbekend';
  const perTeam = new Map<string, Counts>();
  const bump = (wijkteamId: string, counts: Counts) => {
    const c = perTeam.get(wijkteamId) ?? {};
    add(c, counts);
    perTeam.set(wijkteamId, c);
  };
  for (const e of entries) {
    if (e.entry === 'submitted') bump(current, { sent: 1 });
    if (e.entry === 'redirected') bump(String(e.detail?.from ?? current), { redirected: 1 });
    if (e.entry === 'declined') bump(current, { declined: 1 });
    if (e.entry === 'accepted') bump(current, { accepted: 1 });
    if (e.entry === 'closed') bump(current, { closed: 1 });
  }
  const times = eventTimes(after);
  for (const end of endEventsOf(entries)) {
    for (const rule of ctx.norms.filter((n) => n.endEvent === end)) {
      const start = times[rule.startEvent];
      const done = times[end];
      if (start && done) bump(current, normCounts(rule, start, done, ctx));
    }
  }
  const transition = `${after.referralId}:${after.version}`;
  return [...perTeam.entries()].map(([wijkteamId, counts]) => ({
    cell: { period: local.slice(0, 4), month: local.slice(0, 7), school, wijkteamId },
    counts,
    key: `${transition}:${wijkteamId}`,
  }));
}

/** The professionals of a transition who take part in this year's evaluation. */
export function participationsOf(after: Referral, events: DomainEvent[], at: Date, ctx: RegistrationContext): Participation[] {
  const entries = timelineEntries(events);
  const period = ctx.calendar.localDate(at).slice(0, 4);
  const school = schoolOf(after);
  const wijkteamId = after.routing?.wijkteamId ?? 'onbekend';
  const out: Participation[] = [];
  if (entries.some((e) => e.entry === 'submitted')) out.push({ period, aadObjectId: after.smw.aadObjectId, role: 'smw', school, wijkteamId });
  if (entries.some((e) => e.entry === 'accepted') && after.caseManager) out.push({ period, aadObjectId: after.caseManager.aadObjectId, role: 'caseManager', school, wijkteamId });
  return out;
}

/**
 * Where a `countRegistration` effect's data is written: each increment with the professionals of
 * its cell (same year, school and wijkteam; kept in the cell, in the same write as the counts),
 * and the participations no increment of theirs carries (kept on their own).
 */
export function registrationWrites(increments: readonly RegistrationIncrement[], participations: readonly Participation[]): { cells: { increment: RegistrationIncrement; people: Participation[] }[]; alone: Participation[] } {
  const placed = new Set<Participation>();
  const cells = increments.map((increment) => {
    const people = participations.filter((p) => !placed.has(p) && p.period === increment.cell.period && p.school === increment.cell.school && p.wijkteamId === increment.cell.wijkteamId);
    people.forEach((p) => placed.add(p));
    return { increment, people };
  });
  return { cells, alone: participations.filter((p) => !placed.has(p)) };
}

/** One cell's counters as read back from the store. */
export interface CellTotals extends RegistrationCell {
  counts: Counts;
}

/** Shown instead of a number below the threshold. */
export const SUPPRESSED = '<5';

/** A count for output: below `min` (and above 0) it is suppressed. */
export function shown(value: number, min: number): string {
  return value > 0 && value < min ? `<${min}` : String(value);
}

/** Counters of agreed dates (terugkoppeling, evaluatie, nazorg) marked done from their reminder. */
/** `agreedEscalated`: the date passed without being marked done and its escalation went out. */
export const AGREED_COUNTERS = ['agreedOnTime', 'agreedLate', 'agreedEscalated'] as const;

/**
 * An agreed date marked done on the local day `local` (`YYYY-MM-DD`): on time when done on or
 * before the agreed local date, late after it. Counted once per agreement, in the month it was done.
 */
function agreedDateDoneOn(referral: Referral, agreementId: string, agreedDate: string, local: string): RegistrationIncrement {
  return {
    cell: { period: local.slice(0, 4), month: local.slice(0, 7), school: schoolOf(referral), wijkteamId: referral.routing?.wijkteamId ?? 'onbekend' },
    counts: { [local <= agreedDate ? 'agreedOnTime' : 'agreedLate']: 1 },
    key: `${referral.referralId}:agreed:${agreementId}`,
  };
}

/** An agreed date escalated (not marked done N working days after it): counted once per agreement. */
export function agreedEscalationIncrement(referral: Referral, agreementId: string, at: Date, ctx: Pick<RegistrationContext, 'calendar'>): RegistrationIncrement {
  const local = ctx.calendar.localDate(at);
  return {
    cell: { period: local.slice(0, 4), month: local.slice(0, 7), school: schoolOf(referral), wijkteamId: referral.routing?.wijkteamId ?? 'onbekend' },
    counts: { agreedEscalated: 1 },
    key: `${referral.referralId}:escalated:${agreementId}`,
  };
}

/** Which sent reminder means an agreed date escalated: the first step of a missed date's escalation. */
export function isAgreedDateEscalation(reminder: { kind: string; subject: { escalationStep?: number } }): boolean {
  return reminder.kind === 'agreementOverdue' && reminder.subject.escalationStep === 1;
}

/**
 * The registration's share of a decision: one effect with the transition's counts and the
 * professionals who took part, or none when it counts nothing. Counted by the effect runner after
 * the answer, and never lost to a crash between the commit and the count.
 */
export function registrationEffect(before: Referral | undefined, after: Referral, events: DomainEvent[], at: Date, ctx: RegistrationContext): EffectRequest | undefined {
  const increments = registrationIncrements(before, after, events, at, ctx);
  const participations = participationsOf(after, events, at, ctx);
  return increments.length + participations.length > 0 ? { kind: 'countRegistration', increments, participations } : undefined;
}

/**
 * An agreed date marked done from its reminder on the local day `today`, counted on time or late:
 * an effect of that decision, or none when the reminder was not about an agreed date.
 */
export function agreedDateDoneEffect(referral: Referral, subject: { agreementId?: string; date?: string }, today: string): EffectRequest | undefined {
  if (!subject.agreementId || !subject.date) return undefined;
  return { kind: 'countRegistration', increments: [agreedDateDoneOn(referral, subject.agreementId, subject.date.slice(0, 10), today)], participations: [] };
}
