import { describe, expect, it } from 'vitest';
import { fromGraphDateTime, toGraphDateTime, toWindowsZone } from '../../src/meetings/graphTime.js';

describe('Graph date-times', () => {
  it('writes local wall-clock time with the Windows zone name Graph accepts for Amsterdam', () => {
    expect(toWindowsZone('Europe/Amsterdam')).toBe('W. Europe Standard Time');
    expect(toGraphDateTime(new Date('2026-03-27T08:00:00Z'), 'Europe/Amsterdam')).toEqual({ dateTime: '2026-03-27T09:00:00', timeZone: 'W. Europe Standard Time' });
    expect(toGraphDateTime(new Date('2026-03-30T07:00:00Z'), 'Europe/Amsterdam')).toEqual({ dateTime: '2026-03-30T09:00:00', timeZone: 'W. Europe Standard Time' });
  });

  it('reads Graph times with seven fractional digits in UTC, Windows or IANA zones', () => {
    expect(fromGraphDateTime({ dateTime: '2026-10-26T08:30:00.0000000', timeZone: 'UTC' }).toISOString()).toBe('2026-10-26T08:30:00.000Z');
    expect(fromGraphDateTime({ dateTime: '2026-10-23T08:30:00.0000000', timeZone: 'W. Europe Standard Time' }).toISOString()).toBe('2026-10-23T06:30:00.000Z');
    expect(fromGraphDateTime({ dateTime: '2026-10-26T08:30:00', timeZone: 'Europe/Amsterdam' }).toISOString()).toBe('2026-10-26T07:30:00.000Z');
  });

  it('refuses a time it cannot place', () => {
    expect(() => fromGraphDateTime({ dateTime: '2026-10-26T08:30:00', timeZone: 'Mars Standard Time' })).toThrow();
  });
});
