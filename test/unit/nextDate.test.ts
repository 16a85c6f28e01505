import { describe, expect, it } from 'vitest';
import { confirmAgreements, draftAgreements, type Agreements } from '../../src/domain/handover.js';
import { emptyHandover } from '../../src/domain/handoverFlow.js';
import { nextDate } from '../../src/domain/nextDate.js';
import { makeFullReferral } from '../support/factories.js';

const cm = { aadObjectId: 'cm-1', name: 'Karim' };
const meeting = { slotId: '1-0', start: '2026-11-26T09:00:00.000Z', end: '2026-11-26T10:00:00.000Z', via: 'ical' as const, uid: 'u', sequence: 0, bookedAt: '2026-11-23T09:00:00.000Z', bookedBy: 'cm-1' };
const agreements: Agreements = {
  present: ['smw', 'caseManager', 'parent'],
  feedback: [{ slot: 0, to: 'smw', how: 'teams', date: '2026-12-10' }],
  evaluation: { date: '2027-01-15', with: ['smw', 'parent'] },
  aftercare: { what: 'Mentorgesprekken', who: 'schoolContact', until: '2027-03-01' },
  parentsAgree: true,
};

describe('nextDate', () => {
  it('is the service-norm date while waiting, the meeting once booked, then the first agreed date ahead', () => {
    expect(nextDate(makeFullReferral({ state: 'submitted', acceptBy: '2026-11-30' }), '2026-11-23')).toEqual({ key: 'next.acceptBy', at: '2026-11-30' });
    const scheduled = makeFullReferral({ state: 'handoverScheduled', caseManager: cm, handover: { ...emptyHandover(), meeting } });
    expect(nextDate(scheduled, '2026-11-23')).toEqual({ key: 'next.handover', at: meeting.start });
    expect(nextDate(scheduled, '2026-11-27')?.key).toBe('next.agreements');
    const drafted = draftAgreements([], agreements, cm, new Date('2026-11-26T11:00:00Z'));
    const confirmed = confirmAgreements(drafted.history, drafted.record.version, cm, new Date('2026-11-26T11:05:00Z'));
    if (!confirmed.ok) throw new Error('setup');
    const done = makeFullReferral({ state: 'agreementsConfirmed', caseManager: cm, handover: { ...emptyHandover(), meeting, agreements: [...confirmed.history] } });
    expect(nextDate(done, '2026-11-27')).toEqual({ key: 'next.agreed', at: '2026-12-10' });
    expect(nextDate(done, '2026-12-11')).toEqual({ key: 'next.agreed', at: '2027-01-15' });
    expect(nextDate(done, '2027-03-02')).toBeUndefined();
    expect(nextDate(makeFullReferral(), '2026-11-23')).toBeUndefined();
  });
});
