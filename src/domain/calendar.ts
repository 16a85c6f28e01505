import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

/** Kinds of day off as date-holidays classifies them for NL (Goede Vrijdag and Bevrijdingsdag are `school`). */
export type HolidayKind = 'public' | 'school' | 'bank' | 'observance';

/**
 * Which days an organisation does not work. Wijkteams follow the public holidays; schools also
 * close on the `school` days and their own vacation weeks (given as extra ISO dates).
 */
export interface DaysOffPolicy {
  holidayKinds: HolidayKind[];
  /** Extra days off as `YYYY-MM-DD` (school vacations, study days). */
  extraDaysOff?: string[];
}

export const WIJKTEAM_DAYS_OFF: DaysOffPolicy = { holidayKinds: ['public'] };
export const SCHOOL_DAYS_OFF: DaysOffPolicy = { holidayKinds: ['public', 'school'] };

/**
 * Working days in one time zone: Monday to Friday minus the Dutch holidays the policy counts.
 * All arithmetic is on local calendar dates, so DST changes never shift a day.
 */
export class WorkingCalendar {
  private readonly holidays = new Holidays('NL');
  private readonly offCache = new Map<number, Set<string>>();
  private readonly extra: Set<string>;

  constructor(
    readonly timeZone: string = 'Europe/Amsterdam',
    readonly policy: DaysOffPolicy = WIJKTEAM_DAYS_OFF,
  ) {
    this.extra = new Set(policy.extraDaysOff ?? []);
  }

  /** Local calendar date (`YYYY-MM-DD`) of an instant. */
  localDate(at: Date): string {
    return DateTime.fromJSDate(at, { zone: this.timeZone }).toISODate() as string;
  }

  isWorkingDay(isoDate: string): boolean {
    const day = DateTime.fromISO(isoDate, { zone: this.timeZone });
    if (day.weekday > 5) return false;
    return !this.daysOff(day.year).has(isoDate) && !this.extra.has(isoDate);
  }

  /** The date `n` working days after (n > 0) or before (n < 0) the given date; n = 0 returns it unchanged. */
  addWorkingDays(isoDate: string, n: number): string {
    let day = DateTime.fromISO(isoDate, { zone: this.timeZone });
    const step = n >= 0 ? 1 : -1;
    let left = Math.abs(n);
    while (left > 0) {
      day = day.plus({ days: step });
      if (this.isWorkingDay(day.toISODate() as string)) left--;
    }
    return day.toISODate() as string;
  }

  /** The first working day on or after the date. */
  onOrAfter(isoDate: string): string {
    let day = DateTime.fromISO(isoDate, { zone: this.timeZone });
    while (!this.isWorkingDay(day.toISODate() as string)) day = day.plus({ days: 1 });
    return day.toISODate() as string;
  }

  /** The first working day on or before the date. */
  onOrBefore(isoDate: string): string {
    let day = DateTime.fromISO(isoDate, { zone: this.timeZone });
    while (!this.isWorkingDay(day.toISODate() as string)) day = day.minus({ days: 1 });
    return day.toISODate() as string;
  }

  /** Working days from `from` (exclusive) up to `to` (inclusive); negative when `to` is earlier. */
  workingDaysBetween(from: string, to: string): number {
    if (from === to) return 0;
    const sign = from < to ? 1 : -1;
    let day = DateTime.fromISO(from, { zone: this.timeZone });
    const end = to;
    let count = 0;
    while ((day.toISODate() as string) !== end) {
      day = day.plus({ days: sign });
      if (this.isWorkingDay(day.toISODate() as string)) count++;
    }
    return sign * count;
  }

  /** The instant of a local wall-clock time (`HH:MM`) on a date, resolved in this time zone. */
  at(isoDate: string, hhmm: string): Date {
    const [h, m] = hhmm.split(':').map(Number);
    return DateTime.fromISO(isoDate, { zone: this.timeZone }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toJSDate();
  }

  private daysOff(year: number): Set<string> {
    let set = this.offCache.get(year);
    if (!set) {
      set = new Set(
        this.holidays
          .getHolidays(year)
          .filter((h) => this.policy.holidayKinds.includes(h.type as HolidayKind))
          .map((h) => h.date.slice(0, 10)),
      );
      this.offCache.set(year, set);
    }
    return set;
  }
}
