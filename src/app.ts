import type { Config } from './config.js';
import { redactedSummary } from './config.js';
import { WorkingCalendar } from './domain/calendar.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createAdapter, createBot } from './bot/app.js';
import { langOf } from './i18n/index.js';
import { TeamsMessenger } from './notify/teams.js';
import { ConfigRepository, loadInstruments } from './store/configRepository.js';
import type { BotDeps } from './bot/deps.js';
import { createGraphGateway, type GraphGatewayOptions } from './meetings/graph.js';
import { GraphMailSender } from './notify/graphMail.js';
import type { MailSender } from './notify/mail.js';
import { OutboxMailSender } from './notify/outbox.js';
import { StoredReminderPlanner } from './scheduler/planner.js';
import { createReminderEngine, type ReminderEngine } from './scheduler/index.js';
import { CosmosConversationDirectory } from './bot/conversationDirectory.js';
import { reportDeliveryProblem } from './bot/deliveryProblems.js';
import { reminderPolicy } from './domain/reminders.js';
import { normDeadline } from './domain/serviceNorms.js';
import { loadServiceNorms } from './store/configRepository.js';
import { reminderCardRenderer } from '../cards/reminder/index.js';
import type { Logger } from './log.js';
import { startHttp, type HttpServer } from './server/http.js';
import { ConversationRepository } from './store/conversations.js';
import { openStore, type Store } from './store/cosmos.js';
import { ReferralRepository } from './store/referrals.js';
import { OutboxRepository } from './store/outbox.js';
import { FamilyDataRepository } from './store/familyData.js';
import { RegistrationRepository } from './store/registration.js';
import { Downloads } from './server/downloads.js';

export interface Schakel {
  url: string;
  http: HttpServer;
  store: Store;
  deps: BotDeps;
  reminders: ReminderEngine;
  stop(): Promise<void>;
}

/** Retries of Graph calls made while a person waits for a card: at most ~5 s of waiting in all. */
const INTERACTIVE_GRAPH_RETRY = { maxRetries: 3, baseDelayMs: 300, maxDelayMs: 2_000, maxRetryAfterMs: 4_000, maxTotalWaitMs: 5_000 };

export interface StartOptions {
  clock?: Clock;
  /** Token authority and trusted certificate for Graph (national clouds; tests with a fake Graph). */
  graph?: GraphGatewayOptions;
  /** false: the scheduler loop is not started (tests call `reminders.scheduler.tick()`). Default true. */
  startScheduler?: boolean;
}

/** The composition root: database, repositories, bot and HTTP server, wired once. */
export async function startSchakel(config: Config, log: Logger, options: StartOptions = {}): Promise<Schakel> {
  log.info({ config: redactedSummary(config) }, 'starting Schakel');
  // Checked before anything is opened: a wrong file stops the start without leaving resources behind.
  const norms = await loadServiceNorms(config.serviceNormsFile);
  const acceptRule = norms.find((n) => n.startEvent === 'submitted' && n.endEvent === 'accepted');
  if (!acceptRule) throw new Error(`SERVICE_NORMS_FILE ${config.serviceNormsFile}: needs a rule from 'submitted' to 'accepted' (the acceptance deadline)`);
  const store = await openStore(
    { endpoint: config.cosmos.endpoint, key: config.cosmos.key, database: config.cosmos.database, localPort: config.cosmos.localPort },
    log,
  );
  const clock = options.clock ?? systemClock;
  const calendar = new WorkingCalendar(config.timeZone);
  const settings = new ConfigRepository(store.containers.config);
  await settings.seedDistrictMap(config.districtMapFile, clock.now());
  const adapter = createAdapter(config);
  const conversations = new ConversationRepository(store.containers.conversations);
  // Graph is called inside card clicks, which Teams expects answered within seconds: a tight retry
  // budget here (the gateway's default allows 45 s of waiting, fit for background work only).
  const graph = createGraphGateway(config.graph, log, { ...options.graph, retry: { ...INTERACTIVE_GRAPH_RETRY, ...options.graph?.retry } });
  const mailbox = config.graph?.mailSender;
  // Parent e-mail goes through Graph only from a configured mailbox; otherwise to the outbox.
  const mail: MailSender = graph && mailbox ? new GraphMailSender(graph, mailbox) : new OutboxMailSender(store.containers.outbox, clock, log);
  if (graph && !mailbox) log.warn('GRAPH_MAIL_SENDER not set: e-mail to parents goes to the outbox');
  const botId = config.bot.appId ? `28:${config.bot.appId}` : 'schakel';
  const directory = new CosmosConversationDirectory(conversations, settings, clock, botId);
  let problems: (p: Parameters<typeof reportDeliveryProblem>[1]) => Promise<void> = async () => undefined;
  const engine = createReminderEngine({
    config,
    store,
    clock,
    log,
    adapter,
    directory,
    mail,
    tenantId: config.bot.appTenantId ?? config.bot.allowedTenantIds[0] ?? '',
    renderer: reminderCardRenderer,
    onProblem: (p) => problems(p),
  });
  const policy = reminderPolicy({ daysBefore: config.reminders.daysBefore, localTime: config.reminderLocalTime });
  /** The language of a professional's Teams client, from their stored 1:1 conversation. */
  const languageOf = async (aadObjectId: string) => {
    const locale = (await conversations.personal(aadObjectId))?.locale;
    return locale ? langOf(locale) : undefined;
  };
  const deps: BotDeps = {
    config,
    log,
    clock,
    calendar,
    referrals: new ReferralRepository(store.containers.referrals, log),
    conversations,
    settings,
    instruments: await loadInstruments(config.instrumentsFile),
    messenger: new TeamsMessenger(adapter, config.bot.appId ?? '', conversations, log),
    outbox: new OutboxRepository(store.containers.outbox),
    familyData: new FamilyDataRepository(store),
    registration: new RegistrationRepository(store.containers.registration),
    serviceNorms: norms,
    downloads: new Downloads({ key: config.report.signingKey ? Buffer.from(config.report.signingKey) : Downloads.ephemeralKey(), clock, log, baseUrl: config.report.publicBaseUrl }),
    acceptBy: (at) => normDeadline(acceptRule, at, calendar).lastDay,
    ...(graph ? { meetings: graph } : {}),
    mail,
    reminders: new StoredReminderPlanner({ store: engine.reminders, calendar, clock, policy, norms, log, languageOf }),
    languageOf,
    reminderStore: engine.reminders,
    reminderPolicy: policy,
  };
  problems = (p) => reportDeliveryProblem(deps, p);
  const bot = createBot(deps, adapter);
  const http = await startHttp({ bot, log, allowedTenantIds: config.bot.allowedTenantIds, ready: store.ping, routes: [deps.downloads.router()] }, config.port, config.host);
  deps.downloads.setBaseUrl(http.url);
  log.info({ url: http.url }, 'Schakel listening on /api/messages');
  if (options.startScheduler ?? true) engine.scheduler.start();

  let stopped = false;
  return {
    url: http.url,
    http,
    store,
    deps,
    reminders: engine,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await http.close(config.shutdownGraceMs);
      // The scheduler finishes its in-flight sends while the store is still open.
      await engine.scheduler.stop();
      await store.close();
      log.info('Schakel stopped');
    },
  };
}
