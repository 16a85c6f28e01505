import { DateTime } from 'luxon';

/**
 * Graph's dateTimeTimeZone takes Windows zone names and only a listed subset of IANA names;
 * Europe/Amsterdam is not in that list, so requests use the Windows name.
 */
const WINDOWS_ZONES: Record<string, string> = {
  'Europe/Amsterdam': 'W. Europe Standard Time',
  'Europe/Berlin': 'W. Europe Standard Time',
  'Europe/Brussels': 'Romance Standard Time',
  'Europe/Paris': 'Romance Standard Time',
  'Europe/London': 'GMT Standard Time',
  UTC: 'UTC',
  'Etc/UTC': 'UTC',
};

const IANA_ZONES: Record<string, string> = {
  'W. Europe Standard Time': 'Europe/Amsterdam',
  'Romance Standard Time': 'Europe/Brussels',
  'GMT Standard Time': 'Europe/London',
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
};

export function toWindowsZone(iana: string): string {
  return WINDOWS_ZONES[iana] ?? iana;
}

/** Graph's `{ dateTime, timeZone }`: the local wall-clock time in the zone. */
export interface GraphDateTime {
  dateTime: string;
  timeZone: string;
}

export function toGraphDateTime(at: Date, ianaZone: string): GraphDateTime {
  const local = DateTime.fromJSDate(at, { zone: ianaZone });
  return { dateTime: local.toFormat("yyyy-LL-dd'T'HH:mm:ss"), timeZone: toWindowsZone(ianaZone) };
}

/** Reads Graph's `{ dateTime, timeZone }` (Windows or IANA zone name; 7-digit fractions). */
export function fromGraphDateTime(value: GraphDateTime): Date {
  const zone = IANA_ZONES[value.timeZone] ?? value.timeZone;
  const parsed = DateTime.fromISO(value.dateTime.replace(/(\.\d{3})\d+$/, '$1'), { zone: zone === 'UTC' ? 'utc' : zone });
  if (!parsed.isValid) throw new Error(`Graph: unreadable time in zone ${value.timeZone}`);
  return parsed.toJSDate();
}
