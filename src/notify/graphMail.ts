import type { MailGateway } from '../meetings/graph.js';
import type { MailMeta, MailReceipt, MailSender } from './mail.js';

/**
 * Mail through Graph `sendMail` from one configured mailbox (GRAPH_MAIL_SENDER, e.g. a shared
 * "Schakel" mailbox), so parents get mail from a known sender and not from a person.
 */
export class GraphMailSender implements MailSender {
  readonly receipt = 'sent' as const;

  constructor(
    private readonly gateway: MailGateway,
    private readonly fromUserId: string,
  ) {}

  async send(to: string, subject: string, html: string, meta: MailMeta = {}): Promise<MailReceipt> {
    // Graph has no idempotency key for sendMail; the gateway never repeats it after a 5xx.
    await this.gateway.sendMail(this.fromUserId, { to: [{ email: to, name: to }], subject, html, ...(meta.attachments?.length ? { attachments: meta.attachments } : {}) });
    return 'sent';
  }
}
