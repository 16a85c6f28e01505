import { TeamsInfo, type CloudAdapter, type TurnContext } from 'botbuilder';
import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../log.js';
import type { ConversationRepository } from '../store/conversations.js';
import { statusOf } from '../store/documents.js';

type Delivery = { status: 'sent' } | { status: 'unreachable'; reason: 'noConversation' | 'appRemoved' | 'blocked' } | { status: 'failed' };

/**
 * What Teams knows of a professional, read from the roster of their 1:1 chat with the bot: their
 * e-mail address and display name. Messages never go through here: every message into Teams
 * takes the one rate-limited path (`TeamsSender`, through a `TeamsPort`).
 */
export class TeamsProfiles {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly conversations: ConversationRepository,
    private readonly log: Logger,
    /** Waits for room in the tenant's send budget (and the conversation's limits): a roster read is a Bot Connector request too. */
    private readonly pace: (conversationId: string) => Promise<void> = async () => undefined,
  ) {}

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
      this.log.warn({ user: aadObjectId }, 'no personal conversation known: roster not read');
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
      // A lookup that fails must not fail the action that asked for it.
      this.log.error({ user: aadObjectId, status: status ?? null, err: { name: (err as Error).name } }, 'roster read failed');
      return { status: 'failed' };
    }
  }
}
