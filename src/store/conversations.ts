import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { readDoc, stripMeta, upsertDoc } from './documents.js';
import { ReadCache } from './readCache.js';

/**
 * What a proactive message needs to reach a conversation. Validated on write and read, so a
 * broken record fails where it is made instead of at 08:30 when a reminder is due.
 */
export const ConversationRecordSchema = z.object({
  id: z.string().min(1),
  /** Partition key: the person's Entra object id, or `team:<teamId>` for a channel. */
  userId: z.string().min(1),
  kind: z.enum(['personal', 'channel', 'groupChat']),
  tenantId: z.string().min(1),
  serviceUrl: z.string().url(),
  conversationId: z.string().min(1),
  conversationType: z.string().optional(),
  botId: z.string().min(1),
  botName: z.string().optional(),
  /** Teams user id (29:…) of the person, for personal chats. */
  teamsUserId: z.string().optional(),
  teamId: z.string().optional(),
  channelId: z.string().optional(),
  /** Locale of the person's Teams client (e.g. `nl-NL`, `en-US`), for proactive messages in their language. */
  locale: z.string().optional(),
  updatedAt: z.string(),
});

export type ConversationRecord = z.infer<typeof ConversationRecordSchema>;

/** Conversation references per user and per team channel (container `conversations`, pk `/userId`). */
export class ConversationRepository {
  /** Read for every proactive message; kept for `cacheMs` (written through on save). */
  private readonly cache: ReadCache<ConversationRecord>;

  constructor(
    private readonly container: Container,
    options: { cacheMs?: number } = {},
  ) {
    this.cache = new ReadCache({ max: 10_000, ttlMs: options.cacheMs ?? 0 });
  }

  async save(record: ConversationRecord): Promise<void> {
    const valid = ConversationRecordSchema.parse(record);
    this.cache.forget(valid.id);
    await upsertDoc(this.container, valid);
    this.cache.set(valid.id, valid);
  }

  /** The personal (1:1) conversation with a person, if the bot has one. */
  async personal(aadObjectId: string): Promise<ConversationRecord | undefined> {
    return this.read(`personal:${aadObjectId}`, aadObjectId);
  }

  async channel(teamId: string, channelId: string): Promise<ConversationRecord | undefined> {
    return this.read(`channel:${channelId}`, `team:${teamId}`);
  }

  private read(id: string, partition: string): Promise<ConversationRecord | undefined> {
    return this.cache.get(id, async () => {
      const found = await readDoc<ConversationRecord>(this.container, id, partition);
      return found ? ConversationRecordSchema.parse(stripMeta(found.doc)) : undefined;
    });
  }
}
