import type { Application } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { VERBS, type Verb } from '../../cards/verbs.js';
import { authorize, mayMatter, operationName, relationsOf, ruleOf, type Operation, type Relation, type RelationFacts, type Visibility } from '../domain/accessMatrix.js';
import { sharingAllowed } from '../domain/consent.js';
import type { Referral } from '../domain/referral.js';
import type { Actor } from '../domain/types.js';
import { typedCommand } from './commandText.js';
import { actorOf, nowOf, respondWithMessage, trOf } from './context.js';
import type { BotDeps } from './deps.js';
import { isWijkteamMember } from './roster.js';

const KNOWN_VERBS = new Set<string>(Object.values(VERBS));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GRANT = Symbol('schakel.access');

/** What the matrix allowed this turn: handlers may read it instead of loading the referral again. */
export interface Grant {
  operation: string;
  sees: Visibility;
  as: Relation;
  referral?: Referral;
}

export function grantOf(ctx: TurnContext): Grant | undefined {
  return ctx.turnState.get(GRANT) as Grant | undefined;
}

/** The stored referral the gate loaded for this turn, when it is the one asked for. */
export function referralOfTurn(ctx: TurnContext, referralId: string): Referral | undefined {
  const referral = grantOf(ctx)?.referral;
  return referral?.referralId === referralId ? referral : undefined;
}

interface Asked {
  operation: Operation;
  /** How the request names its referral: by id (cards), by number (commands), by reminder. */
  target?: { referralId: string } | { number: string } | { reminderId: string; bucket: string };
}

function asked(ctx: TurnContext): Asked | undefined {
  const a = ctx.activity;
  if (a.type === ActivityTypes.Invoke && a.name === 'adaptiveCard/action') {
    const action = (a.value as { action?: { verb?: unknown; data?: unknown } } | undefined)?.action;
    const verb = typeof action?.verb === 'string' && KNOWN_VERBS.has(action.verb) ? (action.verb as Verb) : undefined;
    if (!verb) return undefined;
    const data = (typeof action?.data === 'object' && action.data !== null ? action.data : {}) as Record<string, unknown>;
    const about = ruleOf({ verb }).about;
    if (about === 'reminder') {
      const { reminderId, bucket } = data;
      return { operation: { verb }, target: typeof reminderId === 'string' && typeof bucket === 'string' ? { reminderId, bucket } : undefined };
    }
    const referralId = typeof data.referralId === 'string' && UUID.test(data.referralId) ? data.referralId : undefined;
    return { operation: { verb }, target: about === 'referral' && referralId ? { referralId } : undefined };
  }
  if (a.type === ActivityTypes.Message) {
    const typed = typedCommand(a.text);
    if (!typed) return undefined;
    return { operation: { command: typed.command }, target: typed.number ? { number: typed.number } : undefined };
  }
  return undefined;
}

async function load(deps: BotDeps, target: Asked['target']): Promise<Referral | undefined> {
  if (!target) return undefined;
  if ('referralId' in target) return (await deps.referrals.get(target.referralId))?.doc;
  if ('number' in target) return /^AM-[0-9A-Z]{4,12}$/i.test(target.number) ? deps.referrals.findByNumber(target.number) : undefined;
  const reminder = await deps.reminderStore.get(target.reminderId, target.bucket);
  return reminder ? (await deps.referrals.get(reminder.doc.referralId))?.doc : undefined;
}

/**
 * The gate before every handler: card actions and typed commands are put to the access matrix
 * with the actor's relation to the stored referral. A refusal is audited (on the referral when
 * there is one, always in the security log), logged with ids only, and answered with one
 * neutral sentence that carries nothing of the referral. Malformed card data passes to the
 * handler's own schema check, which refuses it without loading anything.
 */
export function registerGate(app: Application, deps: BotDeps): void {
  app.turn('beforeTurn', async (ctx) => {
    const request = asked(ctx);
    if (!request) return true;
    const { operation } = request;
    const rule = ruleOf(operation);
    // Card data without a usable id cannot name a referral: the handler refuses it as malformed.
    if (rule.about !== 'nothing' && !request.target && 'verb' in operation) return true;
    const actor = actorOf(ctx);
    const referral = await load(deps, request.target);
    const facts = await factsOf(deps, actor, referral, operation);
    const creating = Boolean(rule.creates && !referral);
    let relations = relationsOf(actor, referral, facts, creating);
    let decision = authorize(operation, relations, referral, facts);
    if (!decision.allowed && referral && actor && relations.includes('tenantUser') && mayMatter(operation, 'wijkteamMember')) {
      // Reading the wijkteam's roster costs a connector call: only when membership can decide.
      const member = await isWijkteamMember(ctx, deps, referral.routing?.wijkteamId, actor.aadObjectId);
      const withMembership = { ...facts, isWijkteamMember: member };
      relations = relationsOf(actor, referral, withMembership, creating);
      decision = authorize(operation, relations, referral, withMembership);
    }
    if (decision.allowed) {
      ctx.turnState.set(GRANT, { operation: operationName(operation), sees: decision.sees, as: decision.as, referral } satisfies Grant);
      return true;
    }
    await refuse(ctx, deps, { actor, referral, operation, relations, reason: decision.reason });
    return false;
  });
}

async function factsOf(deps: BotDeps, actor: Actor | undefined, referral: Referral | undefined, operation: Operation): Promise<RelationFacts> {
  const allowed = deps.config.bot.allowedTenantIds;
  const tenantAllowed = Boolean(actor) && (allowed.length === 0 || allowed.includes(actor?.tenantId ?? ''));
  const isCoordinator = Boolean(actor) && mayMatter(operation, 'coordinator') ? await deps.coordinators.has(actor?.aadObjectId ?? '') : false;
  const wijkteamSharing = referral ? sharingAllowed(referral, 'wijkteam', nowOf(deps).today) : undefined;
  return { tenantAllowed, isCoordinator, isWijkteamMember: false, ...(wijkteamSharing === undefined ? {} : { wijkteamSharing }) };
}

interface Refused {
  actor: Actor | undefined;
  referral: Referral | undefined;
  operation: Operation;
  relations: Relation[];
  reason: 'notFound' | 'notAllowed';
}

async function refuse(ctx: TurnContext, deps: BotDeps, r: Refused): Promise<void> {
  const at = deps.clock.now();
  const action = operationName(r.operation);
  const detail = { operation: action, reason: r.reason, relations: r.relations.join(',') };
  deps.log.warn({ operation: action, reason: r.reason, relations: r.relations, actor: r.actor?.aadObjectId ?? null, referralId: r.referral?.referralId ?? null }, 'access refused');
  try {
    if (r.referral) await deps.referrals.record(r.referral.referralId, r.actor?.aadObjectId ?? 'unknown', [{ type: 'audit', action: 'access.refused', detail }], at);
    await deps.securityLog.write(
      {
        action,
        outcome: 'refused',
        ...(r.actor ? { actor: r.actor.aadObjectId, tenantId: r.actor.tenantId } : {}),
        ...(r.referral ? { referralId: r.referral.referralId } : {}),
        detail,
      },
      at,
    );
  } catch (err) {
    // The refusal stands even when the audit write fails; the log line above is then the trace.
    deps.log.error({ operation: action, err: { message: (err as Error).message } }, 'refusal could not be audited');
  }
  const tr = trOf(ctx);
  const coordinatorsOnly = Object.keys(ruleOf(r.operation).cells).join() === 'coordinator';
  const text = !r.actor ? tr('error.unknownUser') : coordinatorsOnly ? tr('coordinator.only') : tr('access.refused');
  if (ctx.activity.type === ActivityTypes.Invoke) await respondWithMessage(ctx, text);
  else await ctx.sendActivity(text);
}
