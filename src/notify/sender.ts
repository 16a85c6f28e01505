import { TurnContext, type CloudAdapter, type ConversationReference, type TurnContext as Turn } from 'botbuilder';
import type { Logger } from '../log.js';
import type { ConversationDirectory } from './conversationDirectory.js';
import { backoffMs, classify, type Failure } from './failures.js';
import { SlidingWindowLimiter, TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS, type RateKey, type RateWindow } from './rateLimiter.js';
import type { SendBudget } from './sendBudget.js';

/** A message in plain JSON (no SDK types), so callers outside `src/notify` stay SDK-free. */
export interface OutboundMessage {
  text?: string;
  attachments?: { contentType: string; content: unknown }[];
  /** Short plain-text preview Teams shows in notifications. */
  summary?: string;
}

/** Who to send to: a person (by Entra object id, with Teams user id when known) or a channel by key. */
export type ProactiveTarget =
  | { kind: 'user'; aadObjectId: string; teamsUserId?: string }
  | { kind: 'channel'; key: string }
  /** A conversation the caller already knows (e.g. a wijkteam's linked channel). */
  | { kind: 'conversation'; reference: Partial<ConversationReference> };

export type SendOutcome =
  | { status: 'delivered'; attempts: number; failures: number; activityId?: string }
  /** 403/404: the app is not installed / was removed, or the user blocked it. */
  | { status: 'unreachable'; attempts: number; failures: number; error: string }
  /** Gave up after the configured number of failures, or the request can never succeed. */
  | { status: 'deadLettered'; attempts: number; failures: number; error: string }
  /** Not finished before `notAfter` (throttled or backing off): try again from `retryAt`. */
  | { status: 'deferred'; attempts: number; failures: number; error: string; retryAt: Date; throttled?: boolean }
  /** The caller's `beforeAttempt` said stop (e.g. its lease is gone); nothing was sent in this attempt. */
  | { status: 'aborted'; attempts: number; failures: number };

export interface SendOptions {
  /** Attempts and failures already made in earlier runs (persisted by the caller). */
  attempts?: number;
  failures?: number;
  /** Wall-clock epoch ms after which no wait may end; then the outcome is `deferred`. */
  notAfter?: () => number;
  /**
   * Epoch ms until which a wait for a free slot of the limits (this process's pacing, not an
   * answer from Teams) may last; `notAfter` when absent. Lets a caller that retries failures
   * itself still queue behind the chat's other messages for a moment.
   */
  slotWaitUntil?: () => number;
  /** Called right before each HTTP attempt with its number; `false` aborts without sending. */
  beforeAttempt?: (attempt: number) => Promise<boolean>;
  /** Replace this earlier activity (update in place) instead of posting a new one. */
  replaceActivityId?: string;
}

export interface TeamsSenderOptions {
  adapter: CloudAdapter;
  /** Microsoft App ID of the bot (empty in local mode). */
  appId: string;
  directory: ConversationDirectory;
  /** Tenant of the bot; used to create personal conversations and as the per-tenant limiter key. */
  tenantId: string;
  /** Bot Connector service URL for creating conversations when none is stored (e.g. the EMEA endpoint). */
  serviceUrl: string;
  log: Logger;
  /** Failures (not counting 429) before a message is dead-lettered. */
  maxFailures?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Used when a 429 has no Retry-After. */
  defaultRetryAfterMs?: number;
  conversationWindows?: RateWindow[];
  /** Per-tenant windows for this process alone; ignored when `budget` is given. */
  tenantWindows?: RateWindow[];
  /** The tenant's requests per second shared by all instances (default: the whole limit for this process). */
  budget?: SendBudget;
  /** Added to every window, so arrival jitter at the service cannot push two sends into one window. */
  windowMarginMs?: number;
  limiter?: SlidingWindowLimiter;
}

/**
 * The one outbound path for proactive Teams messages. Per conversation it sends one request
 * at a time within Teams' limits; a 429 blocks that conversation until Retry-After has passed
 * (for every caller in this process); 412/5xx/network errors are retried with capped,
 * jittered back-off; 403/404 mean unreachable. Teams has no idempotency key, so retries happen
 * only where the caller's `beforeAttempt` has recorded the attempt first.
 */
export class TeamsSender {
  private readonly limiter: SlidingWindowLimiter;
  private readonly conversationWindows: RateWindow[];
  private readonly tenantWindows: RateWindow[];
  private readonly budget: SendBudget | undefined;
  private readonly margin: number;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly o: Required<Pick<TeamsSenderOptions, 'maxFailures' | 'backoffBaseMs' | 'backoffMaxMs' | 'defaultRetryAfterMs'>>;
  private warnedRetry = false;

  constructor(private readonly options: TeamsSenderOptions) {
    const margin = options.windowMarginMs ?? 50;
    const widen = (ws: RateWindow[]) => ws.map((w) => ({ limit: w.limit, ms: w.ms + margin }));
    this.conversationWindows = widen(options.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS);
    this.tenantWindows = widen(options.tenantWindows ?? TEAMS_TENANT_WINDOWS);
    this.budget = options.budget;
    this.margin = margin;
    this.limiter = options.limiter ?? new SlidingWindowLimiter();
    this.o = {
      maxFailures: options.maxFailures ?? 5,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      defaultRetryAfterMs: options.defaultRetryAfterMs ?? 1_000,
    };
  }

  async send(target: ProactiveTarget, message: OutboundMessage, opts: SendOptions = {}): Promise<SendOutcome> {
    let attempts = opts.attempts ?? 0;
    let failures = opts.failures ?? 0;
    const notAfter = opts.notAfter ?? (() => Number.POSITIVE_INFINITY);
    let reference: Partial<ConversationReference> | undefined;
    for (;;) {
      let failure: Failure;
      try {
        reference ??= await this.resolve(target);
        if (!reference) return { status: 'unreachable', attempts, failures, error: 'noConversation' };
        const result = await this.attempt(reference, message, opts.replaceActivityId, opts.slotWaitUntil ?? notAfter, async () => {
          if (opts.beforeAttempt && !(await notFromTeams(() => opts.beforeAttempt?.(attempts + 1)))) return false;
          attempts++;
          return true;
        });
        if (result === 'aborted') return { status: 'aborted', attempts, failures };
        if (result === 'late') return { status: 'deferred', attempts, failures, error: 'throttled', retryAt: this.retryAt(reference), throttled: true };
        return { status: 'delivered', attempts, failures, ...(result.activityId ? { activityId: result.activityId } : {}) };
      } catch (err) {
        // The caller's guard or the directory failed (e.g. the database): not a Teams failure to count.
        if (err instanceof NotFromTeams) throw err.cause;
        failure = classify(err);
        // Not an answer from Teams: surface it; the reminder is retried after its lease, never dead-lettered by a bug.
        if (failure.kind === 'bug') throw err;
      }
      this.options.log.debug({ code: failure.code, kind: failure.kind, attempts }, 'proactive send failed');
      switch (failure.kind) {
        case 'unreachable':
          return { status: 'unreachable', attempts, failures: failures + 1, error: failure.code };
        case 'permanent':
          return { status: 'deadLettered', attempts, failures: failures + 1, error: failure.code };
        case 'throttled': {
          const wait = failure.retryAfterMs ?? this.o.defaultRetryAfterMs;
          // Teams does not say which limit was hit: the conversation and this process's tenant
          // requests both pause (a shared back-off), so a tenant-wide 429 does not cascade.
          if (reference) this.limiter.block(conversationKey(reference), wait);
          this.limiter.block(this.tenantKey().key, wait);
          if (Date.now() + wait > notAfter()) return { status: 'deferred', attempts, failures, error: failure.code, retryAt: new Date(Date.now() + wait), throttled: true };
          continue;
        }
        case 'transient': {
          failures++;
          if (failures >= this.o.maxFailures) return { status: 'deadLettered', attempts, failures, error: failure.code };
          const wait = backoffMs(failures, this.o.backoffBaseMs, this.o.backoffMaxMs);
          if (Date.now() + wait > notAfter()) return { status: 'deferred', attempts, failures, error: failure.code, retryAt: new Date(Date.now() + wait) };
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    }
  }

  /** One request into a conversation: queued behind any other for it, within the limits, never during a block. */
  private attempt(
    reference: Partial<ConversationReference>,
    message: OutboundMessage,
    replaceActivityId: string | undefined,
    notAfter: () => number,
    begin: () => Promise<boolean>,
  ): Promise<{ activityId?: string } | 'aborted' | 'late'> {
    const key = conversationKey(reference);
    return this.serialised(key, async () => {
      const keys = [{ key, windows: this.conversationWindows }, this.tenantKey()];
      // Wait for room first, record the attempt (a database write), and only then take the slot:
      // a slot taken before that write would be spent whenever the write is slow, and the requests
      // would reach Teams bunched closer together than the limiter spaced them.
      for (let wait = this.limiter.waitTime(keys); wait > 0; wait = this.limiter.waitTime(keys)) {
        if (Date.now() + wait > notAfter()) return 'late';
        await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      }
      if (!(await begin())) return 'aborted';
      await this.limiter.acquire(keys);
      let activityId: string | undefined;
      await this.options.adapter.continueConversationAsync(this.options.appId, reference, async (context) => {
        this.withoutBuiltInRetry(context);
        if (replaceActivityId) {
          await context.updateActivity({ type: 'message', ...message, id: replaceActivityId });
          activityId = replaceActivityId;
        } else activityId = (await context.sendActivity({ type: 'message', ...message }))?.id;
      });
      return { activityId };
    });
  }

  private async resolve(target: ProactiveTarget): Promise<Partial<ConversationReference> | undefined> {
    const { directory } = this.options;
    if (target.kind === 'conversation') return target.reference;
    if (target.kind === 'channel') return notFromTeams(() => directory.findChannel(target.key));
    const known = await notFromTeams(() => directory.findUser(target.aadObjectId));
    if (known?.conversation?.id) return known;
    return this.createPersonal(target);
  }

  /**
   * Opens the 1:1 chat with a user who has the app but never wrote to the bot here; remembers it.
   * The connector client's own retries stay on for this call (its client is created inside the
   * adapter): harmless, as Teams returns the same personal chat for the same user and bot.
   */
  private async createPersonal(target: { aadObjectId: string; teamsUserId?: string }): Promise<Partial<ConversationReference> | undefined> {
    const { adapter, appId, tenantId, serviceUrl, directory } = this.options;
    if (!(await this.limiter.acquire([this.tenantKey()]))) return undefined;
    let created: Partial<ConversationReference> | undefined;
    await adapter.createConversationAsync(
      appId,
      'msteams',
      serviceUrl,
      '',
      {
        isGroup: false,
        bot: { id: `28:${appId}`, name: '' },
        members: [{ id: target.teamsUserId ?? target.aadObjectId, name: '' }],
        tenantId,
        channelData: { tenant: { id: tenantId } },
      } as Parameters<CloudAdapter['createConversationAsync']>[4],
      async (context) => {
        created = TurnContext.getConversationReference(context.activity);
      },
    );
    const reference = created;
    if (reference?.conversation?.id) await notFromTeams(() => directory.saveUser(target.aadObjectId, reference));
    return created;
  }

  private retryAt(reference: Partial<ConversationReference>): Date {
    const wait = this.limiter.waitTime([{ key: conversationKey(reference), windows: this.conversationWindows }, this.tenantKey()]);
    return new Date(Date.now() + Math.max(wait, 1_000));
  }

  /**
   * Waits until one more Bot Connector request fits the tenant's budget (and the conversation's
   * windows, when given) and counts it. For requests made outside `send` (channel posts, card
   * updates, member lookups), so that every request of this process shares one limit.
   */
  async reserve(conversationId?: string): Promise<void> {
    const keys = conversationId ? [{ key: `conv:${conversationId}`, windows: this.conversationWindows }, this.tenantKey()] : [this.tenantKey()];
    await this.limiter.acquire(keys);
  }

  private tenantKey(): RateKey {
    const key = `tenant:${this.options.tenantId}`;
    const budget = this.budget;
    if (!budget) return { key, windows: this.tenantWindows };
    const ms = 1_000 + this.margin;
    // Read at every try: the share changes as instances come and go. The second window spreads
    // the share over the second (a fifth per 200 ms): requests taken in one burst reach Teams
    // spread by varying delays, and the next burst could then fall into the same second there.
    return {
      key,
      get windows() {
        const share = budget.perSecond();
        return [
          { limit: share, ms },
          { limit: Math.ceil(share / 5), ms: 200 },
        ];
      },
    };
  }

  /**
   * The connector client retries 429 and 5xx by itself (up to three times, unseen by the limiter
   * and by `beforeAttempt`). This sender owns retries, so that policy is taken out of the
   * per-turn client's pipeline.
   */
  private withoutBuiltInRetry(context: Turn): void {
    const connector = context.turnState.get(context.adapter.ConnectorClientKey) as
      | { client?: { pipeline?: { removePolicy(options: { name: string }): unknown } } }
      | undefined;
    const pipeline = connector?.client?.pipeline;
    if (pipeline) pipeline.removePolicy({ name: 'defaultRetryPolicy' });
    else if (!this.warnedRetry) {
      this.warnedRetry = true;
      this.options.log.warn('connector client pipeline not found: built-in retries stay on');
    }
  }

  private serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}

/** Wraps an error that did not come from Teams, so it is passed on instead of counted as a send failure. */
class NotFromTeams extends Error {
  constructor(override readonly cause: unknown) {
    super('failure outside the Bot Connector');
    this.name = 'NotFromTeams';
  }
}

async function notFromTeams<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new NotFromTeams(err);
  }
}

function conversationKey(reference: Partial<ConversationReference>): string {
  return `conv:${reference.conversation?.id ?? 'unknown'}`;
}
