import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderFormCard } from '../../../cards/form/index.js';
import type { AdaptiveCardJson } from '../../../cards/render.js';
import type { Translate } from '../../../cards/referral/fields.js';
import { VERBS } from '../../../cards/verbs.js';
import { isSmwOf } from '../../domain/access.js';
import { withdrawable, withdrawConsent } from '../../domain/consent.js';
import type { Referral } from '../../domain/referral.js';
import type { ConsentScope, Consenter } from '../../domain/sections/consent.js';
import { parentsOf } from '../../domain/sections/parents.js';
import { auditRefusal, decideAndSave, parseAction } from '../actions.js';
import { actorOf, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

const WithdrawAction = z.object({ referralId: z.string().uuid() });
const Choice = z.string().regex(/^(parent\d|pupil):(wijkteam|schoolContact)$/);

function whoName(tr: Translate, referral: Referral, who: Consenter): string {
  if (who === 'pupil') return tr('consent.who.pupil');
  return parentsOf(referral.sections.parents).find((p) => `parent${p.slot}` === who)?.name ?? who;
}

function withdrawCard(tr: Translate, referral: Referral, error = '', notice = ''): AdaptiveCardJson {
  const options = withdrawable(referral);
  return renderFormCard({
    title: tr('consent.withdrawTitle', { number: referral.number }),
    subtitle: tr('consent.withdrawIntro'),
    notice: notice ? { text: notice, color: 'Good', style: 'good' } : undefined,
    fields: options.length
      ? [
          {
            kind: 'radio',
            id: 'withdrawWho',
            label: `${tr('consent.withdrawWhich')} *`,
            choices: options.map((o) => ({ value: `${o.who}:${o.scope}`, title: tr(`consent.scope.${o.scope}`, { name: whoName(tr, referral, o.who) }) })),
            error,
          },
        ]
      : [{ kind: 'info', label: tr('consent.nothingToWithdraw') }],
    actions: options.length ? [{ verb: VERBS.consentWithdraw, title: tr('consent.withdrawConfirm'), style: 'destructive', data: { referralId: referral.referralId } }] : [],
  });
}

/** `toestemming <nummer>`: the SMW'er records that a parent or the pupil withdrew consent. */
export function registerConsent(app: Application, deps: BotDeps): void {
  app.message(/^\s*toestemming\s+(\S+)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    const number = /^\s*toestemming\s+(\S+)/i.exec(ctx.activity.text ?? '')?.[1] ?? '';
    const referral = await deps.referrals.findByNumber(number);
    if (!actor || !referral || !isSmwOf(referral, actor)) {
      return void (await ctx.sendActivity(tr('status.notFound', { number })));
    }
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(withdrawCard(tr, referral))));
  });

  app.adaptiveCards.actionExecute(VERBS.consentWithdraw, async (ctx, _s, data: Record<string, unknown>) => {
    await onWithdraw(ctx, deps, data);
    return '';
  });
}

async function onWithdraw(ctx: TurnContext, deps: BotDeps, data: Record<string, unknown>): Promise<void> {
    const tr = trOf(ctx);
    const parsed = await parseAction(ctx, deps, VERBS.consentWithdraw, WithdrawAction, data);
    if (!parsed) return;
    const { actor, action } = parsed;
    const choice = Choice.safeParse(data.withdrawWho);
    const stored = await deps.referrals.get(action.referralId);
    if (!stored) return respondWithMessage(ctx, tr('refusal.notFound'));
    if (!choice.success) return respondWithCard(ctx, withdrawCard(tr, stored.doc, tr('v.choose')));
    const [who, scope] = choice.data.split(':') as [Consenter, ConsentScope];
    const outcome = await decideAndSave(deps, action.referralId, actor, (current, now) => (current ? withdrawConsent(current, actor, { who, scope }, now) : { ok: false, code: 'notFound' }));
    if (!outcome.decision.ok) {
      await auditRefusal(deps, outcome, actor, VERBS.consentWithdraw);
      if (outcome.decision.code === 'invalid' && outcome.current) return respondWithCard(ctx, withdrawCard(tr, outcome.current.doc, tr('v.notWithdrawable')));
      return respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
    }
    const referral = outcome.decision.value;
    deps.log.info({ referralId: referral.referralId, scope }, 'consent withdrawn');
    await respondWithCard(ctx, withdrawCard(tr, referral, '', tr('consent.withdrawn', { who: whoName(tr, referral, who), scope: tr(`consent.scopeName.${scope}`) })));
}
