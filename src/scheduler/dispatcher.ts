import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { MailReceipt, MailSender } from '../notify/mail.js';
import type { ReminderRenderer } from '../notify/reminderMessages.js';
import type { ProactiveTarget, SendOutcome, TeamsSender } from '../notify/sender.js';
import { isFinal, LeaseLostError, type Claimed, type RecipientDelivery, type ReminderDocument, type ReminderStore } from '../store/reminders.js';

/** Something the SMW'er (or an operator) should hear about; the bot turns it into a message. */
export interface DeliveryProblem {
  /** `inOutbox`: a reminder by e-mail only reached the local outbox (no mail service): not sent. */
  type: 'unreachable' | 'deadLettered' | 'inOutbox';
  reminderId: string;
  referralId: string;
  recipientKey: string;
  role: RecipientDelivery['role'];
  /** The reminder went to the person's e-mail instead. */
  mailed: boolean;
  /** Where that mail went: sent, or only into the local outbox (never to be told as sent). */
  mailReceipt?: MailReceipt;
  error: string;
}

export interface DispatcherDeps {
  store: ReminderStore;
  sender: Pick<TeamsSender, 'send'>;
  mail: MailSender;
  renderer: ReminderRenderer;
  clock: Clock;
  log: Logger;
  /** Told about recipients that could not be reached; must not throw. */
  onProblem?: (problem: DeliveryProblem) => void | Promise<void>;
  /** Told when a reminder has gone out to every recipient (e.g. to count escalations); must not throw. */
  onFinished?: (doc: ReminderDocument) => void | Promise<void>;
}

export interface DispatchOptions {
  leaseMs: number;
  /** Failures before an e-mail is dead-lettered (Teams has its own count in the sender). */
  maxMailFailures: number;
}

export type DispatchResult = 'finished' | 'deferred' | 'leaseLost';

/**
 * Delivers one claimed reminder, recipient by recipient: persist `sending` (which also proves
 * the lease is still ours and extends it), send, persist the outcome. A crash after `sending`
 * and before the outcome makes the next holder send once more: the only possible duplicate.
 */
export class ReminderDispatcher {
  constructor(
    private readonly deps: DispatcherDeps,
    private readonly options: DispatchOptions,
  ) {}

  async dispatch(claimed: Claimed): Promise<DispatchResult> {
    const { store, log } = this.deps;
    let retryAt: Date | undefined;
    try {
      for (const [index, recipient] of claimed.doc.recipients.entries()) {
        if (isFinal(recipient.state)) continue;
        const outcome = recipient.channel === 'email' ? await this.mailTo(claimed, index) : await this.teamsTo(claimed, index);
        if (outcome === 'leaseLost') return 'leaseLost';
        if (outcome instanceof Date) retryAt = retryAt && retryAt < outcome ? retryAt : outcome;
      }
      await store.release(claimed, retryAt);
      if (!retryAt) await this.deps.onFinished?.(claimed.doc);
      return retryAt ? 'deferred' : 'finished';
    } catch (err) {
      if (err instanceof LeaseLostError) {
        log.info({ reminderId: claimed.doc.id }, 'reminder lease lost; another instance continues');
        return 'leaseLost';
      }
      throw err;
    }
  }

  private async teamsTo(claimed: Claimed, index: number): Promise<'ok' | 'leaseLost' | Date> {
    const { store, sender, renderer, clock } = this.deps;
    const recipient = claimed.doc.recipients[index] as RecipientDelivery;
    const target: ProactiveTarget = recipient.teamsChannelKey
      ? { kind: 'channel', key: recipient.teamsChannelKey }
      : { kind: 'user', aadObjectId: recipient.aadObjectId ?? '', ...(recipient.teamsUserId ? { teamsUserId: recipient.teamsUserId } : {}) };
    let leaseLost = false;
    const outcome: SendOutcome = await sender.send(target, renderer.teams(claimed.doc, recipient), {
      attempts: recipient.attempts,
      failures: recipient.failures ?? 0,
      // Waits must end while the lease (extended at each attempt) still has a third of its time left.
      notAfter: () => Date.parse(claimed.doc.lease.until) - this.options.leaseMs / 3 - clock.now().getTime() + Date.now(),
      beforeAttempt: async (attempt) => {
        try {
          await store.updateRecipient(claimed, index, { state: 'sending', attempts: attempt }, this.options.leaseMs);
          return true;
        } catch (err) {
          if (err instanceof LeaseLostError) {
            leaseLost = true;
            return false;
          }
          throw err;
        }
      },
    });
    const base = { attempts: outcome.attempts, failures: outcome.failures };
    switch (outcome.status) {
      case 'aborted':
        return leaseLost ? 'leaseLost' : 'ok';
      case 'delivered':
        await store.recordFinal(claimed, index, { ...base, state: 'delivered', deliveredAt: clock.now().toISOString() });
        return 'ok';
      case 'deferred':
        await store.updateRecipient(claimed, index, { ...base, state: 'pending', lastError: outcome.error });
        return new Date(clock.now().getTime() + Math.max(0, outcome.retryAt.getTime() - Date.now()));
      case 'unreachable':
      case 'deadLettered': {
        const receipt = outcome.status === 'unreachable' && recipient.email !== undefined ? await this.fallbackMail(claimed, recipient) : undefined;
        const mailed = receipt !== undefined;
        await store.recordFinal(claimed, index, { ...base, state: outcome.status, lastError: outcome.error, ...(mailed ? { fallback: 'email' as const } : {}) });
        await this.report(claimed, recipient, outcome.status, outcome.error, receipt);
        return 'ok';
      }
    }
  }

  private async mailTo(claimed: Claimed, index: number): Promise<'ok' | 'leaseLost' | Date> {
    const { store, clock } = this.deps;
    const recipient = claimed.doc.recipients[index] as RecipientDelivery;
    const attempts = recipient.attempts + 1;
    await store.updateRecipient(claimed, index, { state: 'sending', attempts }, this.options.leaseMs);
    try {
      const receipt = await this.sendMail(claimed, recipient);
      // Only a mail service delivers; the local outbox holds the mail until someone sends it.
      if (receipt === 'outbox') {
        await store.recordFinal(claimed, index, { state: 'inOutbox', attempts });
        // Nobody has it yet: the SMW'er is told, so that it is passed on.
        await this.report(claimed, recipient, 'inOutbox', 'outbox', 'outbox');
      } else await store.recordFinal(claimed, index, { state: 'delivered', attempts, deliveredAt: clock.now().toISOString() });
      return 'ok';
    } catch (err) {
      const failures = (recipient.failures ?? 0) + 1;
      const error = err instanceof Error ? err.name : 'error';
      if (failures >= this.options.maxMailFailures) {
        await store.recordFinal(claimed, index, { state: 'deadLettered', attempts, failures, lastError: error });
        await this.report(claimed, recipient, 'deadLettered', error, undefined);
        return 'ok';
      }
      await store.updateRecipient(claimed, index, { state: 'pending', attempts, failures, lastError: error });
      return new Date(clock.now().getTime() + 30_000 * failures);
    }
  }

  /** The outbox id is derived from reminder and recipient, so a repeated fallback writes one mail. */
  private sendMail(claimed: Claimed, recipient: RecipientDelivery): Promise<MailReceipt> {
    const { subject, html } = this.deps.renderer.mail(claimed.doc, recipient);
    return this.deps.mail.send(recipient.email ?? '', subject, html, {
      referralId: claimed.doc.referralId,
      idempotencyKey: `${claimed.doc.id}:${recipient.key}`,
    });
  }

  private async fallbackMail(claimed: Claimed, recipient: RecipientDelivery): Promise<MailReceipt | undefined> {
    try {
      return await this.sendMail(claimed, recipient);
    } catch (err) {
      this.deps.log.warn({ reminderId: claimed.doc.id, recipientKey: recipient.key, error: err instanceof Error ? err.name : 'error' }, 'e-mail fallback failed');
      return undefined;
    }
  }

  private async report(claimed: Claimed, recipient: RecipientDelivery, type: DeliveryProblem['type'], error: string, receipt: MailReceipt | undefined): Promise<void> {
    const problem: DeliveryProblem = { type, reminderId: claimed.doc.id, referralId: claimed.doc.referralId, recipientKey: recipient.key, role: recipient.role, mailed: receipt !== undefined, ...(receipt ? { mailReceipt: receipt } : {}), error };
    this.deps.log.warn(problem, type === 'inOutbox' ? 'reminder mail only in the outbox' : 'reminder could not be delivered in Teams');
    try {
      await this.deps.onProblem?.(problem);
    } catch (err) {
      this.deps.log.error({ reminderId: claimed.doc.id, error: err instanceof Error ? err.name : 'error' }, 'delivery problem handler failed');
    }
  }
}
