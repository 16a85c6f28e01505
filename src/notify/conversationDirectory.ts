import type { ConversationReference } from 'botbuilder';

/**
 * Where the sender finds the Teams conversation of a person or a channel. The bot stores a
 * reference whenever it sees a conversation (install, message); the sender stores the 1:1
 * conversations it creates itself. The Cosmos implementation lives with the bot.
 */
export interface ConversationDirectory {
  /** The personal (1:1) conversation with a user, by Entra object id. */
  findUser(aadObjectId: string): Promise<Partial<ConversationReference> | undefined>;
  /** A channel conversation by its configured key (e.g. `coordinator`). */
  findChannel(key: string): Promise<Partial<ConversationReference> | undefined>;
  /** Remembers a personal conversation the sender created. */
  saveUser(aadObjectId: string, reference: Partial<ConversationReference>): Promise<void>;
}
