import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import type { Lang } from './index.js';

/**
 * One place for how people read dates, times and phone numbers: Dutch words for days and months,
 * local time of the configured zone (Europe/Amsterdam), never an ISO string or UTC on a card.
 */
const LOCALE: Record<Lang, string> = { nl: 'nl-NL', en: 'en-GB' };

/** A calendar date (`YYYY-MM-DD`) or an instant, as its local date. */
function local(value: string | Date, zone: string): DateTime {
  if (value instanceof Date) return DateTime.fromJSDate(value, { zone });
  // A bare date has no zone of its own: it is the local date it names.
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone }) : DateTime.fromISO(value, { zone: 'utc' }).setZone(zone);
}

/** "dinsdag 8 december 2026" (long) or "8 dec. 2026" (short). */
export function formatDate(value: string | Date, lang: Lang, zone: string, style: 'long' | 'short' = 'long'): string {
  const d = local(value, zone).setLocale(LOCALE[lang]);
  return style === 'long' ? d.toFormat('cccc d LLLL yyyy') : d.toFormat('d LLL yyyy');
}

/** "di 8 dec 10:30": a moment in a list. */
export function formatMoment(value: string | Date, lang: Lang, zone: string): string {
  return local(value, zone).setLocale(LOCALE[lang]).toFormat('ccc d LLL HH:mm');
}

/** "10:30" local time. */
export function formatTime(value: string | Date, zone: string): string {
  return local(value, zone).toFormat('HH:mm');
}

/** Whole days from `today` to a date (negative: past). Both local calendar dates. */
export function daysUntil(date: string, today: string): number {
  return Math.round(DateTime.fromISO(date.slice(0, 10)).diff(DateTime.fromISO(today), 'days').days);
}

/** A phone number as a Dutch person writes it ("06 12345678", "010 123 4567"); foreign ones internationally. */
export function formatPhone(raw: string): string {
  const parsed = parsePhoneNumberFromString(raw, 'NL');
  if (!parsed?.isValid()) return raw;
  return parsed.country === 'NL' ? parsed.formatNational() : parsed.formatInternational();
}

/** An agreed date with its optional time, in Dutch: "dinsdag 15 december 2026 om 10:00". */
export function agreedMomentText(at: { date: string; time?: string }): string {
  const day = DateTime.fromISO(at.date).setLocale('nl').toFormat('cccc d LLLL yyyy');
  return at.time ? `${day} om ${at.time}` : day;
}
