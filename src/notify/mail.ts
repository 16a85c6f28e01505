/** A file sent with a mail (e.g. the iCalendar invitation). */
export interface MailAttachment {
  name: string;
  /** MIME type, e.g. `text/calendar; method=REQUEST`. */
  contentType: string;
  /** The file's bytes, base64 (Graph's `contentBytes`; JSON-safe in the outbox). */
  contentBase64: string;
}

/** Optional facts about a mail that an implementation may use; none of them is shown to the reader. */
export interface MailMeta {
  /** Groups the mail with its referral (the outbox partition). */
  referralId?: string;
  /** Sending twice with the same key sends once (where the implementation can tell). */
  idempotencyKey?: string;
  /** Files sent with the mail (these the reader does see). */
  attachments?: MailAttachment[];
}

/**
 * Where a mail went: `sent` (accepted by the mail service), or `outbox`: written to the local
 * outbox only, for a person to send or to tell the recipient otherwise. Never claim `outbox` as sent.
 */
export type MailReceipt = 'sent' | 'outbox';

/** Sends one e-mail. Implementations: the outbox (local mode) and Graph (`sendMail`). */
export interface MailSender {
  /** What a successful `send` means here: handed to a mail service, or only written to the outbox. */
  readonly receipt: MailReceipt;
  send(to: string, subject: string, html: string, meta?: MailMeta): Promise<MailReceipt>;
}

/** An attachment from text (UTF-8). */
export const textAttachment = (name: string, contentType: string, text: string): MailAttachment => ({ name, contentType, contentBase64: Buffer.from(text, 'utf8').toString('base64') });
