import type { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { agreementFields, planFields } from '../../../cards/handover/fields.js';
import { pickInputs } from '../../../cards/referral/fields.js';
import { VERBS } from '../../../cards/verbs.js';
import { refuse, type Decision, type RefusalCode } from '../../domain/decision.js';
import { confirmAndDistribute } from '../../domain/agreementDelivery.js';
import { agreementsSchema, planRequestSchema } from '../../domain/handover.js';
import {
  cancelHandover,
  draftHandoverAgreements,
  isCaseManagerOf,
  markParentInformed,
  mayPlan,
  requestOtherSlots,
  requestSlots,
  recordHandoverCards,
} from '../../domain/handoverFlow.js';
import type { Referral } from '../../domain/referral.js';
import type { Actor } from '../../domain/types.js';
import { validate } from '../../domain/validation.js';
import { auditRefusal, decideAndSave, parseAction, type Outcome } from '../actions.js';
import { actorOf, langOfTurn, localTime, nowOf, respondWithCard, respondWithMessage, trOf } from '../context.js';
import { bookChosenSlot } from '../booking.js';
import { offerParentLink } from './parentLink.js';
import type { BotDeps } from '../deps.js';
import {
  cardActivity,
  registerInvitationDownloads,
  viewerOf,
  viewOf,
} from '../handoverEffects.js';
import { AgreementsActionSchema, BookActionSchema, HandoverActionSchema, ParentInformedActionSchema } from '../../../cards/handover/actions.js';
import { agreementsCard, handoverCard, planCard } from '../../../cards/handover/index.js';

const Ids = HandoverActionSchema;
const Book = BookActionSchema;
const AgreementsAction = AgreementsActionSchema;
const Informed = ParentInformedActionSchema;

type Handler<T> = (ctx: TurnContext, actor: Actor, referral: Referral, action: T, data: Record<string, unknown>) => Promise<void>;

const notFound = (): Decision<Referral> => refuse('notFound');
const view = (ctx: TurnContext, deps: BotDeps) => viewOf(deps, langOfTurn(ctx));
const clickedId = (ctx: TurnContext) => ctx.activity.replyToId ?? undefined;

export function registerHandover(app: Application, deps: BotDeps): void {
  registerInvitationDownloads(deps);
  /** parse → load → authorise to see it at all; the domain decides the rest. */
  function on<T extends { referralId: string }>(verb: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>, handler: Handler<T>) {
    app.adaptiveCards.actionExecute(verb, async (ctx, _s, data: Record<string, unknown>) => {
      const parsed = await parseAction(ctx, deps, verb, schema, data);
      if (!parsed) return '';
      const stored = await deps.referrals.get(parsed.action.referralId);
      if (!stored || !mayPlan(stored.doc, parsed.actor)) {
        if (stored) await refuseAndAudit(ctx, deps, stored.doc, parsed.actor, verb, 'notAllowed');
        else await respondWithMessage(ctx, trOf(ctx)('refusal.notFound'));
        return '';
      }
      await handler(ctx, parsed.actor, stored.doc, parsed.action, data);
      return '';
    });
  }

  on(VERBS.handoverShow, Ids, async (ctx, actor, r) => respondWithCard(ctx, handoverCard(view(ctx, deps), r, viewerOf(r, actor.aadObjectId))));

  on(VERBS.handoverEdit, Ids, async (ctx, _actor, r) => respondWithCard(ctx, planCard(view(ctx, deps), r)));

  on(VERBS.handoverPlan, Ids, async (ctx, actor, r, _a, data) => {
    const v = view(ctx, deps);
    const values = pickInputs(planFields(v.tr), data);
    const parsed = validate(planRequestSchema(nowOf(deps).today), values);
    if (!parsed.ok) return respondWithCard(ctx, planCard(v, r, { values, errors: parsed.errors, notice: { kind: 'attention', text: v.tr('refusal.invalid') } }));
    // The search (Graph free/busy: slow, may fail) runs after this answer; the card says so and is updated in place.
    const outcome = await decideAndSave(deps, r.referralId, actor, (cur, now) => (cur ? requestSlots(cur, actor, parsed.value, now, clickedId(ctx)) : notFound()));
    if (!outcome.decision.ok) return answerRefusal(ctx, deps, outcome, actor, VERBS.handoverPlan);
    const current = (await offerParentLink(deps, r.referralId, actor, 'proposals'))?.referral ?? outcome.decision.value;
    return respondWithCard(ctx, handoverCard(v, current, viewerOf(r, actor.aadObjectId)));
  });

  on(VERBS.handoverReschedule, Ids, async (ctx, actor, r) => {
    const v = view(ctx, deps);
    if (!r.handover?.request) return respondWithCard(ctx, planCard(v, r));
    const outcome = await decideAndSave(deps, r.referralId, actor, (cur, now) => (cur ? requestOtherSlots(cur, actor, now, clickedId(ctx)) : notFound()));
    if (!outcome.decision.ok) return answerRefusal(ctx, deps, outcome, actor, VERBS.handoverReschedule);
    return respondWithCard(ctx, handoverCard(v, outcome.decision.value, viewerOf(r, actor.aadObjectId)));
  });

  on(VERBS.handoverBook, Book, async (ctx, actor, r, action) => {
    const v = view(ctx, deps);
    // Booking (Graph event or iCalendar invitation) runs after this answer: "Uitnodiging wordt verstuurd…".
    const clicked = clickedId(ctx);
    const outcome = await bookChosenSlot(deps, r.referralId, actor, { kind: 'professional', actor, ...(clicked ? { clicked } : {}) }, action.slotId);
    if (!outcome.decision.ok) return answerRefusal(ctx, deps, outcome, actor, VERBS.handoverBook);
    return respondWithCard(ctx, handoverCard(v, outcome.decision.value, viewerOf(outcome.decision.value, actor.aadObjectId)));
  });

  on(VERBS.handoverCancel, Ids, async (ctx, actor, r) => {
    const v = view(ctx, deps);
    // Telling everyone (Graph, or the iCalendar cancellation and the family's mail) follows as effects; the card says so.
    const outcome = await decideAndSave(deps, r.referralId, actor, (cur, now) => (cur ? cancelHandover(cur, actor, now) : notFound()));
    if (!outcome.decision.ok) return answerRefusal(ctx, deps, outcome, actor, VERBS.handoverCancel);
    return respondWithCard(ctx, planCard(v, outcome.decision.value, { viewer: viewerOf(outcome.decision.value, actor.aadObjectId) }));
  });

  on(VERBS.agreementsOpen, Ids, async (ctx, actor, r) => openAgreements(ctx, deps, actor, r, (card) => respondWithCard(ctx, card)));

  on(VERBS.agreementsSave, AgreementsAction, async (ctx, actor, r, action, data) => {
    const v = view(ctx, deps);
    if (!isCaseManagerOf(r, actor)) return refuseAndAudit(ctx, deps, r, actor, VERBS.agreementsSave, 'notAllowed');
    const values = pickInputs(agreementFields(), data);
    const parsed = validate(agreementsSchema(nowOf(deps).today), values);
    if (!parsed.ok) return respondWithCard(ctx, agreementsCard(v, r, { values, errors: parsed.errors, notice: { kind: 'attention', text: v.tr('refusal.invalid') } }));
    const outcome = await decideAndSave(deps, r.referralId, actor, (cur, now) => (cur ? draftHandoverAgreements(cur, actor, { agreements: parsed.value, revision: action.revision }, now) : notFound()));
    if (!outcome.decision.ok) return answerAgreementsRefusal(ctx, deps, outcome, actor, VERBS.agreementsSave);
    return respondWithCard(ctx, agreementsCard(v, outcome.decision.value, { notice: { kind: 'good', text: v.tr('handover.agreements.saved', { time: localTime(deps, outcome.now.at) }) } }));
  });

  on(VERBS.agreementsConfirm, AgreementsAction, async (ctx, actor, r, action, data) => {
    const v = view(ctx, deps);
    if (!isCaseManagerOf(r, actor)) return refuseAndAudit(ctx, deps, r, actor, VERBS.agreementsConfirm, 'notAllowed');
    const values = pickInputs(agreementFields(), data);
    const parsed = validate(agreementsSchema(nowOf(deps).today), values);
    if (!parsed.ok) return respondWithCard(ctx, agreementsCard(v, r, { values, errors: parsed.errors, notice: { kind: 'attention', text: v.tr('refusal.invalid') } }));
    const meetingHeld = values.meetingHeld === 'true';
    // Reminders and the deliveries to everyone are effects of the confirmation: this answer says they are on their way.
    const outcome = await decideAndSave(deps, r.referralId, actor, (cur, now) => (cur ? confirmAndDistribute(cur, actor, { agreements: parsed.value, revision: action.revision, meetingHeld }, now, clickedId(ctx)) : notFound()));
    const { decision } = outcome;
    // Before the meeting: the card asks, beside the toggle, whether it took place; what was typed stays.
    if (!decision.ok && decision.code === 'invalid' && decision.errors?.meetingHeld) {
      return respondWithCard(ctx, agreementsCard(v, r, { values, errors: decision.errors, notice: { kind: 'attention', text: v.tr('handover.agreements.beforeMeeting') } }));
    }
    if (!decision.ok) return answerAgreementsRefusal(ctx, deps, outcome, actor, VERBS.agreementsConfirm);
    // The card says how each person was reached, or that the agreements are on their way.
    return respondWithCard(ctx, handoverCard(v, decision.value, 'caseManager'));
  });

  on(VERBS.parentInformed, Informed, async (ctx, actor, r, action) => {
    const v = view(ctx, deps);
    const task = 'meetingUid' in action ? { meetingUid: action.meetingUid, sequence: action.sequence } : { agreementsVersion: action.agreementsVersion };
    const outcome = await decideAndSave(deps, r.referralId, actor, (cur, now) => (cur ? markParentInformed(cur, actor, task, now, clickedId(ctx)) : notFound()));
    if (!outcome.decision.ok) return answerRefusal(ctx, deps, outcome, actor, VERBS.parentInformed);
    const byPhone = 'agreementsVersion' in task && outcome.decision.value.handover?.deliveries.some((d) => d.agreementsVersion === task.agreementsVersion && d.recipient === 'parent' && d.channel === 'phone');
    return respondWithCard(ctx, handoverCard(v, outcome.decision.value, 'smw', { kind: 'good', text: v.tr(byPhone ? 'handover.task.doneNotice' : 'handover.task.doneMailNotice') }));
  });

  app.message(/^\s*afspraken\s+(\S+)\s*$/i, async (ctx) => {
    const found = await referralByCommand(ctx, deps, /^\s*afspraken\s+(\S+)/i, isCaseManagerOf, 'handover.notFound');
    if (found) await openAgreements(ctx, deps, found.actor, found.referral, async (card) => void (await ctx.sendActivity(cardActivity(card))));
  });

  app.message(/^\s*overdracht\s+(\S+)\s*$/i, async (ctx) => {
    const found = await referralByCommand(ctx, deps, /^\s*overdracht\s+(\S+)/i, mayPlan, 'handover.notFoundAny');
    if (!found) return;
    const { actor, referral } = found;
    const sent = await ctx.sendActivity(cardActivity(handoverCard(view(ctx, deps), referral, viewerOf(referral, actor.aadObjectId))));
    if (sent?.id) await decideAndSave(deps, referral.referralId, actor, (cur, now) => (cur ? recordHandoverCards(cur, [{ aadObjectId: actor.aadObjectId, activityId: sent.id }], {}, now) : notFound()));
  });
}

async function openAgreements(ctx: TurnContext, deps: BotDeps, actor: Actor, r: Referral, answer: (card: ReturnType<typeof agreementsCard>) => Promise<void>): Promise<void> {
  if (!isCaseManagerOf(r, actor)) return refuseAndAudit(ctx, deps, r, actor, VERBS.agreementsOpen, 'notAllowed');
  if (r.state !== 'handoverScheduled' && r.state !== 'agreementsConfirmed') return refuseAndAudit(ctx, deps, r, actor, VERBS.agreementsOpen, 'invalidState');
  await deps.referrals.record(r.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.viewed', detail: { view: 'agreements' } }], nowOf(deps).at);
  await answer(agreementsCard(view(ctx, deps), r));
}

/** `<command> <nummer>` in chat: the actor and the referral, if the rule lets them; otherwise says so. */
async function referralByCommand(ctx: TurnContext, deps: BotDeps, pattern: RegExp, allowed: (r: Referral, a: Actor) => boolean, notFoundKey: string) {
  const tr = trOf(ctx);
  const actor = actorOf(ctx);
  if (!actor) return void (await ctx.sendActivity(tr('error.unknownUser')));
  const number = pattern.exec(ctx.activity.text ?? '')?.[1] ?? '';
  const referral = await deps.referrals.findByNumber(number);
  if (!referral || !allowed(referral, actor)) {
    deps.log.warn({ actor: actor.aadObjectId, found: Boolean(referral) }, 'handover command refused');
    if (referral) await deps.referrals.record(referral.referralId, actor.aadObjectId, [{ type: 'audit', action: 'referral.refused', detail: { code: 'notAllowed', command: 'handover' } }], nowOf(deps).at);
    return void (await ctx.sendActivity(tr(notFoundKey, { number })));
  }
  return { actor, referral };
}

async function refuseAndAudit(ctx: TurnContext, deps: BotDeps, r: Referral, actor: Actor, verb: string, code: RefusalCode): Promise<void> {
  const outcome: Outcome = { decision: refuse(code), current: { doc: r, etag: '' }, now: nowOf(deps) };
  await auditRefusal(deps, outcome, actor, verb);
  if (ctx.activity.type === 'invoke') await respondWithMessage(ctx, trOf(ctx)(`refusal.${code}`));
  else await ctx.sendActivity(trOf(ctx)(`refusal.${code}`));
}

/** A stale card gets the current state with a notice; other refusals are audited and answered. */
async function answerRefusal(ctx: TurnContext, deps: BotDeps, outcome: Outcome, actor: Actor, verb: string): Promise<void> {
  const { decision, current } = outcome;
  if (decision.ok) return;
  const v = view(ctx, deps);
  if (decision.code === 'stale' && current) {
    deps.log.info({ referralId: current.doc.referralId, verb }, 'stale handover card answered with the current state');
    return respondWithCard(ctx, handoverCard(v, current.doc, viewerOf(current.doc, actor.aadObjectId), { kind: 'warning', text: v.tr('handover.stale') }));
  }
  await auditRefusal(deps, outcome, actor, verb);
  return respondWithMessage(ctx, v.tr(`refusal.${decision.code}`));
}

async function answerAgreementsRefusal(ctx: TurnContext, deps: BotDeps, outcome: Outcome, actor: Actor, verb: string): Promise<void> {
  const { decision, current } = outcome;
  if (decision.ok) return;
  if (decision.code === 'stale' && current) {
    await auditRefusal(deps, outcome, actor, verb);
    const v = view(ctx, deps);
    return respondWithCard(ctx, agreementsCard(v, current.doc, { notice: { kind: 'warning', text: v.tr('handover.agreements.stale') } }));
  }
  return answerRefusal(ctx, deps, outcome, actor, verb);
}

