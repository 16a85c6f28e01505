import type { ReminderPlanner } from '../bot/deps.js';
import type { Referral } from '../domain/referral.js';
import type { AgreedDate } from '../domain/types.js';
import type { Logger } from '../log.js';

/**
 * Temporary stand-in until the reminder engine is wired in: writes what it was asked to plan at
 * debug level (ids, counts and agreement ids only) and plans nothing.
 */
export class LoggingReminderPlanner implements ReminderPlanner {
  constructor(private readonly log: Logger) {}

  async handoverBooked(referral: Referral): Promise<void> {
    this.log.debug({ referralId: referral.referralId, start: referral.handover?.meeting?.start }, 'reminder planner: handover booked');
  }

  async agreementsConfirmed(referral: Referral, dates: AgreedDate[]): Promise<void> {
    this.log.debug(
      { referralId: referral.referralId, agreementIds: dates.map((d) => d.agreementId), count: dates.length },
      'reminder planner: agreements confirmed',
    );
  }
}
