import type { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
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
import { wijkteamNamer } from '../intakePosting.js';
import { isWijkteamMember } from '../roster.js';
import { grantOf, referralOfTurn } from '../gate.js';
import { DeclineSubmitSchema, declineForm, detailsCard, IntakeActionSchema, intakeCard, RedirectSubmitSchema, redirectForm } from '../../../cards/intake/index.js';

const IntakeAction = IntakeActionSchema;

export function registerIntake(app: Application, deps: BotDeps): void {
  const on = (verb: string, handler: (ctx: TurnContext, actor: Actor, referral: Referral, data: Record<string, unknown>) => Promise<void>) =>
    app.adaptiveCards.actionExecute(verb, async (ctx, _s, data: Record<string, unknown>) => {
      const parsed = await parseAction(ctx, deps, verb, IntakeAction, data);
      if (!parsed) return '';
      // The gate loaded the referral for the access matrix this turn; a view needs no second read
      // (a change goes through decideAndSave, which reads it again with its ETag).
      const referral = referralOfTurn(ctx, parsed.action.referralId) ?? (await deps.referrals.get(parsed.action.referralId))?.doc;
      if (!referral || referral.tenantId !== parsed.actor.tenantId) {
        deps.log.warn({ verb, actor: parsed.actor.aadObjectId }, 'intake action on unknown referral refused');
        await respondWithMessage(ctx, trOf(ctx)('refusal.notFound'));
        return '';
      }
      await handler(ctx, parsed.actor, referral, data);
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
    // Answered from the committed state; the channel card for everyone, the SMW'er's message, the
    // reminders and the planning cards are effects committed with it, carried out by the runner.
    if (!decision.unchanged) deps.log.info({ referralId: decision.value.referralId }, 'casusregisseur assigned');
    return respondWithCard(ctx, await channelCard(deps, decision.value));
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
    const { redirectTo, redirectReason } = RedirectSubmitSchema.parse({ ...data, referralId: referral.referralId });
    const values = { redirectTo, redirectReason };
    const known = map?.wijkteams().some((w) => w.id === values.redirectTo) ? values.redirectTo : '';
    const outcome = await decideAndSave(deps, referral.referralId, actor, (current, now) =>
      current ? redirect(current, actor, { isMember: member, to: known, reason: values.redirectReason }, now) : notFound(),
    );
    const { decision } = outcome;
    if (!decision.ok) {
      if (decision.code === 'invalid') return respondWithCard(ctx, redirectForm(tr, referral, map?.wijkteams() ?? [], values, decision.errors));
      await auditRefusal(deps, outcome, actor, VERBS.intakeRedirect);
      return respondWithMessage(ctx, tr(`refusal.${decision.code}`));
    }
    // The old card, the new channel's intake and the SMW'er's message are committed effects.
    const moved = decision.value;
    return respondWithCard(ctx, intakeCard(translator('nl'), moved, nowOf(deps).today, await wijkteamNamer(deps), undefined, moved.routing?.wijkteamId));
  });

  on(VERBS.intakeDeclineForm, async (ctx, actor, referral) => {
    if (!(await mayAct(ctx, deps, actor, referral))) return;
    return respondWithCard(ctx, declineForm(trOf(ctx), referral));
  });

  on(VERBS.intakeDecline, async (ctx, actor, referral, data) => {
    const tr = trOf(ctx);
    const member = await isWijkteamMember(ctx, deps, referral.routing?.wijkteamId, actor.aadObjectId);
    const { declineReason, declineAdvice } = DeclineSubmitSchema.parse({ ...data, referralId: referral.referralId });
    const values = { declineReason, declineAdvice };
    const outcome = await decideAndSave(deps, referral.referralId, actor, (current, now) =>
      current ? decline(current, actor, { isMember: member, reason: values.declineReason, advice: values.declineAdvice }, now) : notFound(),
    );
    const { decision } = outcome;
    if (!decision.ok) {
      if (decision.code === 'invalid') return respondWithCard(ctx, declineForm(tr, referral, values, decision.errors));
      await auditRefusal(deps, outcome, actor, VERBS.intakeDecline);
      return respondWithMessage(ctx, tr(`refusal.${decision.code}`));
    }
    // The channel card and the SMW'er's card with the reason are committed effects.
    return respondWithCard(ctx, await channelCard(deps, decision.value));
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
