import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderFormCard } from '../../../cards/form/index.js';
import { VERBS } from '../../../cards/verbs.js';
import { parseAction } from '../actions.js';
import { actorOf, nowOf, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

const EraseAction = z.object({ referralId: z.string().uuid() });

/** Signed download of one family's data; id: the referral id. */
const EXPORT_KIND = 'family.export';
/** The export link is short-lived: it carries everything about a family. */
const EXPORT_TTL_SECONDS = 15 * 60;

const isCoordinator = (deps: BotDeps, aadObjectId: string) => deps.coordinators.has(aadObjectId);

/**
 * A coordinator exports or erases one family's data on request (AVG inzage / vergetelheid):
 * `exporteer AM-…` gives a short-lived signed link to the data as a JSON file in the 1:1 chat; `wis AM-…` asks for
 * confirmation and then deletes the referral, its audit and timeline, reminders and outbox mail.
 */
export function registerFamilyData(app: Application, deps: BotDeps): void {
  // The file is built when the link is opened (nothing is kept for a link); erased data gives 404.
  deps.downloads.register(EXPORT_KIND, async (referralId) => {
    const stored = await deps.referrals.get(referralId);
    if (!stored) return undefined;
    const data = await deps.familyData.export(referralId);
    const json = JSON.stringify({ exportedAt: nowOf(deps).at.toISOString(), number: stored.doc.number, ...data }, null, 2);
    return { body: json, contentType: 'application/json; charset=utf-8', fileName: `schakel-${stored.doc.number}.json` };
  });

  app.message(/^\s*(exporteer|wis)\s+(\S+)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    const [, verb = '', number = ''] = /^\s*(exporteer|wis)\s+(\S+)/i.exec(ctx.activity.text ?? '') ?? [];
    if (!actor || !(await isCoordinator(deps, actor.aadObjectId)) || ctx.activity.conversation?.conversationType !== 'personal') {
      deps.log.warn({ actor: actor?.aadObjectId ?? null, command: verb.toLowerCase() }, 'family data command refused');
      return void (await ctx.sendActivity(tr('family.coordinatorOnly')));
    }
    const referral = await deps.referrals.findByNumber(number);
    if (!referral || referral.tenantId !== actor.tenantId) return void (await ctx.sendActivity(tr('status.notFound', { number })));
    if (verb.toLowerCase() === 'wis') {
      const card = renderFormCard({
        title: tr('family.eraseTitle', { number: referral.number }),
        subtitle: tr('family.eraseExplain'),
        actions: [{ verb: VERBS.erase, title: tr('family.eraseConfirm'), style: 'destructive', data: { referralId: referral.referralId }, validate: false }],
      });
      return void (await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card))));
    }
    await deps.referrals.record(referral.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.exported' }], nowOf(deps).at);
    deps.log.info({ referralId: referral.referralId, actor: actor.aadObjectId }, 'family data exported');
    const card = renderFormCard({
      title: tr('family.exportTitle', { number: referral.number }),
      subtitle: tr('family.exported', { number: referral.number, minutes: EXPORT_TTL_SECONDS / 60 }),
      links: [{ title: tr('family.download'), url: deps.downloads.url(EXPORT_KIND, referral.referralId, EXPORT_TTL_SECONDS) }],
    });
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  });

  app.adaptiveCards.actionExecute(VERBS.erase, async (ctx, _s, data: Record<string, unknown>) => {
    await onErase(ctx, deps, data);
    return '';
  });
}

async function onErase(ctx: TurnContext, deps: BotDeps, data: unknown): Promise<void> {
  const tr = trOf(ctx);
  const parsed = await parseAction(ctx, deps, VERBS.erase, EraseAction, data);
  if (!parsed) return;
  if (!(await isCoordinator(deps, parsed.actor.aadObjectId))) {
    deps.log.warn({ actor: parsed.actor.aadObjectId }, 'erase refused');
    return respondWithMessage(ctx, tr('family.coordinatorOnly'));
  }
  const stored = await deps.referrals.get(parsed.action.referralId);
  if (stored && stored.doc.tenantId !== parsed.actor.tenantId) return respondWithMessage(ctx, tr('refusal.notFound'));
  const count = await deps.familyData.erase(parsed.action.referralId);
  // The erasure itself is the one trace left: who and when, by id, never what.
  deps.log.info({ referralId: parsed.action.referralId, actor: parsed.actor.aadObjectId, documents: count }, 'family data erased');
  return respondWithCard(ctx, renderFormCard({ title: tr('family.erased', { count }), notice: { text: tr('family.erasedNotice'), color: 'Good', style: 'good' } }));
}
