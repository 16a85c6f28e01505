import type { Config } from '../config.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { ConversationRepository } from '../store/conversations.js';
import type { ReferralRepository } from '../store/referrals.js';
import type { ConfigRepository } from '../store/configRepository.js';
import type { InstrumentOptions } from '../domain/sections/safety.js';
import type { TeamsMessenger } from '../notify/teams.js';
import type { OutboxRepository } from '../store/outbox.js';

/** What the bot's handlers may use. Built once by the composition root (src/main.ts). */
export interface BotDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  calendar: WorkingCalendar;
  referrals: ReferralRepository;
  conversations: ConversationRepository;
  settings: ConfigRepository;
  instruments: InstrumentOptions;
  messenger: TeamsMessenger;
  outbox: OutboxRepository;
  /** Local date by which a referral submitted at `at` should be accepted (service norm). */
  acceptBy(at: Date): string;
}
