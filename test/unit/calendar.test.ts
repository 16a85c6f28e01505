import { describe, expect, it } from 'vitest';
import { SCHOOL_DAYS_OFF, WorkingCalendar } from '../../src/domain/calendar.js';

const cal = new WorkingCalendar('Europe/Amsterdam');

describe('WorkingCalendar', () => {
  it('skips weekends', () => {
    expect(cal.addWorkingDays('2026-11-20', 1)).toBe('2026-11-23'); // Friday → Monday
    expect(cal.addWorkingDays('2026-11-23', -1)).toBe('2026-11-20');
  });

  it('skips Dutch public holidays: Koningsdag, Easter Monday, Christmas', () => {
    expect(cal.isWorkingDay('2027-04-27')).toBe(false); // Koningsdag on a Tuesday
    expect(cal.addWorkingDays('2027-04-26', 1)).toBe('2027-04-28');
    expect(cal.isWorkingDay('2026-04-06')).toBe(false); // Tweede paasdag
    expect(cal.addWorkingDays('2026-12-24', 1)).toBe('2026-12-28');
  });

  it('counts Goede Vrijdag as a working day for wijkteams but not for schools', () => {
    expect(cal.isWorkingDay('2026-04-03')).toBe(true);
    expect(new WorkingCalendar('Europe/Amsterdam', SCHOOL_DAYS_OFF).isWorkingDay('2026-04-03')).toBe(false);
  });

  it('keeps the local wall-clock time across DST', () => {
    expect(cal.at('2026-03-27', '08:30').toISOString()).toBe('2026-03-27T07:30:00.000Z'); // CET
    expect(cal.at('2026-03-30', '08:30').toISOString()).toBe('2026-03-30T06:30:00.000Z'); // CEST
  });

  it('counts working days between dates in both directions', () => {
    expect(cal.workingDaysBetween('2026-11-20', '2026-11-27')).toBe(5);
    expect(cal.workingDaysBetween('2026-11-27', '2026-11-20')).toBe(-5);
    expect(cal.workingDaysBetween('2026-11-20', '2026-11-20')).toBe(0);
  });
});
