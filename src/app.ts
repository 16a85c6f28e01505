import type { Config } from './config.js';
import { redactedSummary } from './config.js';
import { WorkingCalendar } from './domain/calendar.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createAdapter, createBot } from './bot/app.js';
import { TeamsMessenger } from './notify/teams.js';
import { ConfigRepository, loadInstruments } from './store/configRepository.js';
import type { BotDeps } from './bot/deps.js';
import { createGraphGateway, type GraphGatewayOptions } from './meetings/graph.js';
import { GraphMailSender } from './notify/graphMail.js';
import type { MailSender } from './notify/mail.js';
import { OutboxMailSender } from './notify/outbox.js';
import { LoggingReminderPlanner } from './scheduler/planner.js';
import type { Logger } from './log.js';
import { startHttp, type HttpServer } from './server/http.js';
import { ConversationRepository } from './store/conversations.js';
import { openStore, type Store } from './store/cosmos.js';
import { ReferralRepository } from './store/referrals.js';
import { OutboxRepository } from './store/outbox.js';

/** Until the service-norm rules are wired: working days a wijkteam has to accept. */
const ACCEPT_WITHIN_WORKING_DAYS = 5;

export interface Schakel {
  url: string;
  http: HttpServer;
  store: Store;
  deps: BotDeps;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Token authority and trusted certificate for Graph (national clouds; tests with a fake Graph). */
  graph?: GraphGatewayOptions;
}

/** The composition root: database, repositories, bot and HTTP server, wired once. */
export async function startSchakel(config: Config, log: Logger, options: StartOptions = {}): Promise<Schakel> {
  log.info({ config: redactedSummary(config) }, 'starting Schakel');
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
  const graph = createGraphGateway(config.graph, log, options.graph);
  const mailbox = config.graph?.mailSender;
  // Parent e-mail goes through Graph only from a configured mailbox; otherwise to the outbox.
  const mail: MailSender = graph && mailbox ? new GraphMailSender(graph, mailbox) : new OutboxMailSender(store.containers.outbox, clock, log);
  if (graph && !mailbox) log.warn('GRAPH_MAIL_SENDER not set: e-mail to parents goes to the outbox');
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
    acceptBy: (at) => calendar.addWorkingDays(calendar.localDate(at), ACCEPT_WITHIN_WORKING_DAYS),
    ...(graph ? { meetings: graph } : {}),
    mail,
    reminders: new LoggingReminderPlanner(log),
  };
  const bot = createBot(deps, adapter);
  const http = await startHttp({ bot, log, allowedTenantIds: config.bot.allowedTenantIds, ready: store.ping }, config.port, config.host);
  log.info({ url: http.url }, 'Schakel listening on /api/messages');

  let stopped = false;
  return {
    url: http.url,
    http,
    store,
    deps,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await http.close(config.shutdownGraceMs);
      await store.close();
      log.info('Schakel stopped');
    },
  };
}
