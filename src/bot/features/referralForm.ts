import { randomUUID } from 'node:crypto';
import type { Application } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { pickInputs, toRawValues, type RawValues } from '../../../cards/referral/fields.js';
import { SECTIONS } from '../../../cards/referral/sections.js';
import { VERBS } from '../../../cards/verbs.js';
import { isSmwOf } from '../../domain/access.js';
import { keepInput, nextOpenSection, saveSection, sectionAfter, sectionBefore } from '../../domain/draft.js';
import { amend, submit, submitBlockers } from '../../domain/intake.js';
import { SECTION_IDS, type Referral, type SectionId } from '../../domain/referral.js';
import { chooseWijkteam } from '../../domain/routing.js';
import type { Actor } from '../../domain/types.js';
import { auditRefusal, decideAndSave, parseAction, type Outcome } from '../actions.js';
import { renderCaseCard } from '../caseCards.js';
import { referralOfTurn } from '../gate.js';
import { langOfTurn, localTime, respondWithCard, respondWithMessage, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';
import { laterCard, referralFormCard, ReferralFormActionSchema, ResumeActionSchema, reviewCard, type Notice } from '../../../cards/referral/index.js';

type Tr = ReturnType<typeof trOf>;

const FormAction = ReferralFormActionSchema;
const ResumeAction = ResumeActionSchema;

export function registerReferralForm(app: Application, deps: BotDeps): void {
  app.message(/^\s*aanmelden\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    if (ctx.activity.conversation?.conversationType !== 'personal') {
      await ctx.sendActivity(tr('referral.personalOnly'));
      return;
    }
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(sectionCard(tr, deps, randomUUID(), undefined, 'pupil'))));
  });

  app.adaptiveCards.actionExecute(VERBS.sectionSave, async (ctx, _s, data) => {
    await onSave(ctx, deps, data);
    return '';
  });
  app.adaptiveCards.actionExecute([VERBS.sectionBack, VERBS.sectionLater], async (ctx, _s, data) => {
    await onKeep(ctx, deps, data, (ctx.activity.value as { action?: { verb?: string } }).action?.verb === VERBS.sectionBack ? 'back' : 'later');
    return '';
  });
  app.adaptiveCards.actionExecute(VERBS.resume, async (ctx, _s, data) => {
    await onResume(ctx, deps, data);
    return '';
  });
  app.adaptiveCards.actionExecute(VERBS.submit, async (ctx, _s, data) => {
    await onSubmit(ctx, deps, data);
    return '';
  });
  app.adaptiveCards.actionExecute(VERBS.amend, async (ctx, _s, data) => {
    await onAmend(ctx, deps, data);
    return '';
  });
}

/** The submitted inputs of a section's fields, as strings. */
function inputsOf(deps: BotDeps, section: SectionId, referral: Referral | undefined, data: unknown): RawValues {
  return pickInputs(SECTIONS[section].fields({ referral, instruments: deps.instruments }), data as Record<string, unknown>);
}

/** The card of one section, showing kept input first, then stored answers. */
function sectionCard(tr: Tr, deps: BotDeps, referralId: string, referral: Referral | undefined, section: SectionId, extra: { values?: RawValues; errors?: Record<string, string>; notice?: Notice } = {}) {
  return referralFormCard(tr, {
    referralId,
    version: referral?.version ?? 0,
    referral,
    section,
    values: extra.values ?? referral?.pending?.[section] ?? toRawValues(referral?.sections[section]),
    errors: extra.errors,
    notice: extra.notice,
    instruments: deps.instruments,
    today: deps.calendar.localDate(deps.clock.now()),
  });
}

/** The card for a step: a section, or the review when all sections are done. */
async function stepCard(tr: Tr, deps: BotDeps, referral: Referral, step: SectionId | 'review', notice?: Notice, chosenWijkteam?: string) {
  if (step !== 'review') return sectionCard(tr, deps, referral.referralId, referral, step, { notice });
  const map = await deps.settings.districtMap();
  const routed = referral.sections.pupil ? map?.route(referral.sections.pupil.postcode) : undefined;
  const today = deps.calendar.localDate(deps.clock.now());
  return reviewCard(tr, {
    referral,
    routed,
    wijkteams: map?.wijkteams() ?? [],
    chosenWijkteam,
    blockers: submitBlockers(referral, today, chosenWijkteam || routed?.wijkteamId),
    notice,
  });
}

async function answerRefusal(ctx: TurnContext, deps: BotDeps, tr: Tr, outcome: Outcome, actor: Actor, verb: string, step: SectionId | 'review') {
  const { decision, current } = outcome;
  if (decision.ok) return;
  if (decision.code === 'stale' && current) {
    deps.log.info({ referralId: current.doc.referralId, storedVersion: current.doc.version }, 'stale card refused');
    return respondWithCard(ctx, await stepCard(tr, deps, current.doc, step, { kind: 'warning', text: tr('refusal.stale') }));
  }
  await auditRefusal(deps, outcome, actor, verb);
  return respondWithMessage(ctx, tr(`refusal.${decision.code}`));
}

/**
 * The people picker submits only the colleague's Entra object id: when no name was typed beside
 * it, the name comes from Teams (the roster of the colleague's 1:1 chat with the bot), if known.
 */
async function namePickedSchoolContact(deps: BotDeps, section: string, data: unknown): Promise<void> {
  const d = data as Record<string, unknown>;
  const id = typeof d.schoolContactId === 'string' ? d.schoolContactId.trim() : '';
  if (section !== 'pupil' || !/^[0-9a-zA-Z-]{1,64}$/.test(id) || (typeof d.schoolContactName === 'string' && d.schoolContactName.trim())) return;
  const name = await deps.profiles.nameOf(id).catch(() => undefined);
  if (name) d.schoolContactName = name.slice(0, 120);
}

async function onSave(ctx: TurnContext, deps: BotDeps, data: unknown) {
  const tr = trOf(ctx);
  const parsed = await parseAction(ctx, deps, VERBS.sectionSave, FormAction, data);
  if (!parsed) return;
  const { actor, action } = parsed;
  if (action.section === 'review') return onSubmit(ctx, deps, data);
  const section = action.section;
  await namePickedSchoolContact(deps, section, data);
  // The inputs are picked inside the decision: the consent section's fields depend on the stored parents.
  let input: RawValues = {};
  const outcome = await decideAndSave(deps, action.referralId, actor, (current, now) => {
    input = inputsOf(deps, section, current, data);
    return saveSection(current, actor, { type: 'saveSection', section, input, expectedVersion: action.version, referralId: action.referralId }, { now, instruments: deps.instruments });
  });
  const { decision } = outcome;
  if (!decision.ok) {
    if (decision.code === 'invalid') {
      return respondWithCard(ctx, sectionCard(tr, deps, action.referralId, outcome.current?.doc, section, { values: input, errors: decision.errors, notice: { kind: 'attention', text: tr('refusal.invalid') } }));
    }
    return answerRefusal(ctx, deps, tr, outcome, actor, VERBS.sectionSave, section);
  }
  const referral = decision.value;
  deps.log.info({ referralId: referral.referralId, section, version: referral.version, unchanged: Boolean(decision.unchanged) }, 'referral section saved');
  const saved: Notice = { kind: 'saved', text: tr('referral.saved', { time: localTime(deps, outcome.now.at) }) };
  return respondWithCard(ctx, await stepCard(tr, deps, referral, sectionAfter(section), saved));
}

async function onKeep(ctx: TurnContext, deps: BotDeps, data: unknown, then: 'back' | 'later') {
  const tr = trOf(ctx);
  const verb = then === 'back' ? VERBS.sectionBack : VERBS.sectionLater;
  const parsed = await parseAction(ctx, deps, verb, FormAction, data);
  if (!parsed) return;
  const { actor, action } = parsed;
  let referral: Referral | undefined;
  let at = deps.clock.now();
  if (action.section === 'review') {
    referral = referralOfTurn(ctx, action.referralId) ?? (await deps.referrals.get(action.referralId))?.doc;
    if (!referral || !isSmwOf(referral, actor)) return respondWithMessage(ctx, tr('refusal.notFound'));
  } else {
    const section = action.section;
    const outcome = await decideAndSave(deps, action.referralId, actor, (current, now) =>
      keepInput(current, actor, { type: 'saveSection', section, input: inputsOf(deps, section, current, data), expectedVersion: action.version, referralId: action.referralId }, now),
    );
    if (!outcome.decision.ok) return answerRefusal(ctx, deps, tr, outcome, actor, verb, section);
    referral = outcome.decision.value;
    at = outcome.now.at;
  }
  if (then === 'later') return respondWithCard(ctx, laterCard(tr, referral, localTime(deps, at)));
  const previous = sectionBefore(action.section);
  return respondWithCard(ctx, await stepCard(tr, deps, referral, previous));
}

async function onResume(ctx: TurnContext, deps: BotDeps, data: unknown) {
  const tr = trOf(ctx);
  const parsed = await parseAction(ctx, deps, VERBS.resume, ResumeAction, data);
  if (!parsed) return;
  const referral = referralOfTurn(ctx, parsed.action.referralId) ?? (await deps.referrals.get(parsed.action.referralId))?.doc;
  if (!referral || !isSmwOf(referral, parsed.actor)) {
    deps.log.warn({ verb: VERBS.resume, actor: parsed.actor.aadObjectId }, 'resume refused');
    return respondWithMessage(ctx, tr('refusal.notFound'));
  }
  if (referral.state !== 'draft') return respondWithMessage(ctx, tr('refusal.invalidState'));
  await deps.referrals.record(referral.referralId, parsed.actor.aadObjectId, [{ type: 'audit', action: 'referral.viewed', detail: { view: 'form' } }], deps.clock.now());
  const pendingSection = SECTION_IDS.find((s) => referral.pending?.[s]);
  return respondWithCard(ctx, await stepCard(tr, deps, referral, pendingSection ?? nextOpenSection(referral)));
}

async function onSubmit(ctx: TurnContext, deps: BotDeps, data: unknown) {
  const tr = trOf(ctx);
  const parsed = await parseAction(ctx, deps, VERBS.submit, FormAction, data);
  if (!parsed) return;
  const { actor, action } = parsed;
  const chosen = typeof (data as { wijkteamId?: unknown }).wijkteamId === 'string' ? String((data as { wijkteamId: string }).wijkteamId) : '';
  const map = await deps.settings.districtMap();
  // The card the SMW'er clicked: updated in place once the intake card is delivered.
  const cardActivityId = ctx.activity.replyToId;
  const outcome = await decideAndSave(deps, action.referralId, actor, (current, now) => {
    if (!current) return { ok: false, code: 'notFound' };
    const routing = chooseWijkteam(map, current.sections.pupil?.postcode, chosen);
    return submit(current, actor, { expectedVersion: action.version, ...routing, acceptBy: deps.acceptBy(now.at), ...(cardActivityId ? { cardActivityId } : {}) }, now);
  });
  const { decision } = outcome;
  if (!decision.ok) {
    if (decision.code === 'incomplete' && outcome.current) {
      return respondWithCard(ctx, await stepCard(tr, deps, outcome.current.doc, 'review', { kind: 'attention', text: tr('refusal.incomplete') }, chosen));
    }
    return answerRefusal(ctx, deps, tr, outcome, actor, VERBS.submit, 'review');
  }
  // Answered from the committed state: the intake post is an effect, and this card says where it stands
  // (a repeated click shows the same truth, never a post that did not happen).
  const referral = decision.value;
  deps.log.info({ referralId: referral.referralId, wijkteam: referral.routing?.wijkteamId, unchanged: Boolean(decision.unchanged) }, 'referral submitted');
  // From here on this card is the SMW'er's live case card, updated in place on every change.
  return respondWithCard(ctx, await renderCaseCard(deps, referral, actor.aadObjectId, langOfTurn(ctx)));
}

async function onAmend(ctx: TurnContext, deps: BotDeps, data: unknown) {
  const tr = trOf(ctx);
  const parsed = await parseAction(ctx, deps, VERBS.amend, ResumeAction, data);
  if (!parsed) return;
  const { actor, action } = parsed;
  const outcome = await decideAndSave(deps, action.referralId, actor, (current, now) => (current ? amend(current, actor, now) : { ok: false, code: 'notFound' }));
  if (!outcome.decision.ok) return answerRefusal(ctx, deps, tr, outcome, actor, VERBS.amend, 'review');
  return respondWithCard(ctx, await stepCard(tr, deps, outcome.decision.value, 'review', { kind: 'warning', text: tr('referral.reopened') }));
}
