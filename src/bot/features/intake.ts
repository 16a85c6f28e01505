import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AdaptiveCardJson } from '../../../cards/render.js';
import { VERBS } from '../../../cards/verbs.js';
import type { Decision } from '../../domain/decision.js';
import { decline, redirect, takeOn, wijkteamCheck } from '../../domain/intake.js';
import type { Referral } from '../../domain/referral.js';
import type { Actor } from '../../domain/types.js';
import { translator } from '../../i18n/index.js';
import { auditRefusal, decideAndSave, parseAction } from '../actions.js';
import { nowOf, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';
import { postIntake, wijkteamNamer } from '../intakePosting.js';
import { isWijkteamMember } from '../roster.js';
import { grantOf } from '../gate.js';
import { offerHandoverPlanning } from './handover.js';
import { declineForm, declinedCard, detailsCard, intakeCard, redirectForm } from '../views/intake.js';

const IntakeAction = z.object({ referralId: z.string().uuid() });
const text = (v: unknown) => (typeof v === 'string' ? v : '');

export function registerIntake(app: Application, deps: BotDeps): void {
  const on = (verb: string, handler: (ctx: TurnContext, actor: Actor, referral: Referral, data: Record<string, unknown>) => Promise<void>) =>
    app.adaptiveCards.actionExecute(verb, async (ctx, _s, data: Record<string, unknown>) => {
      const parsed = await parseAction(ctx, deps, verb, IntakeAction, data);
      if (!parsed) return '';
      const stored = await deps.referrals.get(parsed.action.referralId);
      if (!stored || stored.doc.tenantId !== parsed.actor.tenantId) {
        deps.log.warn({ verb, actor: parsed.actor.aadObjectId }, 'intake action on unknown referral refused');
        await respondWithMessage(ctx, trOf(ctx)('refusal.notFound'));
        return '';
      }
      await handler(ctx, parsed.actor, stored.doc, data);
      return '';
    });

  on(VERBS.intakeShow, async (ctx, _actor, referral) => {
    await respondWithCard(ctx, await channelCard(deps, referral));
  });

  on(VERBS.intakeDetails, async (ctx, actor, referral) => {
    const tr = trOf(ctx);
    const now = nowOf(deps);
    // The gate asked the access matrix (relation, state, consent) before this handler ran.
    if (grantOf(ctx)?.sees !== 'full') {
      deps.log.warn({ referralId: referral.referralId, actor: actor.aadObjectId }, 'details refused');
      await deps.referrals.record(referral.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.viewRefused' }], now.at);
      return respondWithMessage(ctx, tr('refusal.notAllowed'));
    }
    await deps.referrals.record(referral.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.viewed', detail: { view: 'details' } }], now.at);
    return respondWithCard(ctx, detailsCard(tr, referral));
  });

  on(VERBS.intakeTakeOn, async (ctx, actor, referral) => {
    const member = await isWijkteamMember(ctx, deps, referral.routing?.wijkteamId, actor.aadObjectId);
    const outcome = await decideAndSave(deps, referral.referralId, actor, (current, now) => (current ? takeOn(current, actor, { isMember: member }, now) : notFound()));
    const { decision, current } = outcome;
    if (!decision.ok) {
      await auditRefusal(deps, outcome, actor, VERBS.intakeTakeOn);
      if (decision.code === 'alreadyTaken' && current) {
        return respondWithCard(ctx, await channelCard(deps, current.doc, trOf(ctx)('intake.alreadyTaken', { name: current.doc.caseManager?.name ?? '' })));
      }
      return respondWithMessage(ctx, trOf(ctx)(`refusal.${decision.code}`));
    }
    const updated = decision.value;
    const card = await channelCard(deps, updated);
    if (!decision.unchanged) {
      await updateChannelCard(ctx, deps, updated, card);
      const tr = translator('nl');
      await deps.messenger.sendToUser(updated.smw.aadObjectId, { type: 'message', text: tr('accepted.toSmw', { number: updated.number, name: updated.caseManager?.name ?? '' }) });
      deps.log.info({ referralId: updated.referralId }, 'casusregisseur assigned');
      await deps.reminders.referralAccepted(updated);
      await offerHandoverPlanning(deps, updated, actor);
    }
    return respondWithCard(ctx, card);
  });

  on(VERBS.intakeRedirectForm, async (ctx, actor, referral) => {
    if (!(await mayAct(ctx, deps, actor, referral))) return;
    const map = await deps.settings.districtMap();
    return respondWithCard(ctx, redirectForm(trOf(ctx), referral, map?.wijkteams() ?? []));
  });

  on(VERBS.intakeRedirect, async (ctx, actor, referral, data) => {
    const tr = trOf(ctx);
    const member = await isWijkteamMember(ctx, deps, referral.routing?.wijkteamId, actor.aadObjectId);
    const map = await deps.settings.districtMap();
    const values = { redirectTo: text(data.redirectTo), redirectReason: text(data.redirectReason) };
    const known = map?.wijkteams().some((w) => w.id === values.redirectTo) ? values.redirectTo : '';
    const from = referral.routing?.wijkteamId ?? '';
    const outcome = await decideAndSave(deps, referral.referralId, actor, (current, now) =>
      current ? redirect(current, actor, { isMember: member, to: known, reason: values.redirectReason }, now) : notFound(),
    );
    const { decision } = outcome;
    if (!decision.ok) {
      if (decision.code === 'invalid') return respondWithCard(ctx, redirectForm(tr, referral, map?.wijkteams() ?? [], values, decision.errors));
      await auditRefusal(deps, outcome, actor, VERBS.intakeRedirect);
      return respondWithMessage(ctx, tr(`refusal.${decision.code}`));
    }
    const moved = decision.value;
    const namer = await wijkteamNamer(deps);
    const oldCard = intakeCard(translator('nl'), moved, nowOf(deps).today, namer, undefined, moved.routing?.wijkteamId);
    await updateChannelCard(ctx, deps, { ...moved, intakePost: referral.intakePost }, oldCard);
    await postIntake(deps, moved, actor);
    await deps.messenger.sendToUser(moved.smw.aadObjectId, { type: 'message', text: translator('nl')('redirected.toSmw', { number: moved.number, from: namer(from), to: namer(moved.routing?.wijkteamId ?? '') }) });
    return respondWithCard(ctx, oldCard);
  });

  on(VERBS.intakeDeclineForm, async (ctx, actor, referral) => {
    if (!(await mayAct(ctx, deps, actor, referral))) return;
    return respondWithCard(ctx, declineForm(trOf(ctx), referral));
  });

  on(VERBS.intakeDecline, async (ctx, actor, referral, data) => {
    const tr = trOf(ctx);
    const member = await isWijkteamMember(ctx, deps, referral.routing?.wijkteamId, actor.aadObjectId);
    const values = { declineReason: text(data.declineReason), declineAdvice: text(data.declineAdvice) };
    const outcome = await decideAndSave(deps, referral.referralId, actor, (current, now) =>
      current ? decline(current, actor, { isMember: member, reason: values.declineReason, advice: values.declineAdvice }, now) : notFound(),
    );
    const { decision } = outcome;
    if (!decision.ok) {
      if (decision.code === 'invalid') return respondWithCard(ctx, declineForm(tr, referral, values, decision.errors));
      await auditRefusal(deps, outcome, actor, VERBS.intakeDecline);
      return respondWithMessage(ctx, tr(`refusal.${decision.code}`));
    }
    const declined = decision.value;
    const card = await channelCard(deps, declined);
    await updateChannelCard(ctx, deps, declined, card);
    await deps.messenger.sendToUser(declined.smw.aadObjectId, MessageFactory.attachment(CardFactory.adaptiveCard(declinedCard(translator('nl'), declined))));
    return respondWithCard(ctx, card);
  });
}

const notFound = (): Decision<Referral> => ({ ok: false, code: 'notFound' });

async function channelCard(deps: BotDeps, referral: Referral, notice?: string): Promise<AdaptiveCardJson> {
  return intakeCard(translator('nl'), referral, nowOf(deps).today, await wijkteamNamer(deps), notice);
}

/** Only members of the referral's wijkteam may open the redirect/decline forms. */
async function mayAct(ctx: TurnContext, deps: BotDeps, actor: Actor, referral: Referral): Promise<boolean> {
  const member = await isWijkteamMember(ctx, deps, referral.routing?.wijkteamId, actor.aadObjectId);
  const refused = wijkteamCheck(referral, { isMember: member });
  if (!refused) return true;
  deps.log.warn({ referralId: referral.referralId, actor: actor.aadObjectId, member, code: refused.code }, 'intake action refused');
  await deps.referrals.record(referral.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.refused', detail: { code: refused.code } }], nowOf(deps).at);
  await respondWithMessage(ctx, trOf(ctx)(`refusal.${refused.code}`));
  return false;
}

/** Updates the intake card in the channel so every member sees the new state, not only the clicker. */
async function updateChannelCard(ctx: TurnContext, deps: BotDeps, referral: Referral, card: AdaptiveCardJson): Promise<void> {
  const post = referral.intakePost;
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  try {
    if (post && ctx.activity.conversation?.id?.split(';')[0] === post.conversationId) {
      await ctx.updateActivity({ ...activity, id: post.activityId, conversation: ctx.activity.conversation });
    } else if (post) {
      const channel = await deps.settings.channel(post.wijkteamId);
      if (channel) await deps.messenger.updateInChannel(channel, post.activityId, activity);
    }
  } catch (err) {
    deps.log.warn({ referralId: referral.referralId, err: { message: (err as Error).message } }, 'could not update the channel card');
  }
}
