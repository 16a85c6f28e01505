import { t } from '../i18n/index.js';
import type { DeliveryProblem } from '../scheduler/dispatcher.js';
import type { BotDeps } from './deps.js';

/**
 * Tells the SMW'er of the referral, in their 1:1 chat, that a reminder did not reach someone:
 * only the role and the referral number, never names or case details. When the SMW'er is the
 * one who cannot be reached, only the log says so (the engine already fell back to e-mail).
 */
export async function reportDeliveryProblem(deps: BotDeps, problem: DeliveryProblem): Promise<void> {
  const stored = await deps.referrals.get(problem.referralId);
  if (!stored) return;
  const r = stored.doc;
  if (problem.role === 'smw' && problem.recipientKey === `smw:${r.smw.aadObjectId}`) {
    deps.log.warn({ referralId: r.referralId, reminderId: problem.reminderId }, "reminder could not reach the SMW'er: nobody else to tell");
    return;
  }
  const text = t('nl', 'reminder.problemToSmw', {
    number: r.number,
    role: t('nl', `reminder.role.${problem.role}`),
    reason: t('nl', problem.type === 'unreachable' ? 'reminder.reasonUnreachable' : 'reminder.reasonDeadLettered'),
    fallback: problem.mailed ? t('nl', problem.mailReceipt === 'outbox' ? 'reminder.unreachableOutbox' : 'reminder.unreachableMailed') : '',
  });
  const sent = await deps.messenger.sendToUser(r.smw.aadObjectId, { type: 'message', text });
  deps.log.info({ referralId: r.referralId, reminderId: problem.reminderId, role: problem.role, told: sent.status }, "delivery problem reported to the SMW'er");
}
