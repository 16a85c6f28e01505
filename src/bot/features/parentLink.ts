import type { Application } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { renderFormCard } from '../../../cards/form/index.js';
import type { AdaptiveCardJson } from '../../../cards/render.js';
import { VERBS } from '../../../cards/verbs.js';
import { refuse, type Decision } from '../../domain/decision.js';
import { enableParentLink, issueParentLink, linkBlocked, linkExpiry, needsNewLink, replyToParent, withHandoverCardsRefresh, type IssuedLink, type IssueReason, type ParentAnswer } from '../../domain/parentLink.js';
import type { Referral } from '../../domain/referral.js';
import type { Actor } from '../../domain/types.js';
import { translator, type Lang } from '../../i18n/index.js';
import { auditRefusal, decideAndSave, parseAction } from '../actions.js';
import { langOfTurn, nowOf, respondWithCard, respondWithMessage } from '../context.js';
import type { BotDeps } from '../deps.js';
import { viewerOf, viewOf } from '../handoverEffects.js';
import { handoverCard } from '../../../cards/handover/index.js';

/**
 * Giving out the parent's personal link. The token exists only here, for the moment it is handed
 * out: its hash is committed first (so the link works before anyone has it), then the link goes
 * on the SMW'er's handover card ("Link voor ouders", with a text to read out or send as a text
 * message) and into the parent's mail. It is never stored in the database, so it is never part
 * of an effect either.
 */

const Ids = z.object({ referralId: z.string().uuid() });
const Reply = Ids.extend({ answerId: z.string().regex(/^a\d{1,4}$/) });
const ReplyText = z.string().trim().min(1, 'v.parentLink.replyRequired').max(500, 'v.tooLong');

const notFound = (): Decision<Referral> => refuse('notFound');

/**
 * A new link for the parent of `current` when this step needs one (see `needsNewLink`), decided
 * but not committed: the caller commits `issued` (an effect's result, through `effectSettled`).
 * The URL is kept in memory for the SMW'er's card, as for {@link offerParentLink}.
 */
export function prepareParentLink(deps: BotDeps, current: Referral, reason: IssueReason): { url: string; issued: IssuedLink; referral: Referral } | undefined {
  const fresh = newToken(deps, current, reason);
  if (!fresh) return undefined;
  const now = nowOf(deps);
  const decided = issueParentLink(current, { ...fresh.issued, reason }, now);
  if (!decided.ok) return undefined;
  const url = deps.parentLinks.url(fresh.token);
  deps.parentLinks.remember(current.referralId, url, fresh.issued.hash, now.at);
  return { url, issued: fresh.issued, referral: decided.value };
}

/** A token for the parent's new link when `current` needs one for `reason` (its hash, contact key and expiry to store). */
function newToken(deps: BotDeps, current: Referral, reason: IssueReason): { token: string; issued: IssuedLink } | undefined {
  const parent = current.handover?.request?.parent;
  if (!parent) return undefined;
  const now = nowOf(deps);
  const contactKey = deps.parentLinks.keys.contactKey(parent);
  if (!needsNewLink(current, reason, contactKey, now)) return undefined;
  const expiresAt = linkExpiry(current, now, deps.config.timeZone);
  const { token, hash } = deps.parentLinks.keys.issue(current.referralId, new Date(expiresAt));
  return { token, issued: { hash, contactKey, expiresAt } };
}

/**
 * Issues a link when this step needs one (see `needsNewLink`): the hash is committed, the link is
 * kept in memory for the SMW'er's card (`ParentLinks.recentUrl`) and, with `mail`, mailed to the
 * parent in a mail of its own. Returns the URL and the referral as stored with it, or undefined
 * when no link was issued.
 */
export async function offerParentLink(
  deps: BotDeps,
  referralId: string,
  actor: Actor,
  reason: IssueReason,
  opts: { mail: boolean; refreshCards?: { except?: string } } = { mail: false },
): Promise<{ url: string; referral: Referral } | undefined> {
  const current = (await deps.referrals.get(referralId))?.doc;
  const fresh = current && newToken(deps, current, reason);
  if (!fresh) return undefined;
  // With `mail`, the mail is an effect committed with the link; it runs after the answer and finds the link remembered here.
  const outcome = await decideAndSave(deps, referralId, actor, (cur, now) => {
    if (!cur) return notFound();
    const d = issueParentLink(cur, { ...fresh.issued, reason, mail: opts.mail }, now);
    return opts.refreshCards ? withHandoverCardsRefresh(d, opts.refreshCards.except) : d;
  });
  if (!outcome.decision.ok) return undefined;
  const url = deps.parentLinks.url(fresh.token);
  deps.parentLinks.remember(referralId, url, fresh.issued.hash, nowOf(deps).at);
  return { url, referral: outcome.decision.value };
}

/** The casusregisseur's card about a parent's answer: agreed, or the question with a reply button. */
export function parentAnswerCard(lang: Lang, r: Referral, answer: ParentAnswer): AdaptiveCardJson {
  const tr = translator(lang);
  const question = answer.kind === 'question';
  return renderFormCard({
    title: tr('parentLink.answer.title', { number: r.number }),
    subtitle: tr(question ? 'parentLink.answer.asked' : 'parentLink.answer.agreed', { version: answer.agreementsVersion }),
    facts: question ? [{ title: tr('parentLink.answer.question'), value: answer.text ?? '' }] : [],
    footer: question ? tr('parentLink.answer.footer') : '',
    actions: question ? [{ verb: VERBS.parentReplyForm, title: tr('parentLink.answer.reply'), style: 'positive', data: { referralId: r.referralId, answerId: answer.id }, validate: false }] : [],
  });
}

export function parentReplyCard(lang: Lang, r: Referral, answer: ParentAnswer, extra: { value?: string; error?: string; notice?: string } = {}): AdaptiveCardJson {
  const tr = translator(lang);
  return renderFormCard({
    title: tr('parentLink.reply.title', { number: r.number }),
    subtitle: answer.text ?? '',
    ...(extra.notice ? { notice: { text: extra.notice, color: 'Good', style: 'good' } } : {}),
    fields: [{ kind: 'multiline', id: 'reply', label: tr('parentLink.reply.field'), value: extra.value ?? answer.reply?.text ?? '', maxLength: 500, required: true, requiredMessage: tr('v.parentLink.replyRequired'), error: extra.error ?? '' }],
    footer: tr('parentLink.answer.footer'),
    actions: [{ verb: VERBS.parentReply, title: tr('parentLink.reply.send'), style: 'positive', data: { referralId: r.referralId, answerId: answer.id } }],
  });
}

/** The clicker gets their card with the news (the other professional's card is refreshed as an effect of the change). */
async function answerWithCard(ctx: TurnContext, deps: BotDeps, referralId: string, actor: Actor, text: string): Promise<string> {
  const current = (await deps.referrals.get(referralId))?.doc;
  if (!current) {
    await respondWithMessage(ctx, text);
    return '';
  }
  await respondWithCard(ctx, handoverCard(viewOf(deps, langOfTurn(ctx)), current, viewerOf(current, actor.aadObjectId), { kind: 'good', text }));
  return '';
}

export function registerParentLink(app: Application, deps: BotDeps): void {
  app.adaptiveCards.actionExecute(VERBS.parentLinkEnable, async (ctx, _s, data: Record<string, unknown>) => {
    const parsed = await parseAction(ctx, deps, VERBS.parentLinkEnable, Ids, data);
    if (!parsed) return '';
    const tr = translator(langOfTurn(ctx));
    const clicked = ctx.activity.replyToId ?? undefined;
    const outcome = await decideAndSave(deps, parsed.action.referralId, parsed.actor, (cur, now) => (cur ? withHandoverCardsRefresh(enableParentLink(cur, parsed.actor, now), clicked) : notFound()));
    if (!outcome.decision.ok) {
      await auditRefusal(deps, outcome, parsed.actor, VERBS.parentLinkEnable);
      await respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
      return '';
    }
    // A repeated click (already enabled) gives no new link: the one handed out keeps working.
    if (outcome.decision.unchanged) return answerWithCard(ctx, deps, parsed.action.referralId, parsed.actor, tr(linkBlocked(outcome.decision.value) === 'legalGround' ? 'parentLink.notIssued.legalGround' : 'parentLink.alreadyEnabled'));
    const url = await offerParentLink(deps, parsed.action.referralId, parsed.actor, 'enabled', { mail: true, refreshCards: { ...(clicked ? { except: clicked } : {}) } });
    return answerWithCard(ctx, deps, parsed.action.referralId, parsed.actor, tr(url ? 'parentLink.enabled' : `parentLink.notIssued.${linkBlocked(outcome.decision.value) ?? 'state'}`));
  });

  app.adaptiveCards.actionExecute(VERBS.parentLinkRenew, async (ctx, _s, data: Record<string, unknown>) => {
    const parsed = await parseAction(ctx, deps, VERBS.parentLinkRenew, Ids, data);
    if (!parsed) return '';
    const tr = translator(langOfTurn(ctx));
    const stored = await deps.referrals.get(parsed.action.referralId);
    const blocked = stored ? linkBlocked(stored.doc) : 'state';
    if (!stored || blocked) {
      await respondWithMessage(ctx, tr(`parentLink.notIssued.${blocked ?? 'state'}`));
      return '';
    }
    const clicked = ctx.activity.replyToId ?? undefined;
    const url = await offerParentLink(deps, stored.doc.referralId, parsed.actor, 'renewed', { mail: true, refreshCards: { ...(clicked ? { except: clicked } : {}) } });
    return answerWithCard(ctx, deps, stored.doc.referralId, parsed.actor, tr(url ? 'parentLink.renewed' : 'parentLink.notIssued.state'));
  });

  app.adaptiveCards.actionExecute(VERBS.parentReplyForm, async (ctx, _s, data: Record<string, unknown>) => {
    const parsed = await parseAction(ctx, deps, VERBS.parentReplyForm, Reply, data);
    if (!parsed) return '';
    const lang = langOfTurn(ctx);
    const stored = await deps.referrals.get(parsed.action.referralId);
    const answer = stored?.doc.parentPage?.answers.find((a) => a.id === parsed.action.answerId && a.kind === 'question');
    if (!stored || !answer) {
      await respondWithMessage(ctx, translator(lang)('refusal.invalidState'));
      return '';
    }
    await deps.referrals.record(stored.doc.referralId, parsed.actor.aadObjectId, [{ type: 'audit', action: 'referral.viewed', detail: { view: 'parentAnswer' } }], nowOf(deps).at);
    await respondWithCard(ctx, parentReplyCard(lang, stored.doc, answer));
    return '';
  });

  app.adaptiveCards.actionExecute(VERBS.parentReply, async (ctx, _s, data: Record<string, unknown>) => {
    const parsed = await parseAction(ctx, deps, VERBS.parentReply, Reply, data);
    if (!parsed) return '';
    const lang = langOfTurn(ctx);
    const tr = translator(lang);
    const stored = await deps.referrals.get(parsed.action.referralId);
    const answer = stored?.doc.parentPage?.answers.find((a) => a.id === parsed.action.answerId && a.kind === 'question');
    if (!stored || !answer) {
      await respondWithMessage(ctx, tr('refusal.invalidState'));
      return '';
    }
    const typed = typeof data.reply === 'string' ? data.reply : '';
    const text = ReplyText.safeParse(typed);
    if (!text.success) {
      await respondWithCard(ctx, parentReplyCard(lang, stored.doc, answer, { value: typed, error: tr(text.error.issues[0]?.message ?? 'v.required') }));
      return '';
    }
    const outcome = await decideAndSave(deps, stored.doc.referralId, parsed.actor, (cur, now) => (cur ? replyToParent(cur, parsed.actor, { answerId: answer.id, text: text.data }, now) : notFound()));
    if (!outcome.decision.ok) {
      await auditRefusal(deps, outcome, parsed.actor, VERBS.parentReply);
      await respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
      return '';
    }
    const saved = outcome.decision.value.parentPage?.answers.find((a) => a.id === answer.id) ?? answer;
    await respondWithCard(ctx, parentReplyCard(lang, outcome.decision.value, saved, { notice: tr('parentLink.reply.done') }));
    return '';
  });
}
