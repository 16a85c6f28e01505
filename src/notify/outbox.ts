import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import { statusOf } from '../store/documents.js';
import type { MailAttachment, MailMeta, MailReceipt, MailSender } from './mail.js';

/** A mail waiting in the outbox for the SMW'er to see (local mode, no Graph). */
export interface OutboxDocument {
  id: string;
  referralId: string;
  to: string;
  subject: string;
  html: string;
  /** Files of the mail (e.g. the invitation), base64. */
  attachments?: MailAttachment[];
  createdAt: string;
}

/** Partition for mail that belongs to no referral. */
export const NO_REFERRAL = 'none';

/** Writes mail to the Cosmos `outbox` container; an idempotency key becomes the id, so a retry writes once. */
export class OutboxMailSender implements MailSender {
  readonly receipt = 'outbox' as const;

  constructor(
    private readonly container: Container,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async send(to: string, subject: string, html: string, meta: MailMeta = {}): Promise<MailReceipt> {
    const doc: OutboxDocument = {
      id: meta.idempotencyKey ?? randomUUID(),
      referralId: meta.referralId ?? NO_REFERRAL,
      to,
      subject,
      html,
      ...(meta.attachments?.length ? { attachments: meta.attachments } : {}),
      createdAt: this.clock.now().toISOString(),
    };
    try {
      await this.container.items.create(doc);
      this.log.info({ outboxId: doc.id, referralId: doc.referralId }, 'mail written to outbox');
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      this.log.debug({ outboxId: doc.id }, 'mail already in outbox');
    }
    return 'outbox';
  }
}
