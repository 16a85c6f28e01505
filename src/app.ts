import type { Config } from './config.js';
import { redactedSummary } from './config.js';
import { WorkingCalendar } from './domain/calendar.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createAdapter, createBot, type ChannelAuthOverride } from './bot/app.js';
import { langOf } from './i18n/index.js';
import { TeamsProfiles } from './notify/teams.js';
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
import { BackgroundWork } from './bot/background.js';
import { reminderPolicy } from './domain/reminders.js';
import { normDeadline } from './domain/serviceNorms.js';
import { DigestRepository } from './store/digests.js';
import { withTurnReads } from './store/turnReads.js';
import type { Versioned } from './store/documents.js';
import type { Referral } from './domain/referral.js';
import { dailyDigest } from './bot/features/digest.js';
import { loadServiceNorms } from './store/configRepository.js';
import { reminderCardRenderer } from '../cards/reminder/index.js';
import type { Logger } from './log.js';
import { startHttp, type HttpServer } from './server/http.js';
import { AfterAnswer } from './effects/afterAnswer.js';
import { trustOf } from './server/trust.js';
import { ConversationRepository } from './store/conversations.js';
import { openStore, type Store } from './store/cosmos.js';
import { ReferralRepository } from './store/referrals.js';
import { OutboxRepository } from './store/outbox.js';
import { FamilyDataRepository } from './store/familyData.js';
import { CoordinatorDirectory } from './store/coordinators.js';
import { SecurityLog } from './store/securityLog.js';
import { EffectIndex } from './store/effectIndex.js';
import { EffectRunner } from './effects/runner.js';
import { WorkLoop } from './effects/loop.js';
import { effectHandlers } from './bot/effectHandlers.js';
import { SenderTeamsPort } from './notify/teamsPort.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { TravelClock } from './store/local/travelClock.js';
import { join } from 'node:path';
import { RegistrationRepository } from './store/registration.js';
import type { ReminderDocument } from './store/reminders.js';
import { countAgreedDateEscalated } from './bot/registration.js';
import { isAgreedDateEscalation } from './domain/registration.js';
import { automaticEvaluationReminder } from './bot/features/report.js';
import { retentionJob, type RetentionRun } from './bot/features/retention.js';
import { Downloads } from './server/downloads.js';
import { ParentLinks } from './parentPage/links.js';
import { parentLinkKey } from './parentPage/token.js';
import { parentPageRouter } from './parentPage/router.js';

export interface Schakel {
  url: string;
  http: HttpServer;
  store: Store;
  deps: BotDeps;
  reminders: ReminderEngine;
  /** Carries out committed effects; tests wait with `effects.idle()` or drive `effects.tick()`. */
  effects: EffectRunner;
  /** Periodic jobs that read stored state (tests call them directly under a ManualClock). */
  jobs: { evaluationReminder(): Promise<number>; retention(): Promise<RetentionRun>; digest(): Promise<number> };
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
  /** Tests only: check Bot Framework tokens against OpenID metadata served on loopback. */
  channelAuth?: ChannelAuthOverride;
}

/** The composition root: database, repositories, bot and HTTP server, wired once. */
export async function startSchakel(config: Config, log: Logger, options: StartOptions = {}): Promise<Schakel> {
  log.info({ config: redactedSummary(config) }, 'starting Schakel');
  // Checked before anything is opened: a wrong file stops the start without leaving resources behind.
  const norms = await loadServiceNorms(config.serviceNormsFile);
  const acceptRule = norms.find((n) => n.startEvent === 'submitted' && n.endEvent === 'accepted');
  if (!acceptRule) throw new Error(`SERVICE_NORMS_FILE ${config.serviceNormsFile}: needs a rule from 'submitted' to 'accepted' (the acceptance deadline)`);
  const local = !config.cosmos.endpoint;
  // Local mode's clock can be moved forward (`tijdreis`); the offset lives in the data folder.
  const travelClock = local && config.env !== 'production' ? new TravelClock(join(config.dataDir, 'clock.json'), options.clock ?? systemClock) : undefined;
  const clock: Clock = travelClock ?? options.clock ?? systemClock;
  if (travelClock && travelClock.offset > 0) log.info({ aheadMinutes: Math.round(travelClock.offset / 60_000) }, 'local clock runs ahead of real time (tijdreis)');
  const store = await openStore(
    {
      endpoint: config.cosmos.endpoint,
      key: config.cosmos.key,
      database: config.cosmos.database,
      localPort: config.cosmos.localPort,
      ...(local ? { dataDir: config.dataDir, localNow: () => clock.now().getTime() } : {}),
    },
    log,
  );
  const calendar = new WorkingCalendar(config.timeZone);
  const settings = new ConfigRepository(store.containers.config, { cacheMs: config.readCacheMs });
  if (config.coordinators.length === 0) log.warn('COORDINATOR_AAD_IDS is empty: nobody can link channels or manage coordinators until it is set');
  await settings.seedDistrictMap(config.districtMapFile, clock.now());
  const trust = trustOf(config);
  const adapter = createAdapter(config, trust, options.channelAuth);
  const conversations = new ConversationRepository(store.containers.conversations, { cacheMs: config.readCacheMs });
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
  let finished: (doc: ReminderDocument) => Promise<void> = async () => undefined;
  // This instance, as lease owner of effects, reminders and its share of the send budget: a commit
  // here creates its due mark with the lease taken for this instance's runner.
  const instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`.toLowerCase();
  const engine = createReminderEngine({
    owner: instanceId,
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
    onFinished: (doc) => finished(doc),
  });
  const policy = reminderPolicy({ daysBefore: config.reminders.daysBefore, localTime: config.reminderLocalTime, overdueAfterDays: config.reminders.overdueAfterDays, secondEscalationAfterDays: config.reminders.secondEscalationAfterDays, coordinatorChannelKey: config.reminders.coordinatorChannelKey });
  /** The language of a professional's Teams client, from their stored 1:1 conversation. */
  const languageOf = async (aadObjectId: string) => {
    const locale = (await conversations.personal(aadObjectId))?.locale;
    return locale ? langOf(locale) : undefined;
  };
  const effectIndex = new EffectIndex(store.containers.effects);
  let runner: EffectRunner | undefined;
  // A turn's commits start the runner once the turn is answered (a card's update comes after its answer).
  const afterAnswer = new AfterAnswer<Versioned<Referral>>(
    (id, committed) => runner?.kick(id, committed),
    (id, committed) => runner?.saved(id, committed),
  );
  const e = config.effects;

  const referrals = new ReferralRepository(store.containers.referrals, log, store.containers.cases);
  if (await referrals.lookForOlderIndex()) log.info('case index: documents of the earlier per-referral index found; each person without a list is looked up there');
  const deps: BotDeps = {
    config,
    log,
    clock,
    calendar,
    referrals,
    conversations,
    settings,
    coordinators: new CoordinatorDirectory(store.containers.config, config.coordinators),
    securityLog: new SecurityLog(store.containers.security, config.securityLogRetentionDays),
    instruments: await loadInstruments(config.instrumentsFile),
    profiles: new TeamsProfiles(adapter, config.bot.appId ?? '', conversations, log, (conversationId) => engine.sender.reserve(conversationId)),
    teams: new SenderTeamsPort(engine.sender, config.bot.appId ?? '', { patient: true }),
    background: new BackgroundWork(log),
    outbox: new OutboxRepository(store.containers.outbox),
    familyData: new FamilyDataRepository(store),
    registration: new RegistrationRepository(store.containers.registration),
    digests: new DigestRepository(store.containers.config),
    serviceNorms: norms,
    downloads: new Downloads({ key: config.report.signingKey ? Buffer.from(config.report.signingKey) : Downloads.ephemeralKey(), clock, log, baseUrl: config.report.publicBaseUrl }),
    parentLinks: new ParentLinks(parentLinkKey(config.parentPage.signingKey, config.dataDir, local), config.report.publicBaseUrl),
    acceptBy: (at) => normDeadline(acceptRule, at, calendar).lastDay,
    ...(graph ? { meetings: graph } : {}),
    mail,
    reminders: new StoredReminderPlanner({ store: engine.reminders, calendar, clock, policy, norms, log, languageOf }),
    effects: { mark: (id, at, seq) => effectIndex.mark(id, at, seq, { owner: instanceId, until: new Date(clock.now().getTime() + e.leaseMs) }), kick: (id, committed) => afterAnswer.request(id, committed), saved: (id, committed) => afterAnswer.saved(id, committed) },
    languageOf,
    reminderStore: engine.reminders,
    reminderPolicy: policy,
    ...(travelClock ? { timeTravel: { travelTo: (at: Date) => travelClock.travelTo(at), runDue: () => engine.scheduler.tick() } } : {}),
  };
  problems = (p) => reportDeliveryProblem(deps, p);
  // The first escalation of a missed agreed date counts for the Servicepunt's registration.
  finished = async (doc) => {
    if (isAgreedDateEscalation(doc)) await countAgreedDateEscalated(deps, doc.referralId, doc.subject, clock.now());
  };
  runner = new EffectRunner(
    {
      referrals: deps.referrals,
      index: effectIndex,
      carryOut: effectHandlers(deps, new SenderTeamsPort(engine.sender, config.bot.appId ?? '')),
      now: () => {
        const at = clock.now();
        return { at, today: calendar.localDate(at) };
      },
      log,
    },
    { owner: instanceId, leaseMs: e.leaseMs, intervalMs: e.intervalMs, batchSize: 50, retry: { maxAttempts: e.maxAttempts, baseMs: e.retryBaseMs, maxMs: e.retryMaxMs } },
  );
  const effects = runner;
  const bot = createBot(deps, adapter);
  const http = await startHttp(
    { bot, log, allowedTenantIds: config.bot.allowedTenantIds, ready: store.ping, authenticated: Boolean(config.bot.appId), trust, budgets: config.door,
      // Each turn remembers its referral reads; its held-back effect runs start after it, outside that memory.
      aroundTurn: (turn) => afterAnswer.around(() => withTurnReads(turn)),
      routes: [deps.downloads.router(), parentPageRouter(deps, { ipRequestsPerMinute: config.parentPage.ipRequestsPerMinute })],
      audit: ({ reason, tenantId, actor }) => deps.securityLog.write({ action: 'door', outcome: 'refused', ...(actor ? { actor } : {}), ...(tenantId ? { tenantId } : {}), detail: { reason } }, clock.now()),
    },
    config.port,
    config.host,
  );
  deps.downloads.setBaseUrl(http.url);
  deps.parentLinks.setBaseUrl(http.url);
  log.info({ url: http.url }, 'Schakel listening on /api/messages');
  const evaluationReminder = automaticEvaluationReminder(deps);
  // Drafts and never-closed referrals: one pass a day, claimed by one instance (src/bot/features/retention.ts).
  const retention = retentionJob(deps, { container: store.containers.config, referrals: store.containers.referrals });
  const digest = dailyDigest(deps, new SenderTeamsPort(engine.sender, config.bot.appId ?? ''));
  // The instance's one background loop: the effects committed in referrals' outboxes, the reminders
  // due by day, and the daily jobs, each kind on its own interval (src/effects/loop.ts).
  const every = config.schedulerIntervalMs;
  const loop = new WorkLoop(
    [
      effects.dueWork(),
      ...((options.startScheduler ?? true)
        ? [
            engine.scheduler.dueWork(),
            // The yearly evaluation's reminder is due on a stored date.
            { name: 'evaluationReminder', everyMs: every, pass: evaluationReminder },
            // The daily digests whose time has come: one single-partition query, then one reminder query for all of them.
            { name: 'digest', everyMs: every, pass: digest },
            { name: 'retention', everyMs: every, pass: retention },
          ]
        : []),
    ],
    log,
  );
  // The first pass of each starts now: what a previous run left (a crash between commit and effect) is not kept waiting.
  loop.start();

  let stopped = false;
  return {
    url: http.url,
    http,
    store,
    deps,
    reminders: engine,
    jobs: { evaluationReminder, retention, digest },
    effects,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await http.close(config.shutdownGraceMs);
      // The scheduler, the runner and the turns' background work finish their in-flight sends while the store is still open.
      await deps.background.idle();
      await loop.stop();
      await engine.scheduler.stop(); // rounds started outside the loop (time travel, a test's tick) end too
      await engine.budget.stop(); // hands this instance's share of the tenant's send budget back
      await store.close();
      log.info('Schakel stopped');
    },
  };
}
