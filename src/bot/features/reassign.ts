import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { VERBS } from '../../../cards/verbs.js';
import { mayReassign, reassign, isOpenForSmw, type ReassignRole } from '../../domain/reassign.js';
import type { Referral } from '../../domain/referral.js';
import type { Actor, Professional } from '../../domain/types.js';
import { auditRefusal, decideAndSave, parseAction } from '../actions.js';
import { actorOf, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';
import { isWijkteamMember } from '../roster.js';
import { ReassignActionSchema } from '../../../cards/reassign/actions.js';
import { reassignCard, reassignedCard } from '../../../cards/reassign/view.js';

const ReassignAction = ReassignActionSchema;

const ENTRA_ID = /^[0-9a-zA-Z-]{1,64}$/;

async function factsOf(ctx: TurnContext, deps: BotDeps, r: Referral, actor: Actor, toId?: string) {
  const wijkteamId = r.routing?.wijkteamId;
  return {
    isCoordinator: await deps.coordinators.has(actor.aadObjectId),
    actorInWijkteam: await isWijkteamMember(ctx, deps, wijkteamId, actor.aadObjectId),
    toInWijkteam: toId ? await isWijkteamMember(ctx, deps, wijkteamId, toId) : false,
  };
}

/** The roles this actor may hand over on this referral, SMW'er first. */
async function rolesFor(ctx: TurnContext, deps: BotDeps, r: Referral, actor: Actor): Promise<ReassignRole[]> {
  const facts = await factsOf(ctx, deps, r, actor);
  return (['smw', 'caseManager'] as const).filter((role) => (role === 'caseManager' ? Boolean(r.caseManager) : true) && mayReassign(r, actor, role, facts));
}

/** The new person as far as the bot knows them: e-mail and Teams id from an earlier conversation. */
async function professional(deps: BotDeps, aadObjectId: string, name: string | undefined): Promise<Professional> {
  const record = await deps.conversations.personal(aadObjectId);
  return { aadObjectId, name: name?.trim() || aadObjectId, ...(record?.teamsUserId ? { teamsUserId: record.teamsUserId } : {}) };
}

/**
 * `overdragen AM-XXXXXX`: the SMW'er hands the case to a colleague, a wijkteam member or the
 * casusregisseur hands the casusregie to another member, a coordinator either.
 * `overdragen alles <van> <naar>`: a coordinator moves all open cases of one SMW'er.
 */
export function registerReassign(app: Application, deps: BotDeps): void {
  app.message(/^\s*overdragen\s+alles\s+(\S+)\s+(\S+)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    const [, fromId = '', toId = ''] = /^\s*overdragen\s+alles\s+(\S+)\s+(\S+)/i.exec(ctx.activity.text ?? '') ?? [];
    if (!actor || !(await deps.coordinators.has(actor.aadObjectId))) return void (await ctx.sendActivity(tr('reassign.bulk.notAllowed')));
    if (!ENTRA_ID.test(fromId) || !ENTRA_ID.test(toId) || fromId === toId) return void (await ctx.sendActivity(tr('reassign.bulk.usage')));
    const to = await professional(deps, toId, undefined);
    const cases = (await deps.referrals.listForSmw(fromId, ['submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined'])).filter(isOpenForSmw);
    let moved = 0;
    let refused = 0;
    // One decision per referral: each commits its own history, audit, messages and reminders.
    for (const r of cases) {
      const input = { role: 'smw' as const, to, reason: tr('reassign.bulk.reason') };
      const outcome = await decideAndSave(deps, r.referralId, actor, (current, now) =>
        current ? reassign(current, actor, input, now, { isCoordinator: true, actorInWijkteam: false, toInWijkteam: false }) : { ok: false, code: 'notFound' },
      );
      if (outcome.decision.ok) moved++;
      else {
        refused++;
        await auditRefusal(deps, outcome, actor, 'overdragenAlles');
      }
    }
    deps.log.info({ moved, refused }, 'cases reassigned in bulk');
    await ctx.sendActivity(tr('reassign.bulk.done', { moved, refused }));
  });

  app.message(/^\s*overdragen\s+(AM-\S+)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    const number = /^\s*overdragen\s+(\S+)/i.exec(ctx.activity.text ?? '')?.[1] ?? '';
    const referral = await deps.referrals.findByNumber(number);
    const roles = referral && actor ? await rolesFor(ctx, deps, referral, actor) : [];
    if (!referral || roles.length === 0) return void (await ctx.sendActivity(tr('status.notFound', { number })));
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(reassignCard(tr, referral, roles))));
  });

  app.adaptiveCards.actionExecute(VERBS.reassign, async (ctx, _s, data: Record<string, unknown>) => {
    await onReassign(ctx, deps, data);
    return '';
  });
}

async function onReassign(ctx: TurnContext, deps: BotDeps, data: unknown): Promise<void> {
  const tr = trOf(ctx);
  const parsed = await parseAction(ctx, deps, VERBS.reassign, ReassignAction, data);
  if (!parsed) return;
  const { actor, action } = parsed;
  const toId = (action.to || action.toId || '').trim();
  const stored = await deps.referrals.get(action.referralId);
  if (!stored) return respondWithMessage(ctx, tr('refusal.notFound'));
  const values = { role: action.role, to: action.to ?? '', toId: action.toId ?? '', toName: action.toName ?? '', reason: action.reason };
  if (toId && !ENTRA_ID.test(toId)) {
    const roles = await rolesFor(ctx, deps, stored.doc, actor);
    if (roles.length === 0) return respondWithMessage(ctx, tr('refusal.notAllowed'));
    return respondWithCard(ctx, reassignCard(tr, stored.doc, roles, undefined, { values, errors: { to: 'reassign.unknownColleague' } }));
  }
  const facts = await factsOf(ctx, deps, stored.doc, actor, toId || undefined);
  const to = await professional(deps, toId, action.toName);
  const outcome = await decideAndSave(deps, action.referralId, actor, (current, now) =>
    current ? reassign(current, actor, { role: action.role, to, reason: action.reason }, now, facts) : { ok: false, code: 'notFound' },
  );
  if (!outcome.decision.ok) {
    await auditRefusal(deps, outcome, actor, VERBS.reassign);
    const errors = outcome.decision.errors ?? {};
    if (outcome.decision.code === 'invalid' && Object.keys(errors).length > 0 && outcome.current) {
      // The refusal beside its field, everything typed or picked kept.
      const roles = await rolesFor(ctx, deps, outcome.current.doc, actor);
      return respondWithCard(ctx, reassignCard(tr, outcome.current.doc, roles.length > 0 ? roles : [action.role], undefined, { values, errors }));
    }
    return respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
  }
  return respondWithCard(ctx, reassignedCard(tr, outcome.decision.value, action.role, to.name));
}
