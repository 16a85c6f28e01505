import { agreedDates, confirmedAgreements } from './agreementHistory.js';
import type { Referral } from './referral.js';

/** What a person should look at next for a referral, as a local date or instant and a label key. */
export interface NextDate {
  key: 'next.acceptBy' | 'next.handover' | 'next.agreements' | 'next.agreed';
  /** `YYYY-MM-DD` or an ISO instant. */
  at: string;
}

/**
 * The next date in a referral's life: the service-norm date while it waits for the wijkteam,
 * the warme overdracht once booked, then the first agreed date that is still ahead.
 */
export function nextDate(referral: Referral, today: string): NextDate | undefined {
  switch (referral.state) {
    case 'submitted':
      return referral.acceptBy ? { key: 'next.acceptBy', at: referral.acceptBy } : undefined;
    case 'handoverScheduled': {
      const meeting = referral.handover?.meeting;
      return meeting ? { key: meeting.start.slice(0, 10) >= today ? 'next.handover' : 'next.agreements', at: meeting.start } : undefined;
    }
    case 'agreementsConfirmed':
    case 'aftercare': {
      const confirmed = confirmedAgreements(referral.handover?.agreements ?? []);
      const ahead = confirmed ? agreedDates(confirmed).filter((d) => d.date >= today).sort((a, b) => a.date.localeCompare(b.date)) : [];
      return ahead[0] ? { key: 'next.agreed', at: ahead[0].date } : undefined;
    }
    default:
      return undefined;
  }
}
