import type { Config } from '../config.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { ConversationRepository } from '../store/conversations.js';
import type { ReferralRepository } from '../store/referrals.js';
import type { Versioned } from '../store/documents.js';
import type { Referral } from '../domain/referral.js';
import type { ConfigRepository } from '../store/configRepository.js';
import type { InstrumentOptions } from '../domain/sections/safety.js';
import type { TeamsProfiles } from '../notify/teams.js';
import type { TeamsPort } from '../effects/ports.js';
import type { BackgroundWork } from './background.js';
import type { OutboxRepository } from '../store/outbox.js';
import type { FamilyDataRepository } from '../store/familyData.js';
import type { MailSender } from '../notify/mail.js';
import type { CalendarGateway } from '../meetings/graph.js';
import type { ReminderPolicy } from '../domain/reminders.js';
import type { ReminderStore } from '../store/reminders.js';
import type { ReminderPlanner } from '../scheduler/planner.js';

export type { ReminderPlanner };
import type { CoordinatorDirectory } from '../store/coordinators.js';
import type { SecurityLog } from '../store/securityLog.js';
import type { RegistrationRepository } from '../store/registration.js';
import type { ServiceNormRule } from '../domain/serviceNorms.js';
import type { DigestRepository } from '../store/digests.js';
import type { Downloads } from '../server/downloads.js';
import type { ParentLinks } from '../parentPage/links.js';


/** Where committed effects are announced: a due mark before the commit, a kick after it. */
export interface EffectQueue {
  /** Marks the referral due before its commit is saved; `seq` is the outbox sequence being committed. */
  mark(referralId: string, nextAt: string, seq: number): Promise<void>;
  /** After the commit; `committed` is the referral as it saved it. */
  kick(referralId: string, committed?: Versioned<Referral>): void;
  /**
   * After a commit without effects: a run not yet started from an earlier commit of this referral
   * starts from this one (its sequence is unchanged, so the due mark cannot tell them apart).
   */
  saved(referralId: string, committed: Versioned<Referral>): void;
}

/** Local mode only (`tijdreis`): moves the bot's clock forward and runs the reminders that became due. */
export interface TimeTravel {
  /** Throws a RangeError when `at` is not after the current (travelled) time. */
  travelTo(at: Date): void;
  runDue(): Promise<unknown>;
}

/** What the bot's handlers may use. Built once by the composition root (src/main.ts). */
export interface BotDeps {
  config: Config;
  log: Logger;
  clock: Clock;
  calendar: WorkingCalendar;
  referrals: ReferralRepository;
  conversations: ConversationRepository;
  settings: ConfigRepository;
  /** Who is a coordinator: configured ids plus those added from the chat; never everyone. */
  coordinators: CoordinatorDirectory;
  /** Refusals and configuration changes that have no referral to be audited on. */
  securityLog: SecurityLog;
  instruments: InstrumentOptions;
  /** E-mail address and name of a professional as Teams knows them. */
  profiles: TeamsProfiles;
  /**
   * Messages that are not effects of a referral (a coordinator's command, a yearly job) take the
   * same rate-limited path as the effect runner; this port waits and retries itself.
   */
  teams: TeamsPort;
  /** Fan-outs a turn starts without waiting for them (the yearly evaluation); awaited on shutdown. */
  background: BackgroundWork;
  outbox: OutboxRepository;
  familyData: FamilyDataRepository;
  /** Free/busy and meetings through Graph; undefined without Graph (iCalendar invitations instead). */
  meetings?: CalendarGateway;
  /** E-mail to parents: Graph sendMail when configured, else the outbox. */
  mail: MailSender;
  reminders: ReminderPlanner;
  /** The effect runner's door: decisions with effects mark and kick through it. */
  effects: EffectQueue;
  /** Reminder documents, for the reminder card's actions (done, snooze, reschedule). */
  reminderStore: ReminderStore;
  reminderPolicy: ReminderPolicy;
  /** The language of a professional's Teams client, when the bot has talked to them. */
  languageOf(aadObjectId: string): Promise<'nl' | 'en' | undefined>;
  /** Registration figures (no personal data) and the norms they are measured against. */
  registration: RegistrationRepository;
  serviceNorms: ServiceNormRule[];
  /** Signed, expiring download URLs on the bot's own HTTP server. */
  downloads: Downloads;
  /** Who asked for a daily digest, and at what time. */
  digests: DigestRepository;
  /** Keys and address of the parents' personal pages (/ouder/<token>). */
  parentLinks: ParentLinks;
  /** Local date by which a referral submitted at `at` should be accepted (service norm). */
  acceptBy(at: Date): string;
  /** Present in local mode only (no COSMOS_ENDPOINT, not production). */
  timeTravel?: TimeTravel;
}
