import { TeamsInfo, type CloudAdapter, type TurnContext } from 'botbuilder';
import type { Activity, ConversationReference } from 'botbuilder';
import type { Logger } from '../log.js';
import type { ConversationRepository } from '../store/conversations.js';
import type { WijkteamChannel } from '../store/configRepository.js';
import { statusOf } from '../store/documents.js';

export type Delivery =
  | { status: 'sent'; activityId?: string }
  | { status: 'unreachable'; reason: 'noConversation' | 'appRemoved' | 'blocked' }
  /** Teams or the network failed (5xx, 429, timeout): the message may be retried later. */
  | { status: 'failed' };

/**
 * Immediate messages from inside a turn (intake post, "your casusregisseur is …"): one place for
 * the Bot Framework calls, so a migration to a newer Teams SDK touches only src/bot and src/notify.
 * Scheduled reminders go through the rate-limited sender instead.
 */
export class TeamsMessenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly conversations: ConversationRepository,
    private readonly log: Logger,
    /** Waits for room in the tenant's send budget (and the conversation's limits); every request here counts. */
    private readonly pace: (conversationId: string) => Promise<void> = async () => undefined,
  ) {}

  channelReference(channel: WijkteamChannel): Partial<ConversationReference> {
    return {
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      conversation: { id: channel.channelId, isGroup: true, conversationType: 'channel', tenantId: channel.tenantId, name: '' },
      bot: { id: this.appId ? `28:${this.appId}` : 'schakel', name: 'Schakel' },
    };
  }

  /** Posts a new message in the wijkteam's channel; returns the new activity id. */
  async postToChannel(channel: WijkteamChannel, activity: Partial<Activity>): Promise<string> {
    let id = '';
    await this.pace(channel.channelId);
    await this.adapter.continueConversationAsync(this.appId, this.channelReference(channel), async (ctx) => {
      const res = await ctx.sendActivity(activity);
      id = res?.id ?? '';
    });
    return id;
  }

  /** Replaces an earlier channel message (everyone sees the new version). */
  async updateInChannel(channel: WijkteamChannel, activityId: string, activity: Partial<Activity>): Promise<void> {
    await this.pace(channel.channelId);
    await this.adapter.continueConversationAsync(this.appId, this.channelReference(channel), async (ctx) => {
      await ctx.updateActivity({ ...activity, id: activityId });
    });
  }

  /** A 1:1 message to a professional who has talked to or installed the bot. */
  async sendToUser(aadObjectId: string, activity: Partial<Activity>): Promise<Delivery> {
    let activityId: string | undefined;
    const delivery = await this.inPersonalChat(aadObjectId, async (ctx) => {
      activityId = (await ctx.sendActivity(activity))?.id;
    });
    return delivery.status === 'sent' ? { status: 'sent', activityId } : delivery;
  }

  /** Replaces an earlier 1:1 message (e.g. a card whose state changed) for that person. */
  async updateForUser(aadObjectId: string, activityId: string, activity: Partial<Activity>): Promise<Delivery> {
    return this.inPersonalChat(aadObjectId, async (ctx) => {
      await ctx.updateActivity({ ...activity, id: activityId });
    });
  }

  /**
   * The person's e-mail address as Teams knows it (the roster of their 1:1 chat with the bot):
   * `email`, else `userPrincipalName`. Undefined when there is no chat or no address.
   */
  async emailOf(aadObjectId: string): Promise<string | undefined> {
    let email: string | undefined;
    const delivery = await this.inPersonalChat(aadObjectId, async (ctx) => {
      try {
        const member = await TeamsInfo.getMember(ctx, aadObjectId);
        email = member.email || member.userPrincipalName || undefined;
      } catch (err) {
        this.log.warn({ user: aadObjectId, status: statusOf(err) }, 'member lookup failed: no e-mail address');
      }
    });
    if (delivery.status !== 'sent') return undefined;
    return email;
  }

  /**
   * The person's display name as Teams knows it (the roster of their 1:1 chat with the bot);
   * undefined when the bot has no chat with them. Used to name a colleague picked with the people
   * picker, which submits only the Entra object id.
   */
  async nameOf(aadObjectId: string): Promise<string | undefined> {
    if (!(await this.conversations.personal(aadObjectId))) return undefined;
    let name: string | undefined;
    await this.inPersonalChat(aadObjectId, async (ctx) => {
      try {
        name = (await TeamsInfo.getMember(ctx, aadObjectId)).name || undefined;
      } catch (err) {
        this.log.warn({ user: aadObjectId, status: statusOf(err) }, 'member lookup failed: no name');
      }
    });
    return name;
  }

  private async inPersonalChat(aadObjectId: string, work: (ctx: TurnContext) => Promise<void>): Promise<Delivery> {
    const record = await this.conversations.personal(aadObjectId);
    if (!record) {
      this.log.warn({ user: aadObjectId }, 'no personal conversation known: message not sent');
      return { status: 'unreachable', reason: 'noConversation' };
    }
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: record.serviceUrl,
      conversation: { id: record.conversationId, conversationType: 'personal', tenantId: record.tenantId, isGroup: false, name: '' },
      bot: { id: record.botId, name: record.botName ?? 'Schakel' },
    };
    try {
      await this.pace(record.conversationId);
      await this.adapter.continueConversationAsync(this.appId, reference, work);
      return { status: 'sent' };
    } catch (err) {
      const status = statusOf(err);
      if (status === 403 || status === 404) {
        this.log.warn({ user: aadObjectId, status }, 'personal conversation unreachable');
        return { status: 'unreachable', reason: status === 403 ? 'blocked' : 'appRemoved' };
      }
      // A notification that fails must not fail the action that caused it (that action is saved).
      this.log.error({ user: aadObjectId, status: status ?? null, err: { name: (err as Error).name } }, 'proactive message failed');
      return { status: 'failed' };
    }
  }
}
