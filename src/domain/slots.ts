import { DateTime } from 'luxon';
import type { WorkingCalendar } from './calendar.js';

/** A half-open span of time [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/** Local wall-clock hours `HH:MM`–`HH:MM`, applied on each date in the calendar's time zone. */
export interface LocalHours {
  start: string;
  end: string;
}

/** Parts of the day parents can choose on the planning card. */
export type DayPart = 'ochtend' | 'middag' | 'avond';

/** ISO weekday, Monday = 1 … Friday = 5 (the warme overdracht is never planned in a weekend). */
export type Weekday = 1 | 2 | 3 | 4 | 5;

/** "Tuesday mornings" and the like. */
export interface WeeklyPart {
  weekday: Weekday;
  part: DayPart;
}

/** The local hours of each part of the day. */
export const DAY_PARTS: Readonly<Record<DayPart, LocalHours>> = {
  ochtend: { start: '08:30', end: '12:00' },
  middag: { start: '12:00', end: '17:00' },
  avond: { start: '17:00', end: '20:00' },
};

export const DEFAULT_WORKING_HOURS: LocalHours = { start: '08:30', end: '17:00' };

/**
 * When the parents can meet: recurring parts of weekdays, concrete windows, or both. A slot must
 * lie entirely inside their union.
 */
export interface ParentAvailability {
  weekly?: readonly WeeklyPart[];
  windows?: readonly Interval[];
}

/** What {@link findSlots} searches. Only `from`, `calendar`, `horizonWorkingDays` and `parents` are required. */
export interface SlotQuery {
  /** "Now": no slot starts before it. */
  from: Date;
  /** Working days and time zone (the wijkteam's policy: public holidays off). */
  calendar: WorkingCalendar;
  /** The last day searched is this many working days after the local date of `from`. */
  horizonWorkingDays: number;
  parents: ParentAvailability;
  /** Busy time of the professionals (all of them together; e.g. every list from getSchedule, flattened). */
  busy?: readonly Interval[];
  /** Default 60. */
  durationMinutes?: number;
  /** Distance between candidate start times, on a grid from local midnight. Default 30. */
  stepMinutes?: number;
  /** Default 08:30–17:00. */
  workingHours?: LocalHours;
  /** Used instead of the working hours only when the parents can do nothing but evenings. Default 17:00–20:00. */
  eveningHours?: LocalHours;
  /** The first day searched is this many working days after today; 0 allows later today. Default 1. */
  leadWorkingDays?: number;
  /** Default 3. */
  maxResults?: number;
}

const MINUTE = 60_000;

/**
 * Proposes up to `maxResults` meeting slots, sorted by start, spread over different days where
 * possible (then over different parts of a day). Works on local wall-clock times, so a 09:00 slot
 * stays 09:00 across DST changes; weekends and the calendar's holidays are skipped. Returns an
 * empty list when nothing fits.
 */
export function findSlots(query: SlotQuery): Interval[] {
  const { calendar, from } = query;
  const duration = query.durationMinutes ?? 60;
  const step = query.stepMinutes ?? 30;
  const max = query.maxResults ?? 3;
  if (duration <= 0 || step <= 0) throw new RangeError('durationMinutes and stepMinutes must be positive');
  const lead = query.leadWorkingDays ?? 1;
  const today = calendar.localDate(from);
  const firstDay = lead > 0 ? calendar.addWorkingDays(today, lead) : calendar.onOrAfter(today);
  const lastDay = calendar.addWorkingDays(today, query.horizonWorkingDays);
  const workingHours = query.workingHours ?? DEFAULT_WORKING_HOURS;
  const dayHours = isEveningOnly(query.parents, calendar, workingHours) ? (query.eveningHours ?? DAY_PARTS.avond) : workingHours;
  const busy = query.busy ?? [];

  const candidates: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day = calendar.addWorkingDays(day, 1)) {
    const allowed = intersect(parentIntervals(query.parents, day, calendar), [localInterval(day, dayHours, calendar)]);
    for (const window of allowed) {
      for (const start of gridStarts(window, step, calendar.timeZone)) {
        const end = start + duration * MINUTE;
        if (end > window.end) break;
        if (start < from.getTime()) continue;
        if (busy.some((b) => b.start.getTime() < end && b.end.getTime() > start)) continue;
        candidates.push({ start: new Date(start), end: new Date(end) });
      }
    }
  }
  return spread(candidates, max, calendar.timeZone);
}

/**
 * The time span a search with these settings looks at: from `from` to the end of the last
 * horizon day. Ask the calendar service (getSchedule) for exactly this span.
 */
export function searchRange(from: Date, calendar: WorkingCalendar, horizonWorkingDays: number): Interval {
  const lastDay = calendar.addWorkingDays(calendar.localDate(from), horizonWorkingDays);
  const end = DateTime.fromISO(lastDay, { zone: calendar.timeZone }).plus({ days: 1 }).startOf('day').toJSDate();
  return { start: from, end };
}

interface Span {
  start: number;
  end: number;
}

function localInterval(isoDate: string, hours: LocalHours, calendar: WorkingCalendar): Span {
  return { start: calendar.at(isoDate, hours.start).getTime(), end: calendar.at(isoDate, hours.end).getTime() };
}

/** The parents' availability on one date, merged into disjoint spans. */
function parentIntervals(parents: ParentAvailability, isoDate: string, calendar: WorkingCalendar): Span[] {
  const weekday = DateTime.fromISO(isoDate, { zone: calendar.timeZone }).weekday;
  const spans: Span[] = (parents.weekly ?? [])
    .filter((p) => p.weekday === weekday)
    .map((p) => localInterval(isoDate, DAY_PARTS[p.part], calendar));
  for (const w of parents.windows ?? []) spans.push({ start: w.start.getTime(), end: w.end.getTime() });
  return merge(spans);
}

function merge(spans: Span[]): Span[] {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

function intersect(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  for (const x of a) {
    for (const y of b) {
      const start = Math.max(x.start, y.start);
      const end = Math.min(x.end, y.end);
      if (end > start) out.push({ start, end });
    }
  }
  return out;
}

/** Start instants on the local `step` grid (e.g. :00 and :30) from the window's start onwards. */
function* gridStarts(window: Span, step: number, zone: string): Generator<number> {
  const first = DateTime.fromMillis(window.start, { zone });
  const minuteOfDay = first.hour * 60 + first.minute + (first.second > 0 || first.millisecond > 0 ? 1 : 0);
  let m = Math.ceil(minuteOfDay / step) * step;
  const day = first.startOf('day');
  for (; m < 24 * 60; m += step) {
    const at = day.set({ hour: Math.floor(m / 60), minute: m % 60 }).toMillis();
    if (at >= window.end) return;
    yield at;
  }
}

/**
 * Evening hours are offered only when every weekly part the parents chose is an evening and none
 * of their windows touches working hours.
 */
function isEveningOnly(parents: ParentAvailability, calendar: WorkingCalendar, workingHours: LocalHours): boolean {
  const weekly = parents.weekly ?? [];
  const windows = parents.windows ?? [];
  if (weekly.length + windows.length === 0) return false;
  if (weekly.some((p) => p.part !== 'avond')) return false;
  return windows.every((w) => {
    const days = new Set([calendar.localDate(w.start), calendar.localDate(new Date(w.end.getTime() - 1))]);
    const span = { start: w.start.getTime(), end: w.end.getTime() };
    return [...days].every((d) => intersect([span], [localInterval(d, workingHours, calendar)]).length === 0);
  });
}

function partOfDay(start: Date, zone: string): DayPart {
  const hour = DateTime.fromJSDate(start, { zone }).hour;
  return hour < 12 ? 'ochtend' : hour < 17 ? 'middag' : 'avond';
}

/**
 * Picks from time-ordered candidates: first the earliest slot of each distinct day, then other
 * parts of days already used, then slots not overlapping a pick, then anything left.
 */
function spread(candidates: Interval[], max: number, zone: string): Interval[] {
  const chosen: Interval[] = [];
  const dayOf = (i: Interval) => DateTime.fromJSDate(i.start, { zone }).toISODate();
  const overlapsChosen = (c: Interval) => chosen.some((x) => x.start < c.end && x.end > c.start);
  const passes: ((c: Interval) => boolean)[] = [
    (c) => !chosen.some((x) => dayOf(x) === dayOf(c)),
    (c) => !overlapsChosen(c) && !chosen.some((x) => dayOf(x) === dayOf(c) && partOfDay(x.start, zone) === partOfDay(c.start, zone)),
    (c) => !overlapsChosen(c),
    () => true,
  ];
  for (const accept of passes) {
    for (const c of candidates) {
      if (chosen.length >= max) break;
      if (!chosen.includes(c) && accept(c)) chosen.push(c);
    }
  }
  return chosen.sort((a, b) => a.start.getTime() - b.start.getTime());
}
