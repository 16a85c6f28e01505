import type { Application } from '@microsoft/teams-ai';
import { z } from 'zod';
import { renderFormCard } from '../../cards/form/index.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { VERBS } from '../../cards/verbs.js';
import { refuse } from '../domain/decision.js';
import { deliveryProblemFound, problemPassedOn, rolesOf } from '../domain/deliveryProblems.js';
import { PARTY_ROLES, type PartyRole } from '../domain/types.js';
import type { DeliveryProblemReport } from '../domain/effects.js';
import type { Referral } from '../domain/referral.js';
import { hasKey, translator, type Lang } from '../i18n/index.js';
import type { DeliveryProblem } from '../scheduler/dispatcher.js';
import { auditRefusal, decideAndSave, parseAction } from './actions.js';
import { langOfTurn, respondWithCard, respondWithMessage } from './context.js';
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
    // decideAndSave decides again on the fresh referral when a write raced it.
    const outcome = await decideAndSave(deps, problem.referralId, { aadObjectId: SYSTEM_ACTOR, name: 'Schakel', tenantId: '' }, (current) =>
      current ? deliveryProblemFound(current, report) : refuse('notFound'),
    );
    if (outcome.decision.ok) deps.log.info({ referralId: problem.referralId, reminderId: problem.reminderId, role: problem.role }, "delivery problem committed for the SMW'er");
    else deps.log.error({ referralId: problem.referralId, reminderId: problem.reminderId, code: outcome.decision.code }, 'delivery problem could not be committed');
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

const PassedOn = z.object({ referralId: z.string().uuid(), roles: z.string().max(120).transform((s) => s.split(',')).pipe(z.array(z.enum(PARTY_ROLES)).min(1).max(PARTY_ROLES.length)) });

/**
 * Under the SMW'er's message about a problem: "Ik heb het zelf doorgegeven" (the referral number
 * in the title, nothing else of the case). After the click the same card says it is on the timeline.
 */
export function problemCard(lang: Lang, r: Referral, roles: PartyRole[], passedOn = false): AdaptiveCardJson {
  const tr = translator(lang);
  return renderFormCard({
    title: tr('problem.card.title', { number: r.number }),
    subtitle: tr('problem.card.intro', { roles: roles.map((role) => tr(`reminder.role.${role}`)).join(', ') }),
    ...(passedOn ? { notice: { text: tr('problem.card.done'), color: 'Good', style: 'good' } } : {}),
    actions: passedOn ? [] : [{ verb: VERBS.problemPassedOn, title: tr('problem.card.passedOn'), style: 'positive', data: { referralId: r.referralId, roles: roles.join(',') } }],
  });
}

/** "Ik heb het zelf doorgegeven": the SMW'er's manual resolution, on the timeline; the card updates in place. */
export function registerDeliveryProblems(app: Application, deps: BotDeps): void {
  app.adaptiveCards.actionExecute(VERBS.problemPassedOn, async (ctx, _state, data: Record<string, unknown>) => {
    const parsed = await parseAction(ctx, deps, VERBS.problemPassedOn, PassedOn, data);
    if (!parsed) return '';
    const { actor, action } = parsed;
    const outcome = await decideAndSave(deps, action.referralId, actor, (cur, now) => (cur ? problemPassedOn(cur, actor, action.roles, now) : refuse('notFound')));
    const tr = translator(langOfTurn(ctx));
    if (!outcome.decision.ok) {
      await auditRefusal(deps, outcome, actor, VERBS.problemPassedOn);
      await respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
      return '';
    }
    await respondWithCard(ctx, problemCard(langOfTurn(ctx), outcome.decision.value, action.roles, true));
    return '';
  });
}
