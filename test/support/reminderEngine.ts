/**
 * The reminder engine wired for tests, the crash child and the benchmark. Kept free of the
 * store bootstrap (identity, embedded server) so a child process starts quickly.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { Clock } from '../../src/domain/clock.js';
import type { PlannedReminder, RecipientAddress } from '../../src/domain/reminders.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { MailSender } from '../../src/notify/mail.js';
import { reminderCardRenderer } from '../../cards/reminder/index.js';
import { TeamsSender, type TeamsSenderOptions } from '../../src/notify/sender.js';
import type { Container } from '@azure/cosmos';
import { ReminderStore } from '../../src/store/reminders.js';
import { ReminderDispatcher, type DeliveryProblem } from '../../src/scheduler/dispatcher.js';
import { ReminderScheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import { MemoryDirectory, personalReference } from './memoryDirectory.js';

export const TENANT = 'tenant-1';

export function quietLog(): Logger {
  return createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
}

/** Users with a stored personal conversation `a:<aadObjectId>` on the fake connector. */
export function seedDirectory(directory: MemoryDirectory, serviceUrl: string, users: string[]): void {
  for (const u of users) directory.users.set(u, personalReference(serviceUrl, conversationOf(u), u, TENANT));
}

export function conversationOf(aadObjectId: string): string {
  return `a:${aadObjectId}`;
}

export function teamsRecipient(aadObjectId: string, extra: Partial<RecipientAddress> = {}): RecipientAddress {
  return { key: `smw:${aadObjectId}`, role: 'smw', channel: 'teams', aadObjectId, ...extra };
}

/** `count` on-the-day reminders due at `dueAt`, reminder i going to `recipientsOf(i)`. */
export function makeReminders(count: number, dueAt: Date, recipientsOf: (i: number) => RecipientAddress[], prefix = 'ref'): PlannedReminder[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}:fb:2026-11-18:d0`,
    referralId: `${prefix}${i}`,
    kind: 'agreementOnDay' as const,
    dueAt: dueAt.toISOString(),
    timeZone: 'Europe/Amsterdam',
    recipients: recipientsOf(i),
    subject: { label: 'Terugkoppeling', agreementId: 'fb', agreementKind: 'feedback' as const, date: '2026-11-18' },
  }));
}

export interface EngineOptions {
  /** The `reminders` container. */
  container: Container;
  serviceUrl: string;
  directory: MemoryDirectory;
  clock: Clock;
  mail?: MailSender;
  log?: Logger;
  owner?: string;
  scheduler?: Partial<SchedulerOptions>;
  sender?: Partial<TeamsSenderOptions>;
  /** Defaults to botbuilder's CloudAdapter with authentication off; pass teams-ai's TeamsAdapter to test that one. */
  adapter?: CloudAdapter;
}

export interface Engine {
  adapter: CloudAdapter;
  reminders: ReminderStore;
  sender: TeamsSender;
  dispatcher: ReminderDispatcher;
  scheduler: ReminderScheduler;
  problems: DeliveryProblem[];
  mails: { to: string; subject: string; key?: string }[];
}

/** The production classes wired as the composition root does, with a real botbuilder adapter (auth off). */
export function buildEngine(o: EngineOptions): Engine {
  const log = o.log ?? quietLog();
  const adapter = o.adapter ?? new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const problems: DeliveryProblem[] = [];
  const mails: Engine['mails'] = [];
  const mail: MailSender = o.mail ?? {
    receipt: 'sent',
    send: async (to, subject, _html, meta) => {
      mails.push({ to, subject, key: meta?.idempotencyKey });
      return 'sent';
    },
  };
  const reminders = new ReminderStore(o.container, o.clock);
  const sender = new TeamsSender({
    adapter,
    appId: '',
    directory: o.directory,
    tenantId: TENANT,
    serviceUrl: o.serviceUrl,
    log,
    backoffBaseMs: 50,
    backoffMaxMs: 500,
    ...o.sender,
  });
  const leaseMs = o.scheduler?.leaseMs ?? 30_000;
  const dispatcher = new ReminderDispatcher(
    { store: reminders, sender, mail, renderer: reminderCardRenderer, clock: o.clock, log, onProblem: (p) => void problems.push(p) },
    { leaseMs, maxMailFailures: 5 },
  );
  const scheduler = new ReminderScheduler(
    { store: reminders, dispatcher, clock: o.clock, log },
    { intervalMs: 50, concurrency: 8, ...o.scheduler, leaseMs, ...(o.owner ? { owner: o.owner } : {}) },
  );
  return { adapter, reminders, sender, dispatcher, scheduler, problems, mails };
}
