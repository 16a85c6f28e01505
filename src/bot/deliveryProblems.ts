import { refuse } from '../domain/decision.js';
import { deliveryProblemFound, rolesOf } from '../domain/deliveryProblems.js';
import type { DeliveryProblemReport } from '../domain/effects.js';
import type { Referral } from '../domain/referral.js';
import { hasKey, translator, type Lang } from '../i18n/index.js';
import type { DeliveryProblem } from '../scheduler/dispatcher.js';
import { decideAndSave } from './actions.js';
import type { BotDeps } from './deps.js';

/** Who decides a problem's entries and message: Schakel itself, not a person. */
const SYSTEM_ACTOR = 'schakel';

/**
 * A reminder that did not reach someone (the reminder engine's report), committed as the domain
 * decides (`deliveryProblemFound`): timeline entries and the message to the SMW'er as an effect,
 * so the message is tried again until it arrives and its state is on the referral. Must not throw:
 * the engine has recorded the delivery itself already.
 */
export async function reportDeliveryProblem(deps: BotDeps, problem: DeliveryProblem): Promise<void> {
  const report: DeliveryProblemReport =
    problem.type === 'inOutbox'
      ? { what: 'reminderInOutbox', role: problem.role }
      : {
          what: 'reminder',
          role: problem.role,
          reason: problem.type,
          ...(problem.mailed ? { fallback: problem.mailReceipt === 'outbox' ? ('outbox' as const) : ('mailed' as const) } : {}),
        };
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await decideAndSave(deps, problem.referralId, { aadObjectId: SYSTEM_ACTOR, name: 'Schakel', tenantId: '' }, (current) =>
        current ? deliveryProblemFound(current, report) : refuse('notFound'),
      );
      if (outcome.decision.ok) {
        deps.log.info({ referralId: problem.referralId, reminderId: problem.reminderId, role: problem.role }, "delivery problem committed for the SMW'er");
        return;
      }
      if (outcome.decision.code !== 'stale') return;
    }
    deps.log.error({ referralId: problem.referralId, reminderId: problem.reminderId }, 'delivery problem could not be committed');
  } catch (err) {
    deps.log.error({ referralId: problem.referralId, reminderId: problem.reminderId, err: { name: (err as Error).name } }, 'delivery problem could not be committed');
  }
}

/**
 * The SMW'er's message about a problem: the referral number and the roles only, never names,
 * addresses or case details; what happened instead (mailed, or only in the outbox) and what to do.
 */
export function deliveryProblemText(lang: Lang, r: Referral, problem: DeliveryProblemReport): string {
  const tr = translator(lang);
  if (problem.what === 'reminder') {
    return tr('reminder.problemToSmw', {
      number: r.number,
      role: tr(`reminder.role.${problem.role}`),
      reason: tr(problem.reason === 'unreachable' ? 'reminder.reasonUnreachable' : 'reminder.reasonDeadLettered'),
      fallback: problem.fallback ? tr(problem.fallback === 'outbox' ? 'reminder.unreachableOutbox' : 'reminder.unreachableMailed') : '',
    });
  }
  if (problem.what === 'reminderInOutbox') return tr('reminder.inOutboxToSmw', { number: r.number, role: tr(`reminder.role.${problem.role}`) });
  if (problem.what === 'message') {
    const specific = `problem.what.${problem.kind}`;
    return tr('reminder.messageFailedToSmw', { number: r.number, what: tr(hasKey(specific) ? specific : 'problem.what.message'), role: tr(`reminder.role.${problem.role}`) });
  }
  return tr('reminder.unresolvedToSmw', {
    number: r.number,
    what: tr(`reminder.unresolved.what.${problem.what}`),
    roles: rolesOf(problem).map((role) => tr(`reminder.role.${role}`)).join(', '),
    why: tr('reminder.unresolved.why'),
  });
}
