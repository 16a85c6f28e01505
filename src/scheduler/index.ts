import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { ConversationDirectory } from '../notify/conversationDirectory.js';
import type { MailSender } from '../notify/mail.js';
import type { ReminderRenderer } from '../notify/reminderMessages.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SharedSendBudget, type SendBudget } from '../notify/sendBudget.js';
import { TeamsSender, type TeamsSenderOptions } from '../notify/sender.js';
import { TENANT_SEND_BUDGET } from '../notify/rateLimiter.js';
import { ReminderStore, type ReminderDocument } from '../store/reminders.js';
import type { Store } from '../store/cosmos.js';
import { ReminderDispatcher, type DeliveryProblem } from './dispatcher.js';
import { ReminderScheduler } from './scheduler.js';

export interface ReminderEngineDeps {
  config: Config;
  store: Store;
  clock: Clock;
  log: Logger;
  /** The Bot Framework adapter, handed to the sender (the only place that knows it). */
  adapter: TeamsSenderOptions['adapter'];
  directory: ConversationDirectory;
  mail: MailSender;
  /** Tenant of the bot (MICROSOFT_APP_TENANT_ID, or the single allowed tenant in local mode). */
  tenantId: string;
  /** How reminders look in Teams and in e-mail (the bot passes the reminder card of cards/reminder). */
  renderer: ReminderRenderer;
  onProblem?: (problem: DeliveryProblem) => void | Promise<void>;
  onFinished?: (doc: ReminderDocument) => void | Promise<void>;
  /** This instance, as lease owner of reminders and of its share of the send budget (the same id as its effect runner's). */
  owner?: string;
}

export interface ReminderEngine {
  reminders: ReminderStore;
  sender: TeamsSender;
  scheduler: ReminderScheduler;
  /** This instance's share of the tenant's Bot Connector requests per second; `stop()` on shutdown. */
  budget: SendBudget;
}

/**
 * Wires store, sender, dispatcher and scheduler from configuration. The composition root:
 *
 *   const engine = createReminderEngine({ config, store, clock: systemClock, log, adapter, directory, mail, tenantId, onProblem });
 *   const loop = new WorkLoop([runner.dueWork(), engine.scheduler.dueWork(), ...], log);
 *   loop.start();                                   // once per bot instance, after the store is open
 *   ...
 *   await loop.stop();                              // on SIGTERM, before closing the store
 *
 * (`engine.scheduler.start()` / `stop()` run the reminders alone, in a loop of their own.)
 *
 * The bot uses `engine.reminders` to save planned reminders, cancel, mark done and read one
 * for snooze; `engine.sender` is the one path for other proactive messages too.
 */
export function createReminderEngine(deps: ReminderEngineDeps): ReminderEngine {
  const { config, clock, log } = deps;
  const r = config.reminders;
  const reminders = new ReminderStore(deps.store.containers.reminders, clock);
  const owner = (deps.owner ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`).toLowerCase();
  const budget = new SharedSendBudget({ container: deps.store.containers.config, tenantId: deps.tenantId, owner, log, limit: TENANT_SEND_BUDGET });
  const sender = new TeamsSender({
    budget,
    adapter: deps.adapter,
    appId: config.bot.appId ?? '',
    directory: deps.directory,
    tenantId: deps.tenantId,
    serviceUrl: r.teamsServiceUrl,
    log,
    maxFailures: r.maxSendAttempts,
  });
  const dispatcher = new ReminderDispatcher(
    { store: reminders, sender, mail: deps.mail, renderer: deps.renderer, clock, log, onProblem: deps.onProblem, onFinished: deps.onFinished },
    { leaseMs: r.leaseMs, maxMailFailures: r.maxSendAttempts },
  );
  const scheduler = new ReminderScheduler(
    { store: reminders, dispatcher, clock, log },
    { owner, intervalMs: config.schedulerIntervalMs, leaseMs: r.leaseMs, batchSize: r.batchSize, concurrency: r.concurrency, lookbackDays: r.lookbackDays },
  );
  return { reminders, sender, scheduler, budget };
}
