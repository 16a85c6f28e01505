/** Optional facts about a mail that an implementation may use; none of them is shown to the reader. */
export interface MailMeta {
  /** Groups the mail with its referral (the outbox partition). */
  referralId?: string;
  /** Sending twice with the same key sends once (where the implementation can tell). */
  idempotencyKey?: string;
}

/** Sends one e-mail. Implementations: the outbox (local mode) and Graph (`sendMail`). */
export interface MailSender {
  send(to: string, subject: string, html: string, meta?: MailMeta): Promise<void>;
}
