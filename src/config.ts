import { z } from 'zod';

/** Comma-separated list → string[] (empty entries dropped). */
const csv = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const port = z.coerce.number().int().min(0).max(65535);

const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: port.default(3978),
    // Default depends on the mode: loopback without MICROSOFT_APP_ID, all interfaces with it.
    HOST: optionalString,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),

    MICROSOFT_APP_ID: optionalString,
    MICROSOFT_APP_PASSWORD: optionalString,
    MICROSOFT_APP_TENANT_ID: optionalString,
    MICROSOFT_APP_TYPE: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).default('SingleTenant'),
    ALLOWED_TENANT_IDS: csv,
    TRUSTED_SERVICE_URL_HOSTS: csv,
    DOOR_USER_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    DOOR_IP_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(6_000),
    CONNECTOR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),

    COSMOS_ENDPOINT: optionalString.pipe(z.string().url().optional()),
    COSMOS_KEY: optionalString,
    COSMOS_DATABASE: z.string().min(1).default('schakel'),
    LOCAL_COSMOS_PORT: port.default(0),
    SCHAKEL_DATA_DIR: z.string().trim().min(1).default('./.schakel-data'),

    GRAPH_TENANT_ID: optionalString,
    GRAPH_CLIENT_ID: optionalString,
    GRAPH_CLIENT_SECRET: optionalString,
    GRAPH_BASE_URL: optionalString.pipe(z.string().url().optional()),
    GRAPH_MAIL_SENDER: optionalString,

    COORDINATOR_AAD_IDS: csv,
    DISTRICT_MAP_FILE: z.string().default('config/wijkindeling.example.csv'),
    INSTRUMENTS_FILE: z.string().default('config/instruments.json'),
    SERVICE_NORMS_FILE: z.string().default('config/servicenormen.json'),
    RETENTION_CLOSED_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
    SECURITY_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(400),
    ROSTER_CACHE_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(60),
    READ_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),

    TIME_ZONE: z.string().default('Europe/Amsterdam'),
    REMINDER_LOCAL_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM')
      .default('08:30'),
    SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),

    REMINDER_DAYS_BEFORE: z.coerce.number().int().min(0).max(20).default(2),
    /** Working days after an agreed terugkoppeling/evaluatie date before a reminder not marked done escalates (0: never). */
    REMINDER_OVERDUE_DAYS: z.coerce.number().int().min(0).max(20).default(2),
    /** Working days after the first escalation of a missed agreed date before the SMW'er and the coordinators' channel hear of it. */
    REMINDER_SECOND_ESCALATION_DAYS: z.coerce.number().int().min(1).max(20).default(2),
    /** Drafts untouched this many days are deleted (after a warning). */
    RETENTION_DRAFT_DAYS: z.coerce.number().int().min(2).max(3650).default(90),
    /** Days before that deletion the SMW'er is warned in a 1:1 message. */
    RETENTION_DRAFT_WARN_DAYS: z.coerce.number().int().min(1).max(365).default(14),
    /** Open referrals without activity this many days: SMW'er and casusregisseur are asked (once) to close them. */
    RETENTION_OPEN_DAYS: z.coerce.number().int().min(1).max(3650).default(730),
    REMINDER_LEASE_MS: z.coerce.number().int().min(1_000).default(60_000),
    REMINDER_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
    REMINDER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    REMINDER_LOOKBACK_DAYS: z.coerce.number().int().min(0).max(366).default(7),
    SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
    EFFECTS_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
    EFFECTS_LEASE_MS: z.coerce.number().int().min(500).default(30_000),
    EFFECTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    EFFECTS_RETRY_BASE_MS: z.coerce.number().int().min(10).default(2_000),
    EFFECTS_RETRY_MAX_MS: z.coerce.number().int().min(10).default(15 * 60_000),
    COORDINATOR_CHANNEL_KEY: z.string().min(1).default('coordinator'),
    TEAMS_SERVICE_URL: z.string().url().default('https://smba.trafficmanager.net/emea/'),
    DOWNLOAD_SIGNING_KEY: optionalString.pipe(z.string().min(32, 'at least 32 characters').optional()),
    PARENT_LINK_SIGNING_KEY: optionalString.pipe(z.string().min(32, 'at least 32 characters').optional()),
    PARENT_PAGE_IP_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
    PUBLIC_BASE_URL: optionalString.pipe(z.string().url().optional()),
    REPORT_MIN_CELL: z.coerce.number().int().min(1).max(100).default(5),
    XTRA_MIN_CASELOAD: z.coerce.number().int().min(1).default(20),
    XTRA_MIN_WIJKTEAMS: z.coerce.number().int().min(1).default(3),
    EVALUATION_FILE: z.string().default('config/evaluatie.json'),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.MICROSOFT_APP_ID) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['MICROSOFT_APP_ID'],
        message: 'required in production: without it the bot accepts unauthenticated requests',
      });
    }
    if (c.NODE_ENV === 'production' && c.ALLOWED_TENANT_IDS.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ALLOWED_TENANT_IDS'],
        message: 'required in production: without a tenant allow-list users of any Microsoft 365 tenant can reach the bot',
      });
    }
    if (!c.MICROSOFT_APP_ID && c.HOST !== undefined && !isLoopbackHost(c.HOST)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['HOST'],
        message: 'without MICROSOFT_APP_ID the bot accepts unauthenticated requests, so it listens on loopback only (127.0.0.1 or ::1)',
      });
    }
    if (c.RETENTION_DRAFT_WARN_DAYS >= c.RETENTION_DRAFT_DAYS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['RETENTION_DRAFT_WARN_DAYS'], message: 'must be smaller than RETENTION_DRAFT_DAYS (the warning comes before the deletion)' });
    }
    if (c.MICROSOFT_APP_ID && c.MICROSOFT_APP_TYPE !== 'UserAssignedMSI' && !c.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['MICROSOFT_APP_PASSWORD'], message: 'required when MICROSOFT_APP_ID is set' });
    }
    if (c.MICROSOFT_APP_TYPE === 'SingleTenant' && c.MICROSOFT_APP_ID && !c.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['MICROSOFT_APP_TENANT_ID'], message: 'required for a single-tenant bot' });
    }
    if (c.NODE_ENV === 'production' && c.COORDINATOR_AAD_IDS.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['COORDINATOR_AAD_IDS'],
        message: 'required in production: coordinators link wijkteam channels and manage the district table; without them nobody (and never everyone) may',
      });
    }
    if (c.NODE_ENV === 'production' && !c.COSMOS_ENDPOINT) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['COSMOS_ENDPOINT'], message: 'required in production: the embedded database is for local use (one process, one machine)' });
    }
    if (c.NODE_ENV === 'production' && !c.DOWNLOAD_SIGNING_KEY) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['DOWNLOAD_SIGNING_KEY'], message: 'required in production: it signs the download links' });
    }
    if (c.NODE_ENV === 'production' && !c.PARENT_LINK_SIGNING_KEY) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['PARENT_LINK_SIGNING_KEY'], message: "required in production: it authenticates the parents' personal links and hashes them for storage" });
    }
    const graph = [c.GRAPH_TENANT_ID, c.GRAPH_CLIENT_ID, c.GRAPH_CLIENT_SECRET].filter(Boolean).length;
    if (graph !== 0 && graph !== 3) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['GRAPH_CLIENT_ID'], message: 'set GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET together, or none of them' });
    }
    if (!Intl.supportedValuesOf('timeZone').includes(c.TIME_ZONE) && c.TIME_ZONE !== 'UTC') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['TIME_ZONE'], message: 'unknown IANA time zone' });
    }
  });

/** Microsoft's Bot Framework / Teams service URL hosts (public, GCC, GCC High, DoD). */
export const DEFAULT_TRUSTED_SERVICE_URL_HOSTS = [
  'smba.trafficmanager.net',
  '*.botframework.com',
  'smba.infra.gcc.teams.microsoft.com',
  'smba.infra.gov.teams.microsoft.us',
  'smba.infra.dod.teams.microsoft.us',
];

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config {
  env: RawConfig['NODE_ENV'];
  port: number;
  host: string;
  logLevel: RawConfig['LOG_LEVEL'];
  /** `auto`: readable at a terminal outside production, JSON otherwise (production: always JSON). */
  logFormat: RawConfig['LOG_FORMAT'];
  bot: {
    appId?: string;
    appPassword?: string;
    appTenantId?: string;
    appType: RawConfig['MICROSOFT_APP_TYPE'];
    allowedTenantIds: string[];
    /** Host patterns (`*.example.com` allowed) a serviceUrl may have when authentication is on. */
    trustedServiceUrlHosts: string[];
    /** Budget of each connector call (all retries included), in milliseconds. */
    connectorTimeoutMs: number;
  };
  /** Token buckets at the door: requests per minute per user (aadObjectId) and per client IP. */
  door: { userRequestsPerMinute: number; ipRequestsPerMinute: number };
  cosmos: { endpoint?: string; key?: string; database: string; localPort: number };
  /** Local mode (no COSMOS_ENDPOINT): the embedded store's data folder, also holding the time-travel offset. */
  dataDir: string;
  graph?: { tenantId: string; clientId: string; clientSecret: string; baseUrl?: string; mailSender?: string };
  coordinators: string[];
  districtMapFile: string;
  instrumentsFile: string;
  /** JSON file with the service-norm rules (validated with ServiceNormRulesSchema at start). */
  serviceNormsFile: string;
  rosterCacheMinutes: number;
  /** Milliseconds conversation references and configuration are kept in memory (0: not kept). */
  readCacheMs: number;
  /** Days refusals and configuration changes stay in the security log. */
  securityLogRetentionDays: number;
  /** Days a closed referral (with its audit and timeline) is kept before Cosmos removes it. */
  retentionClosedDays: number;
  /** Drafts and never-closed referrals: when a draft is warned about and deleted, when an open case is asked to close. */
  retention: { draftDays: number; draftWarnDays: number; openDays: number };
  timeZone: string;
  reminderLocalTime: string;
  schedulerIntervalMs: number;
  shutdownGraceMs: number;
  /** The effect runner: loop interval, lease, and how often and how far apart an effect is retried. */
  effects: { intervalMs: number; leaseMs: number; maxAttempts: number; retryBaseMs: number; retryMaxMs: number };
  /** Signed downloads and the Servicepunt's report (registration, SMW-XTRA, evaluation). */
  /** The parents' personal pages: link key (absent: a local key file) and the per-IP budget. */
  parentPage: { signingKey?: string; ipRequestsPerMinute: number };
  report: { signingKey?: string; publicBaseUrl?: string; minCell: number; xtraMinCaseload: number; xtraMinWijkteams: number; evaluationFile: string };
  reminders: {
    daysBefore: number;
    overdueAfterDays: number;
    /** Working days from the first to the second escalation of a missed agreed date. */
    secondEscalationAfterDays: number;
    leaseMs: number;
    batchSize: number;
    concurrency: number;
    lookbackDays: number;
    /** Failed sends (429s not counted) before a reminder to a person is dead-lettered. */
    maxSendAttempts: number;
    /** Conversation-directory key of the wijkteam coordinators' channel (service-norm escalations). */
    coordinatorChannelKey: string;
    /** Bot Connector endpoint used to open a 1:1 chat when none is stored. */
    teamsServiceUrl: string;
  };
}

/** Raised when the environment is invalid; the message names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once. Throws {@link ConfigError} naming each wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const c = parsed.data;
  return {
    env: c.NODE_ENV,
    port: c.PORT,
    host: c.HOST ?? (c.MICROSOFT_APP_ID ? '0.0.0.0' : '127.0.0.1'),
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
    bot: {
      appId: c.MICROSOFT_APP_ID,
      appPassword: c.MICROSOFT_APP_PASSWORD,
      appTenantId: c.MICROSOFT_APP_TENANT_ID,
      appType: c.MICROSOFT_APP_TYPE,
      allowedTenantIds: c.ALLOWED_TENANT_IDS,
      trustedServiceUrlHosts: c.TRUSTED_SERVICE_URL_HOSTS.length > 0 ? c.TRUSTED_SERVICE_URL_HOSTS : DEFAULT_TRUSTED_SERVICE_URL_HOSTS,
      connectorTimeoutMs: c.CONNECTOR_TIMEOUT_MS,
    },
    door: { userRequestsPerMinute: c.DOOR_USER_REQUESTS_PER_MINUTE, ipRequestsPerMinute: c.DOOR_IP_REQUESTS_PER_MINUTE },
    cosmos: { endpoint: c.COSMOS_ENDPOINT, key: c.COSMOS_KEY, database: c.COSMOS_DATABASE, localPort: c.LOCAL_COSMOS_PORT },
    dataDir: c.SCHAKEL_DATA_DIR,
    graph:
      c.GRAPH_TENANT_ID && c.GRAPH_CLIENT_ID && c.GRAPH_CLIENT_SECRET
        ? { tenantId: c.GRAPH_TENANT_ID, clientId: c.GRAPH_CLIENT_ID, clientSecret: c.GRAPH_CLIENT_SECRET, baseUrl: c.GRAPH_BASE_URL, mailSender: c.GRAPH_MAIL_SENDER }
        : undefined,
    coordinators: c.COORDINATOR_AAD_IDS,
    districtMapFile: c.DISTRICT_MAP_FILE,
    instrumentsFile: c.INSTRUMENTS_FILE,
    serviceNormsFile: c.SERVICE_NORMS_FILE,
    rosterCacheMinutes: c.ROSTER_CACHE_MINUTES,
    readCacheMs: c.READ_CACHE_SECONDS * 1000,
    securityLogRetentionDays: c.SECURITY_LOG_RETENTION_DAYS,
    retentionClosedDays: c.RETENTION_CLOSED_DAYS,
    retention: { draftDays: c.RETENTION_DRAFT_DAYS, draftWarnDays: c.RETENTION_DRAFT_WARN_DAYS, openDays: c.RETENTION_OPEN_DAYS },
    timeZone: c.TIME_ZONE,
    reminderLocalTime: c.REMINDER_LOCAL_TIME,
    schedulerIntervalMs: c.SCHEDULER_INTERVAL_MS,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
    effects: {
      intervalMs: c.EFFECTS_INTERVAL_MS,
      leaseMs: c.EFFECTS_LEASE_MS,
      maxAttempts: c.EFFECTS_MAX_ATTEMPTS,
      retryBaseMs: c.EFFECTS_RETRY_BASE_MS,
      retryMaxMs: c.EFFECTS_RETRY_MAX_MS,
    },
    report: { signingKey: c.DOWNLOAD_SIGNING_KEY, publicBaseUrl: c.PUBLIC_BASE_URL, minCell: c.REPORT_MIN_CELL, xtraMinCaseload: c.XTRA_MIN_CASELOAD, xtraMinWijkteams: c.XTRA_MIN_WIJKTEAMS, evaluationFile: c.EVALUATION_FILE },
    parentPage: { signingKey: c.PARENT_LINK_SIGNING_KEY, ipRequestsPerMinute: c.PARENT_PAGE_IP_REQUESTS_PER_MINUTE },
    reminders: {
      daysBefore: c.REMINDER_DAYS_BEFORE,
      overdueAfterDays: c.REMINDER_OVERDUE_DAYS,
      secondEscalationAfterDays: c.REMINDER_SECOND_ESCALATION_DAYS,
      leaseMs: c.REMINDER_LEASE_MS,
      batchSize: c.REMINDER_BATCH_SIZE,
      concurrency: c.REMINDER_CONCURRENCY,
      lookbackDays: c.REMINDER_LOOKBACK_DAYS,
      maxSendAttempts: c.SEND_MAX_ATTEMPTS,
      coordinatorChannelKey: c.COORDINATOR_CHANNEL_KEY,
      teamsServiceUrl: c.TEAMS_SERVICE_URL,
    },
  };
}

/** A summary safe to log: secrets replaced by whether they are set. */
export function redactedSummary(c: Config): Record<string, unknown> {
  return {
    env: c.env,
    port: c.port,
    botAuth: c.bot.appId ? `on (${c.bot.appType})` : 'off (local)',
    allowedTenants: c.bot.allowedTenantIds.length || 'any',
    cosmos: c.cosmos.endpoint ? { endpoint: c.cosmos.endpoint, key: c.cosmos.key ? 'set' : 'managed identity' } : { embedded: c.dataDir },
    database: c.cosmos.database,
    graph: c.graph ? 'configured' : 'off (iCalendar + outbox)',
    timeZone: c.timeZone,
    reminderLocalTime: c.reminderLocalTime,
    downloadSigningKey: c.report.signingKey ? 'set' : 'random per process',
    parentLinkSigningKey: c.parentPage.signingKey ? 'set' : 'local key file',
  };
}
