import type { ConversationReference } from 'botbuilder';
import type { ConversationDirectory } from '../../src/notify/conversationDirectory.js';

/** Conversation references in memory, for tests and benchmarks. */
export class MemoryDirectory implements ConversationDirectory {
  readonly users = new Map<string, Partial<ConversationReference>>();
  readonly channels = new Map<string, Partial<ConversationReference>>();
  saved = 0;

  async findUser(aadObjectId: string): Promise<Partial<ConversationReference> | undefined> {
    return this.users.get(aadObjectId);
  }

  async findChannel(key: string): Promise<Partial<ConversationReference> | undefined> {
    return this.channels.get(key);
  }

  async saveUser(aadObjectId: string, reference: Partial<ConversationReference>): Promise<void> {
    this.saved++;
    this.users.set(aadObjectId, reference);
  }
}

/** A personal-chat reference as the bot would have stored it from an install event. */
export function personalReference(serviceUrl: string, conversationId: string, aadObjectId: string, tenantId = 'tenant-1'): Partial<ConversationReference> {
  return {
    channelId: 'msteams',
    serviceUrl,
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', tenantId, name: '' },
    user: { id: `29:${aadObjectId}`, name: '', aadObjectId },
    bot: { id: '28:bot', name: 'Schakel' },
  };
}
