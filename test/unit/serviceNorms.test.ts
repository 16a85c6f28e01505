import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import { reminderPolicy } from '../../src/domain/reminders.js';
import {
  DEFAULT_SERVICE_NORMS,
  ServiceNormRulesSchema,
  normDeadline,
  normRemindersOnEvent,
  normStatus,
  planNormEscalations,
  type ServiceNormRule,
} from '../../src/domain/serviceNorms.js';
import type { Party } from '../../src/domain/types.js';

const calendar = new WorkingCalendar('Europe/Amsterdam');
const policy = reminderPolicy();
const [accept, handover] = DEFAULT_SERVICE_NORMS as [ServiceNormRule, ServiceNormRule, ServiceNormRule];

const parties: Party[] = [
  { role: 'smw', professional: { aadObjectId: 'aad-smw', name: 'S' } },
  { role: 'wijkteam', professional: { aadObjectId: 'aad-wt', name: 'W' } },
  { role: 'caseManager', professional: { aadObjectId: 'aad-cm', name: 'C' } },
];

describe('normDeadline', () => {
  it('counts five working days over a weekend; missed at local midnight after the last day', () => {
    const d = normDeadline(accept, new Date('2026-11-20T13:00:00Z'), calendar); // Friday
    expect(d.lastDay).toBe('2026-11-27');
    expect(d.missedAt.toISOString()).toBe('2026-11-27T23:00:00.000Z');
  });

  it('skips Christmas and Boxing Day', () => {
    expect(normDeadline(accept, new Date('2026-12-21T09:00:00Z'), calendar).lastDay).toBe('2026-12-29');
  });

  it('skips Koningsdag and Ascension Day', () => {
    expect(normDeadline(handover, new Date('2027-04-20T09:00:00Z'), calendar).lastDay).toBe('2027-05-05');
    expect(normDeadline(accept, new Date('2026-05-11T09:00:00Z'), calendar).lastDay).toBe('2026-05-19'); // 14 May off
  });

  it('counts calendar days when configured, across the spring DST change', () => {
    const rule: ServiceNormRule = { ...accept, unit: 'calendar', days: 7 };
    const d = normDeadline(rule, new Date('2026-03-23T10:00:00Z'), calendar);
    expect(d.lastDay).toBe('2026-03-30');
    expect(d.missedAt.toISOString()).toBe('2026-03-30T22:00:00.000Z'); // midnight CEST
  });

  it('uses the local date of the start: late Sunday evening UTC+1 is Monday', () => {
    expect(normDeadline(accept, new Date('2026-11-22T23:30:00Z'), calendar).lastDay).toBe('2026-11-30');
  });
});

describe('normStatus (time-skipping)', () => {
  it('runs, then is missed at the deadline; an end event before it is met, after it is met late', () => {
    const clock = new ManualClock('2026-11-20T13:00:00Z');
    const history = [{ type: 'submitted', at: clock.now() }];
    expect(normStatus(accept, [], clock.now(), calendar).state).toBe('notStarted');
    clock.set('2026-11-27T22:59:59Z');
    expect(normStatus(accept, history, clock.now(), calendar).state).toBe('running');
    clock.advance(1000);
    expect(normStatus(accept, history, clock.now(), calendar).state).toBe('missed');
    expect(normStatus(accept, [...history, { type: 'accepted', at: new Date('2026-11-26T10:00:00Z') }], clock.now(), calendar).state).toBe('met');
    expect(normStatus(accept, [...history, { type: 'accepted', at: new Date('2026-11-30T10:00:00Z') }], clock.now(), calendar).state).toBe('metLate');
  });

  it('restarts with the latest start event', () => {
    const history = [
      { type: 'submitted', at: new Date('2026-11-02T09:00:00Z') },
      { type: 'accepted', at: new Date('2026-11-03T09:00:00Z') },
      { type: 'submitted', at: new Date('2026-11-20T09:00:00Z') },
    ];
    expect(normStatus(accept, history, new Date('2026-11-24T09:00:00Z'), calendar)).toMatchObject({ state: 'running', deadline: { lastDay: '2026-11-27' } });
  });
});

describe('escalations', () => {
  const ctx = { calendar, policy, clock: new ManualClock('2026-11-20T13:00:00Z') };

  it('first to the one who must act on the morning after the deadline, then to the SMW and the coordinator channel', () => {
    const reminders = planNormEscalations(accept, 'r1', new Date('2026-11-20T13:00:00Z'), parties, ctx);
    expect(reminders.map((r) => [r.id, r.dueAt, r.recipients.map((x) => x.key)])).toEqual([
      ['r1:norm:accept:2026-11-20:e1', '2026-11-30T07:30:00.000Z', ['wijkteam:aad-wt']],
      ['r1:norm:accept:2026-11-20:e2', '2026-12-01T07:30:00.000Z', ['smw:aad-smw', 'channel:coordinator']],
    ]);
    expect(reminders[1]?.recipients[1]).toEqual({ key: 'channel:coordinator', role: 'coordinator', channel: 'teams', teamsChannelKey: 'coordinator' });
    expect(reminders[0]?.subject).toEqual({ label: 'norms.accept', normId: 'accept', date: '2026-11-27', escalationStep: 1 });
  });

  it('escalates over Christmas on working days only', () => {
    const reminders = planNormEscalations(accept, 'r1', new Date('2026-12-17T09:00:00Z'), parties, ctx);
    // last day Thu 24 Dec; 25 Dec (Fri) is off → first escalation Mon 28, second Tue 29.
    expect(reminders.map((r) => r.dueAt)).toEqual(['2026-12-28T07:30:00.000Z', '2026-12-29T07:30:00.000Z']);
  });

  it('plans escalations on the start event and cancels the same ones on the end event', () => {
    const submitted = { type: 'submitted', at: new Date('2026-11-20T13:00:00Z') };
    const started = normRemindersOnEvent(DEFAULT_SERVICE_NORMS, 'r1', [], submitted, parties, ctx);
    expect(started.create.map((r) => r.id)).toEqual(['r1:norm:accept:2026-11-20:e1', 'r1:norm:accept:2026-11-20:e2']);
    expect(started.cancel).toEqual([]);
    const accepted = { type: 'accepted', at: new Date('2026-11-25T10:00:00Z') };
    ctx.clock.set(accepted.at);
    const ended = normRemindersOnEvent(DEFAULT_SERVICE_NORMS, 'r1', [submitted], accepted, parties, ctx);
    expect(ended.cancel.map((r) => r.id)).toEqual(started.create.map((r) => r.id));
    expect(ended.create.map((r) => r.id)).toEqual(['r1:norm:handover:2026-11-25:e1', 'r1:norm:handover:2026-11-25:e2']);
    expect(ended.create[0]?.recipients.map((r) => r.key)).toEqual(['caseManager:aad-cm']);
  });

  it('validates configured rules and rejects duplicates', () => {
    expect(ServiceNormRulesSchema.safeParse(DEFAULT_SERVICE_NORMS).success).toBe(true);
    expect(ServiceNormRulesSchema.safeParse([accept, accept]).success).toBe(false);
    expect(ServiceNormRulesSchema.safeParse([{ ...accept, unit: 'hours' }]).success).toBe(false);
  });
});
