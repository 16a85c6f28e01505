import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { findSlots, searchRange, type Interval, type SlotQuery, type WeeklyPart } from '../../src/domain/slots.js';

const zone = 'Europe/Amsterdam';
const calendar = new WorkingCalendar(zone);

/** A local wall-clock time in Amsterdam, e.g. `at('2026-11-23T08:30')`. */
const at = (local: string): Date => DateTime.fromISO(local, { zone }).toJSDate();
const span = (from: string, to: string): Interval => ({ start: at(from), end: at(to) });
/** Slots as local `yyyy-MM-dd HH:mm–HH:mm` strings. */
const local = (slots: Interval[]): string[] =>
  slots.map((s) => {
    const a = DateTime.fromJSDate(s.start, { zone });
    return `${a.toFormat('yyyy-MM-dd HH:mm')}–${DateTime.fromJSDate(s.end, { zone }).toFormat('HH:mm')}`;
  });

const everyWeekday = (...parts: WeeklyPart['part'][]): WeeklyPart[] =>
  ([1, 2, 3, 4, 5] as const).flatMap((weekday) => parts.map((part) => ({ weekday, part })));

function query(overrides: Partial<SlotQuery>): SlotQuery {
  return {
    from: at('2026-11-20T10:00'), // a Friday
    calendar,
    horizonWorkingDays: 10,
    parents: { weekly: everyWeekday('ochtend', 'middag') },
    ...overrides,
  };
}

describe('findSlots', () => {
  it('starts on the next working day and spreads three slots over three days', () => {
    expect(local(findSlots(query({})))).toEqual([
      '2026-11-23 08:30–09:30',
      '2026-11-24 08:30–09:30',
      '2026-11-25 08:30–09:30',
    ]);
  });

  it('avoids the busy time of both professionals, also when their calendars overlap', () => {
    const busy = [
      span('2026-11-23T08:00', '2026-11-23T10:00'), // SMW'er
      span('2026-11-23T09:30', '2026-11-23T11:30'), // casusregisseur, overlapping
      span('2026-11-23T12:30', '2026-11-23T17:00'),
    ];
    const slots = findSlots(query({ busy, parents: { weekly: [{ weekday: 1, part: 'ochtend' }, { weekday: 1, part: 'middag' }] } }));
    // 11:30–12:30 spans ochtend and middag (both chosen); the next Monday is free from 08:30.
    expect(local(slots)).toEqual(['2026-11-23 11:30–12:30', '2026-11-30 08:30–09:30', '2026-11-30 12:00–13:00']);
  });

  it('lets a slot end exactly when a busy block starts', () => {
    const busy = [span('2026-11-23T09:30', '2026-11-23T17:00')];
    const slots = findSlots(query({ busy, parents: { windows: [span('2026-11-23T08:00', '2026-11-23T18:00')] } }));
    expect(local(slots)).toEqual(['2026-11-23 08:30–09:30']);
  });

  it('keeps a slot inside the chosen part of the day', () => {
    const slots = findSlots(query({ durationMinutes: 90, parents: { weekly: [{ weekday: 3, part: 'ochtend' }] }, maxResults: 10 }));
    const wednesday = local(slots).filter((s) => s.startsWith('2026-11-25'));
    expect(wednesday.at(-1)).toBe('2026-11-25 10:30–12:00');
  });

  it('fits concrete windows of the parents on the local half-hour grid', () => {
    const slots = findSlots(query({ parents: { windows: [span('2026-11-25T13:15', '2026-11-25T15:00')] } }));
    expect(local(slots)).toEqual(['2026-11-25 13:30–14:30', '2026-11-25 14:00–15:00']);
  });

  it('does not put three slots on the same morning when the rest of the day is free', () => {
    const slots = findSlots(query({ parents: { windows: [span('2026-11-23T08:30', '2026-11-23T17:00')] } }));
    expect(local(slots)).toEqual(['2026-11-23 08:30–09:30', '2026-11-23 09:30–10:30', '2026-11-23 12:00–13:00']);
  });

  it('never proposes a weekend', () => {
    const weekend = [span('2026-11-21T09:00', '2026-11-21T17:00'), span('2026-11-22T09:00', '2026-11-22T17:00')];
    expect(findSlots(query({ parents: { windows: weekend } }))).toEqual([]);
  });

  it('skips Koningsdag 2027 (a Tuesday)', () => {
    const slots = findSlots(query({ from: at('2027-04-22T10:00'), parents: { weekly: [{ weekday: 2, part: 'ochtend' }] } }));
    expect(local(slots)[0]).toBe('2027-05-04 08:30–09:30');
    expect(local(slots).some((s) => s.startsWith('2027-04-27'))).toBe(false);
  });

  it('skips Christmas and Boxing Day', () => {
    const slots = findSlots(query({ from: at('2026-12-23T15:00'), parents: { weekly: everyWeekday('ochtend') } }));
    expect(local(slots)).toEqual(['2026-12-24 08:30–09:30', '2026-12-28 08:30–09:30', '2026-12-29 08:30–09:30']);
  });

  it('keeps local wall-clock times across the March DST change', () => {
    const slots = findSlots(query({ from: at('2026-03-26T12:00'), parents: { weekly: everyWeekday('ochtend') }, maxResults: 2 }));
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2026-03-27T07:30:00.000Z', '2026-03-30T06:30:00.000Z']);
  });

  it('keeps local wall-clock times across the October DST change, also for busy time given in UTC', () => {
    const busy = [{ start: new Date('2026-10-26T07:30:00Z'), end: new Date('2026-10-26T08:30:00Z') }]; // 08:30–09:30 CET
    const slots = findSlots(query({ from: at('2026-10-22T12:00'), busy, parents: { weekly: everyWeekday('ochtend') }, maxResults: 2 }));
    expect(slots.map((s) => s.start.toISOString())).toEqual(['2026-10-23T06:30:00.000Z', '2026-10-26T08:30:00.000Z']);
    expect(local(slots)).toEqual(['2026-10-23 08:30–09:30', '2026-10-26 09:30–10:30']);
  });

  it('offers evenings only when the parents can do nothing else, and still only on working days', () => {
    const eveningsOnly = findSlots(query({ parents: { weekly: [{ weekday: 2, part: 'avond' }] } }));
    // Two Tuesdays first (spread over days), then another hour of the first evening.
    expect(local(eveningsOnly)).toEqual(['2026-11-24 17:00–18:00', '2026-11-24 18:00–19:00', '2026-12-01 17:00–18:00']);

    const alsoMornings = findSlots(query({ parents: { weekly: [{ weekday: 2, part: 'avond' }, { weekday: 3, part: 'ochtend' }] } }));
    expect(local(alsoMornings)).toEqual(['2026-11-25 08:30–09:30', '2026-11-25 09:30–10:30', '2026-12-02 08:30–09:30']);

    const eveningWindow = findSlots(query({ parents: { windows: [span('2026-11-26T18:00', '2026-11-26T19:30')] } }));
    expect(local(eveningWindow)).toEqual(['2026-11-26 18:00–19:00', '2026-11-26 18:30–19:30']);
  });

  it('with no lead, allows later today on the grid but never in the past', () => {
    const slots = findSlots(query({ from: at('2026-11-23T10:10'), leadWorkingDays: 0, maxResults: 1 }));
    expect(local(slots)).toEqual(['2026-11-23 10:30–11:30']);
  });

  it('stays within the horizon of working days', () => {
    const slots = findSlots(query({ horizonWorkingDays: 2, parents: { weekly: [{ weekday: 3, part: 'ochtend' }] } }));
    expect(slots).toEqual([]); // Monday and Tuesday only
  });

  it('returns an empty list when the professionals are busy the whole horizon', () => {
    const busy = [span('2026-11-20T00:00', '2026-12-31T00:00')];
    expect(findSlots(query({ busy }))).toEqual([]);
  });

  it('tells which span to ask free/busy for: up to the end of the last horizon day', () => {
    const range = searchRange(at('2026-11-20T10:00'), calendar, 10);
    expect(range.start.toISOString()).toBe('2026-11-20T09:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-12-04T23:00:00.000Z'); // midnight after Fri 4 December, CET
  });
});
