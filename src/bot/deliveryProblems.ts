import type { PartyRole } from '../domain/types.js';
import { t } from '../i18n/index.js';
import type { DeliveryProblem } from '../scheduler/dispatcher.js';
import type { BotDeps } from './deps.js';

/** Who writes a problem's timeline entry: Schakel itself, not a person. */
const SYSTEM_ACTOR = 'schakel';

/** One timeline entry per role that was not reached (the timeline says who, never a name or address). */
async function onTimeline(deps: BotDeps, referralId: string, roles: PartyRole[]): Promise<void> {
  await deps.referrals.record(referralId, SYSTEM_ACTOR, roles.map((role) => ({ type: 'timeline' as const, entry: `deliveryProblem.${role}`, detail: { role } })), deps.clock.now());
}

/**
 * Tells the SMW'er of the referral, in their 1:1 chat, that a reminder did not reach someone:
 * only the role and the referral number, never names or case details; and puts it on the
 * timeline. When the SMW'er is the one who cannot be reached, only the timeline and the log say so
 * (the engine already fell back to e-mail).
 */
export async function reportDeliveryProblem(deps: BotDeps, problem: DeliveryProblem): Promise<void> {
  const stored = await deps.referrals.get(problem.referralId);
  if (!stored) return;
  const r = stored.doc;
  await onTimeline(deps, r.referralId, [problem.role]);
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

/**
 * Agreements or reminders that cannot reach a party (no Teams account and no e-mail address, or
 * Teams could not deliver): never dropped silently. A timeline entry per role and a 1:1 message
 * to the SMW'er naming the roles and the referral number only. Must not throw.
 */
export async function reportUnreachable(deps: BotDeps, referralId: string, roles: PartyRole[], what: 'agreements' | 'reminders'): Promise<void> {
  const unique = [...new Set(roles)];
  if (unique.length === 0) return;
  try {
    const stored = await deps.referrals.get(referralId);
    if (!stored) return;
    const r = stored.doc;
    await onTimeline(deps, referralId, unique);
    const text = t('nl', 'reminder.unresolvedToSmw', {
      number: r.number,
      what: t('nl', `reminder.unresolved.what.${what}`),
      roles: unique.map((role) => t('nl', `reminder.role.${role}`)).join(', '),
      why: t('nl', 'reminder.unresolved.why'),
    });
    const sent = await deps.messenger.sendToUser(r.smw.aadObjectId, { type: 'message', text });
    deps.log.info({ referralId, roles: unique, what, told: sent.status }, "unreachable party reported to the SMW'er");
  } catch (err) {
    deps.log.error({ referralId, what, err: { name: (err as Error).name } }, 'could not report an unreachable party');
  }
}
