import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderFormCard } from '../../../cards/form/index.js';
import type { AdaptiveCardJson } from '../../../cards/render.js';
import type { Translate } from '../../../cards/referral/fields.js';
import { VERBS } from '../../../cards/verbs.js';
import { isProfessionalOf } from '../../domain/access.js';
import { closeReferral } from '../../domain/closing.js';
import type { Referral } from '../../domain/referral.js';
import { auditRefusal, decideAndSave, parseAction } from '../actions.js';
import { actorOf, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

const CloseAction = z.object({ referralId: z.string().uuid() });

export function closeCard(tr: Translate, r: Referral, retentionDays: number, done = false): AdaptiveCardJson {
  return renderFormCard({
    title: tr('close.title', { number: r.number }),
    notice: done ? { text: tr('close.done', { days: retentionDays }), color: 'Good', style: 'good' } : undefined,
    subtitle: done ? '' : tr('close.explain', { days: retentionDays }),
    actions: done ? [] : [{ verb: VERBS.close, title: tr('close.confirm'), style: 'destructive', data: { referralId: r.referralId }, validate: false }],
  });
}

/** `afsluiten <nummer>`: the SMW'er or casusregisseur closes a referral; Cosmos removes it after the retention period. */
export function registerClosing(app: Application, deps: BotDeps): void {
  app.message(/^\s*afsluiten\s+(\S+)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    const number = /^\s*afsluiten\s+(\S+)/i.exec(ctx.activity.text ?? '')?.[1] ?? '';
    const referral = await deps.referrals.findByNumber(number);
    if (!referral || !actor || !isProfessionalOf(referral, actor)) return void (await ctx.sendActivity(tr('status.notFound', { number })));
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(closeCard(tr, referral, deps.config.retentionClosedDays))));
  });

  app.adaptiveCards.actionExecute(VERBS.close, async (ctx, _s, data: Record<string, unknown>) => {
    await onClose(ctx, deps, data);
    return '';
  });
}

async function onClose(ctx: TurnContext, deps: BotDeps, data: unknown): Promise<void> {
  const tr = trOf(ctx);
  const parsed = await parseAction(ctx, deps, VERBS.close, CloseAction, data);
  if (!parsed) return;
  const { actor, action } = parsed;
  const days = deps.config.retentionClosedDays;
  const outcome = await decideAndSave(deps, action.referralId, actor, (current, now) => (current ? closeReferral(current, actor, now, days) : { ok: false, code: 'notFound' }));
  if (!outcome.decision.ok) {
    await auditRefusal(deps, outcome, actor, VERBS.close);
    return respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
  }
  const closed = outcome.decision.value;
  // The reminders and the entries' time to live follow as effects.
  if (!outcome.decision.unchanged) deps.log.info({ referralId: closed.referralId, retentionDays: days }, 'referral closed');
  return respondWithCard(ctx, closeCard(tr, closed, days, true));
}
