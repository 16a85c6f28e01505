import type { ConversationReference } from 'botbuilder';
import type { ConversationDirectory } from '../notify/conversationDirectory.js';
import type { ConfigRepository } from '../store/configRepository.js';
import type { ConversationRecord, ConversationRepository } from '../store/conversations.js';
import type { Clock } from '../domain/clock.js';

const WIJKTEAM_PREFIX = 'wijkteam:';

/**
 * The conversation directory over Cosmos: personal chats from the `conversations` container;
 * channels by key from the `config` container — `wijkteam:<id>` is the channel linked with
 * `koppel wijkteam <naam>`, any other key (e.g. `coordinator`) one linked with `koppel coördinatoren`.
 */
export class CosmosConversationDirectory implements ConversationDirectory {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly settings: ConfigRepository,
    private readonly clock: Clock,
    private readonly botId: string,
  ) {}

  async findUser(aadObjectId: string): Promise<Partial<ConversationReference> | undefined> {
    const record = await this.conversations.personal(aadObjectId);
    if (!record) return undefined;
    return {
      channelId: 'msteams',
      serviceUrl: record.serviceUrl,
      conversation: { id: record.conversationId, conversationType: 'personal', tenantId: record.tenantId, isGroup: false, name: '' },
      bot: { id: record.botId, name: record.botName ?? 'Schakel' },
      ...(record.teamsUserId ? { user: { id: record.teamsUserId, name: '', aadObjectId } } : {}),
    };
  }

  async findChannel(key: string): Promise<Partial<ConversationReference> | undefined> {
    const channel = key.startsWith(WIJKTEAM_PREFIX) ? await this.settings.channel(key.slice(WIJKTEAM_PREFIX.length)) : await this.settings.namedChannel(key);
    if (!channel) return undefined;
    return {
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      conversation: { id: channel.channelId, conversationType: 'channel', tenantId: channel.tenantId, isGroup: true, name: '' },
      bot: { id: this.botId, name: 'Schakel' },
    };
  }

  async saveUser(aadObjectId: string, reference: Partial<ConversationReference>): Promise<void> {
    const conversationId = reference.conversation?.id;
    const tenantId = reference.conversation?.tenantId;
    if (!conversationId || !tenantId || !reference.serviceUrl) return;
    const record: ConversationRecord = {
      id: `personal:${aadObjectId}`,
      userId: aadObjectId,
      kind: 'personal',
      tenantId,
      serviceUrl: reference.serviceUrl,
      conversationId,
      conversationType: 'personal',
      botId: reference.bot?.id || 'schakel',
      ...(reference.bot?.name ? { botName: reference.bot.name } : {}),
      ...(reference.user?.id ? { teamsUserId: reference.user.id } : {}),
      updatedAt: this.clock.now().toISOString(),
    };
    await this.conversations.save(record);
  }
}
