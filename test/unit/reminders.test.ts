import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import {
  isRefusal,
  planAgreementReminders,
  reminderPolicy,
  rescheduleAgreement,
  snoozeReminder,
  type PlanContext,
  type PlannedReminder,
  type Refusal,
} from '../../src/domain/reminders.js';
import type { AgreedDate, Party } from '../../src/domain/types.js';

const calendar = new WorkingCalendar('Europe/Amsterdam');
const policy = reminderPolicy();

const parties: Party[] = [
  { role: 'smw', professional: { aadObjectId: 'aad-smw', name: 'S', email: 's@school.example' } },
  { role: 'caseManager', professional: { aadObjectId: 'aad-cm', name: 'C', teamsUserId: '29:cm' } },
  { role: 'schoolContact', professional: { aadObjectId: 'aad-ib', name: 'I' } },
  { role: 'parent', contact: { name: 'P1', email: 'p1@example.org' } },
  { role: 'parent', contact: { name: 'P2', phone: '0612345678' } },
];

function agreed(date: string, extra: Partial<AgreedDate> = {}): AgreedDate {
  return { agreementId: 'fb1', kind: 'feedback', date, responsible: 'caseManager', parties: ['smw', 'schoolContact'], label: 'Terugkoppeling', ...extra };
}

function ctxAt(now: string): PlanContext & { clock: ManualClock } {
  return { calendar, policy, clock: new ManualClock(now) };
}

function plan(date: string, now = '2026-01-05T08:00:00Z', extra: Partial<AgreedDate> = {}): PlannedReminder[] {
  return planAgreementReminders({ referralId: 'r1', agreedDates: [agreed(date, extra)], parties }, ctxAt(now)).reminders;
}

function dueOf(reminders: PlannedReminder[], kind: PlannedReminder['kind']): string | undefined {
  return reminders.find((r) => r.kind === kind)?.dueAt;
}

describe('planAgreementReminders', () => {
  it('reminds the responsible person two working days before and everyone on the day at 08:30', () => {
    const reminders = plan('2026-11-18'); // Wednesday
    expect(reminders).toHaveLength(2);
    const before = reminders.find((r) => r.kind === 'agreementBefore');
    const onDay = reminders.find((r) => r.kind === 'agreementOnDay');
    expect(before?.dueAt).toBe('2026-11-16T07:30:00.000Z');
    expect(before?.recipients.map((r) => r.key)).toEqual(['caseManager:aad-cm']);
    expect(onDay?.dueAt).toBe('2026-11-18T07:30:00.000Z');
    expect(onDay?.recipients.map((r) => r.key)).toEqual(['caseManager:aad-cm', 'smw:aad-smw', 'schoolContact:aad-ib']);
    expect(onDay?.recipients[1]).toMatchObject({ channel: 'teams', aadObjectId: 'aad-smw', email: 's@school.example' });
    expect(onDay?.timeZone).toBe('Europe/Amsterdam');
  });

  it('skips the weekend for the early reminder', () => {
    expect(dueOf(plan('2026-11-24'), 'agreementBefore')).toBe('2026-11-20T07:30:00.000Z'); // Tue → Fri
  });

  it('moves an on-the-day reminder of a Saturday date to Friday', () => {
    const reminders = plan('2026-11-21');
    expect(dueOf(reminders, 'agreementOnDay')).toBe('2026-11-20T07:30:00.000Z');
    expect(dueOf(reminders, 'agreementBefore')).toBe('2026-11-19T07:30:00.000Z');
  });

  it('skips Koningsdag', () => {
    expect(dueOf(plan('2026-04-29'), 'agreementBefore')).toBe('2026-04-24T06:30:00.000Z'); // Mon 27 April is off
    const onKingsDay = plan('2027-04-27');
    expect(dueOf(onKingsDay, 'agreementOnDay')).toBe('2027-04-26T06:30:00.000Z');
  });

  it('skips Christmas: a date on Christmas Day is reminded on Christmas Eve', () => {
    expect(dueOf(plan('2026-12-28'), 'agreementBefore')).toBe('2026-12-23T07:30:00.000Z');
    expect(dueOf(plan('2026-12-25'), 'agreementOnDay')).toBe('2026-12-24T07:30:00.000Z');
  });

  it('skips Easter Monday but treats Good Friday as a working day for the wijkteam', () => {
    expect(dueOf(plan('2026-04-07'), 'agreementBefore')).toBe('2026-04-02T06:30:00.000Z');
  });

  it('skips Ascension Day', () => {
    expect(dueOf(plan('2026-05-15'), 'agreementBefore')).toBe('2026-05-12T06:30:00.000Z');
  });

  it('keeps 08:30 local across both DST changes', () => {
    const spring = plan('2026-03-31');
    expect(dueOf(spring, 'agreementBefore')).toBe('2026-03-27T07:30:00.000Z'); // CET
    expect(dueOf(spring, 'agreementOnDay')).toBe('2026-03-31T06:30:00.000Z'); // CEST
    const autumn = plan('2026-10-27');
    expect(dueOf(autumn, 'agreementBefore')).toBe('2026-10-23T06:30:00.000Z'); // CEST
    expect(dueOf(autumn, 'agreementOnDay')).toBe('2026-10-27T07:30:00.000Z'); // CET
  });

  it('sends the on-the-day reminder the working day before when the agreed time is not after 08:30', () => {
    expect(dueOf(plan('2026-11-18', undefined, { time: '08:15' }), 'agreementOnDay')).toBe('2026-11-17T07:30:00.000Z');
    expect(dueOf(plan('2026-11-18', undefined, { time: '10:00' }), 'agreementOnDay')).toBe('2026-11-18T07:30:00.000Z');
  });

  it('honours a configured number of days and local time', () => {
    const ctx = { ...ctxAt('2026-01-05T08:00:00Z'), policy: reminderPolicy({ daysBefore: 3, localTime: '09:15' }) };
    const reminders = planAgreementReminders({ referralId: 'r1', agreedDates: [agreed('2026-11-18')], parties }, ctx).reminders;
    expect(dueOf(reminders, 'agreementBefore')).toBe('2026-11-13T08:15:00.000Z');
    expect(reminders.find((r) => r.kind === 'agreementBefore')?.id).toBe('r1:fb1:2026-11-18:d-3');
  });

  it('refuses night-time or malformed policies', () => {
    expect(() => reminderPolicy({ localTime: '23:00' })).toThrow(RangeError);
    expect(() => reminderPolicy({ localTime: '8:30' })).toThrow(RangeError);
    expect(() => reminderPolicy({ daysBefore: -1 })).toThrow(RangeError);
  });

  it('is deterministic: planning twice gives the same ids, and other dates give other ids', () => {
    const a = plan('2026-11-18').map((r) => r.id);
    expect(plan('2026-11-18').map((r) => r.id)).toEqual(a);
    expect(a).toEqual(['r1:fb1:2026-11-18:d-2', 'r1:fb1:2026-11-18:d0']);
    expect(plan('2026-11-19').map((r) => r.id)).not.toContain(a[0]);
    expect(plan('2026-11-18', undefined, { time: '10:00' }).map((r) => r.id)).toEqual(['r1:fb1:2026-11-18T1000:d-2', 'r1:fb1:2026-11-18T1000:d0']);
  });

  it('leaves out reminders whose time has passed', () => {
    const reminders = plan('2026-11-18', '2026-11-17T12:00:00Z');
    expect(reminders.map((r) => r.kind)).toEqual(['agreementOnDay']);
  });

  it('reaches parents by e-mail and reports parties that cannot be reached', () => {
    const result = planAgreementReminders(
      { referralId: 'r1', agreedDates: [agreed('2026-11-18', { kind: 'evaluation', responsible: 'caseManager', parties: ['parent', 'pupil'] })], parties },
      ctxAt('2026-01-05T08:00:00Z'),
    );
    const onDay = result.reminders.find((r) => r.kind === 'agreementOnDay');
    expect(onDay?.recipients.find((r) => r.role === 'parent')).toEqual({ key: 'parent:email:0', role: 'parent', channel: 'email', email: 'p1@example.org' });
    expect(result.unaddressable).toEqual([{ agreementId: 'fb1', role: 'pupil' }]);
  });

  it('time-skips a year of agreed dates: every reminder fires on a working day at 08:30 local, never earlier than planned', () => {
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    const dates: AgreedDate[] = [];
    for (let d = DateTime.fromISO('2026-01-12'); d.year === 2026; d = d.plus({ days: 3 })) {
      dates.push(agreed(d.toISODate() as string, { agreementId: `a${dates.length}` }));
    }
    const planned = planAgreementReminders({ referralId: 'r1', agreedDates: dates, parties }, { calendar, policy, clock }).reminders;
    const queue = [...planned].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    const fired = new Map<string, number>();
    while (clock.now().getTime() < Date.parse('2027-01-01T00:00:00Z')) {
      clock.advance(15 * 60_000);
      while (queue.length > 0 && Date.parse(queue[0]!.dueAt) <= clock.now().getTime()) fired.set(queue.shift()!.id, clock.now().getTime());
    }
    expect(fired.size).toBe(planned.length);
    for (const r of planned) {
      const local = DateTime.fromMillis(fired.get(r.id) as number, { zone: 'Europe/Amsterdam' });
      expect(local.toFormat('HH:mm')).toBe('08:30');
      expect(calendar.isWorkingDay(local.toISODate() as string)).toBe(true);
      const agreedDate = r.subject.date as string;
      expect(local.toISODate()! <= agreedDate).toBe(true);
    }
  });
});

describe('snoozeReminder', () => {
  const reminder = plan('2026-11-18').find((r) => r.kind === 'agreementOnDay') as PlannedReminder;

  it('snoozes to the next working day at 08:30, over a weekend and over Christmas', () => {
    const friday = snoozeReminder(reminder, 'smw:aad-smw', { kind: 'nextWorkingDay' }, ctxAt('2026-11-20T09:00:00Z'));
    expect(friday).toMatchObject({ dueAt: '2026-11-23T07:30:00.000Z', kind: 'snoozed', recipients: [{ key: 'smw:aad-smw' }] });
    const christmasEve = snoozeReminder(reminder, 'smw:aad-smw', { kind: 'nextWorkingDay' }, ctxAt('2026-12-24T09:00:00Z'));
    expect(christmasEve).toMatchObject({ dueAt: '2026-12-28T07:30:00.000Z' });
  });

  it('snoozes two working days over Koningsdag', () => {
    const s = snoozeReminder(reminder, 'smw:aad-smw', { kind: 'workingDays', days: 2 }, ctxAt('2026-04-24T09:00:00Z'));
    expect(s).toMatchObject({ dueAt: '2026-04-29T06:30:00.000Z' });
  });

  it('snoozes to a picked date, moving a weekend pick to Monday and refusing the past', () => {
    expect(snoozeReminder(reminder, 'smw:aad-smw', { kind: 'date', date: '2026-11-28' }, ctxAt('2026-11-20T09:00:00Z'))).toMatchObject({
      dueAt: '2026-11-30T07:30:00.000Z',
    });
    expect(snoozeReminder(reminder, 'smw:aad-smw', { kind: 'date', date: '2026-11-19' }, ctxAt('2026-11-20T09:00:00Z'))).toEqual({
      refused: 'reminders.snoozeInPast',
    });
    expect(snoozeReminder(reminder, 'smw:aad-smw', { kind: 'workingDays', days: 0 }, ctxAt('2026-11-20T09:00:00Z'))).toEqual({
      refused: 'reminders.snoozeRange',
    });
  });

  it('refuses a recipient the reminder was not for', () => {
    expect(snoozeReminder(reminder, 'parent:email:0', { kind: 'nextWorkingDay' }, ctxAt('2026-11-20T09:00:00Z'))).toEqual({ refused: 'reminders.notYours' });
  });

  it('gives a repeated snooze click the same id and a snooze of a snooze a deeper one', () => {
    const ctx = ctxAt('2026-11-18T09:00:00Z');
    const first = snoozeReminder(reminder, 'smw:aad-smw', { kind: 'nextWorkingDay' }, ctx) as PlannedReminder;
    expect(snoozeReminder(reminder, 'smw:aad-smw', { kind: 'nextWorkingDay' }, ctx)).toEqual(first);
    expect(first.id).toBe('r1:fb1:2026-11-18:d0:z1:smw:aad-smw');
    ctx.clock.set(first.dueAt);
    const second = snoozeReminder(first, 'smw:aad-smw', { kind: 'nextWorkingDay' }, ctx) as PlannedReminder;
    expect(second.id).toBe('r1:fb1:2026-11-18:d0:z2:smw:aad-smw');
    expect(second.dueAt).toBe('2026-11-20T07:30:00.000Z');
    expect(second.subject).toMatchObject({ snoozeOf: reminder.id, snoozeCount: 2, agreementId: 'fb1' });
  });
});

describe('rescheduleAgreement', () => {
  const input = { referralId: 'r1', agreedDates: [agreed('2026-11-18'), agreed('2026-12-02', { agreementId: 'ev1', kind: 'evaluation' as const })], parties };

  it('cancels the old reminders, plans new ones and tells the other parties', () => {
    const result = rescheduleAgreement(input, 'fb1', { date: '2026-11-25', time: '14:00' }, 'caseManager', ctxAt('2026-11-10T09:00:00Z'));
    if (isRefusal(result)) throw new Error(result.refused);
    expect(result.cancel.map((r) => r.id)).toEqual(['r1:fb1:2026-11-18:d-2', 'r1:fb1:2026-11-18:d0']);
    expect(result.create.map((r) => [r.id, r.dueAt])).toEqual([
      ['r1:fb1:2026-11-25T1400:d-2', '2026-11-23T07:30:00.000Z'],
      ['r1:fb1:2026-11-25T1400:d0', '2026-11-25T07:30:00.000Z'],
    ]);
    expect(result.agreedDates.find((a) => a.agreementId === 'fb1')).toMatchObject({ date: '2026-11-25', time: '14:00' });
    expect(result.agreedDates.find((a) => a.agreementId === 'ev1')?.date).toBe('2026-12-02');
    expect(result.event).toMatchObject({ type: 'agreementRescheduled', from: { date: '2026-11-18' }, to: { date: '2026-11-25', time: '14:00' }, notify: ['smw', 'schoolContact'] });
  });

  it('plans no early reminder that would already have passed when moving a date closer', () => {
    const result = rescheduleAgreement(input, 'fb1', { date: '2026-11-11' }, 'smw', ctxAt('2026-11-10T09:00:00Z')) as Exclude<ReturnType<typeof rescheduleAgreement>, Refusal>;
    expect(result.create.map((r) => r.kind)).toEqual(['agreementOnDay']);
    expect(result.event.notify).toEqual(['caseManager', 'schoolContact']);
  });

  it('refuses an unknown agreement, a date in the past and the same date', () => {
    const ctx = ctxAt('2026-11-10T09:00:00Z');
    expect(rescheduleAgreement(input, 'nope', { date: '2026-11-25' }, 'smw', ctx)).toEqual({ refused: 'reminders.unknownAgreement' });
    expect(rescheduleAgreement(input, 'fb1', { date: '2026-11-09' }, 'smw', ctx)).toEqual({ refused: 'reminders.dateInPast' });
    expect(rescheduleAgreement(input, 'fb1', { date: '2026-11-18' }, 'smw', ctx)).toEqual({ refused: 'reminders.sameDate' });
  });
});
