import type { Application } from '@microsoft/teams-ai';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { renderFormCard } from '../../../cards/form/index.js';
import type { AdaptiveCardJson } from '../../../cards/render.js';
import { VERBS } from '../../../cards/verbs.js';
import { refuse, type Decision } from '../../domain/decision.js';
import { enableParentLink, issueParentLink, linkBlocked, linkExpiry, needsNewLink, replyToParent, type IssueReason, type ParentAnswer } from '../../domain/parentLink.js';
import type { Referral } from '../../domain/referral.js';
import type { Actor } from '../../domain/types.js';
import { translator, type Lang } from '../../i18n/index.js';
import { auditRefusal, decideAndSave, parseAction } from '../actions.js';
import { langOfTurn, nowOf, respondWithCard, respondWithMessage } from '../context.js';
import type { BotDeps } from '../deps.js';
import { cardActivity } from '../handoverEffects.js';
import { parentLinkMail } from '../views/parentMail.js';

/**
 * Giving out the parent's personal link. The token exists only here, for the moment it is handed
 * out: its hash is committed first (so the link works before anyone has it), then the link goes
 * into the parent's mail and into the SMW'er's chat ("Link voor ouders", with a text to read out
 * or send as a text message). It is never stored, so it is never part of an effect either.
 */

const Ids = z.object({ referralId: z.string().uuid() });
const Reply = Ids.extend({ answerId: z.string().regex(/^a\d{1,4}$/) });
const ReplyText = z.string().trim().min(1, 'v.parentLink.replyRequired').max(500, 'v.tooLong');

const notFound = (): Decision<Referral> => refuse('notFound');

/**
 * Issues a link when this step needs one (see `needsNewLink`) and hands it out. Returns the URL,
 * or undefined when no link was issued (none needed, a legal ground, no contact).
 */
export async function offerParentLink(deps: BotDeps, referralId: string, actor: Actor, reason: IssueReason): Promise<string | undefined> {
  const stored = await deps.referrals.get(referralId);
  const parent = stored?.doc.handover?.request?.parent;
  if (!stored || !parent) return undefined;
  const keys = deps.parentLinks.keys;
  const contactKey = keys.contactKey(parent);
  if (!needsNewLink(stored.doc, reason, contactKey, nowOf(deps))) return undefined;
  const expiresAt = linkExpiry(stored.doc, nowOf(deps), deps.config.timeZone);
  const { token, hash } = keys.issue(referralId, new Date(expiresAt));
  const outcome = await decideAndSave(deps, referralId, actor, (cur, now) => (cur ? issueParentLink(cur, { hash, contactKey, expiresAt, reason }, now) : notFound()));
  if (!outcome.decision.ok) return undefined;
  const url = deps.parentLinks.url(token);
  await handOut(deps, outcome.decision.value, url, reason, hash);
  return url;
}

/** The mail to the parent (when there is an address) and the SMW'er's "Link voor ouders" card. */
async function handOut(deps: BotDeps, r: Referral, url: string, reason: IssueReason, hash: string): Promise<void> {
  const parent = r.handover?.request?.parent;
  const at = nowOf(deps).at;
  let status: 'sent' | 'outbox' | 'failed' | undefined;
  if (parent?.email) {
    const mail = parentLinkMail(r, url, reason);
    try {
      status = await deps.mail.send(parent.email, mail.subject, mail.html, { referralId: r.referralId, idempotencyKey: `parent-link-${r.referralId}-${hash.slice(0, 16)}` });
    } catch (err) {
      deps.log.warn({ referralId: r.referralId, err: { message: (err as Error).message } }, 'parent link mail failed');
      status = 'failed';
    }
    const entry = status === 'sent' ? 'parentLink.mailed' : status === 'outbox' ? 'parentLink.outbox' : 'parentLink.mailFailed';
    await deps.referrals.record(r.referralId, r.smw.aadObjectId, [{ type: 'timeline', entry }], at);
  }
  const lang = (await deps.languageOf(r.smw.aadObjectId)) ?? 'nl';
  const sent = await deps.messenger.sendToUser(r.smw.aadObjectId, cardActivity(linkCard(lang, deps.config.timeZone, r, url, status)));
  if (sent.status !== 'sent') deps.log.warn({ referralId: r.referralId, status: sent.status }, 'parent link card did not reach the SMW\'er');
}

/** "Link voor ouders": the link, until when, how the parent got it, and a text to read out or text. */
export function linkCard(lang: Lang, zone: string, r: Referral, url: string, mail: 'sent' | 'outbox' | 'failed' | undefined): AdaptiveCardJson {
  const tr = translator(lang);
  const name = r.handover?.request?.parent.name ?? '';
  const until = r.parentPage?.link?.expiresAt;
  return renderFormCard({
    title: tr('parentLink.card.title', { number: r.number }),
    subtitle: tr('parentLink.card.subtitle', { name }),
    notice: { text: mail ? tr('parentLink.card.mailed', { status: tr(`parentLink.card.mail.${mail}`) }) : tr('parentLink.card.noMail'), color: mail === 'sent' ? 'Good' : 'Attention', style: mail === 'sent' ? 'good' : 'attention' },
    facts: [
      { title: tr('parentLink.card.link'), value: url },
      ...(until ? [{ title: tr('parentLink.card.validUntil'), value: DateTime.fromISO(until, { zone }).setLocale(lang).toFormat('d LLLL yyyy') }] : []),
    ],
    fields: [
      { kind: 'heading', label: tr('parentLink.card.copyHeading') },
      { kind: 'info', label: tr('parentLink.card.copyText', { name, url }) },
    ],
    actions: [{ verb: VERBS.parentLinkRenew, title: tr('parentLink.card.renew'), data: { referralId: r.referralId }, validate: false }],
    links: [{ title: tr('parentLink.card.open'), url }],
  });
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

function replyCard(lang: Lang, r: Referral, answer: ParentAnswer, extra: { value?: string; error?: string; notice?: string } = {}): AdaptiveCardJson {
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

export function registerParentLink(app: Application, deps: BotDeps): void {
  app.adaptiveCards.actionExecute(VERBS.parentLinkEnable, async (ctx, _s, data: Record<string, unknown>) => {
    const parsed = await parseAction(ctx, deps, VERBS.parentLinkEnable, Ids, data);
    if (!parsed) return '';
    const tr = translator(langOfTurn(ctx));
    const outcome = await decideAndSave(deps, parsed.action.referralId, parsed.actor, (cur, now) => (cur ? enableParentLink(cur, parsed.actor, now) : notFound()));
    if (!outcome.decision.ok) {
      await auditRefusal(deps, outcome, parsed.actor, VERBS.parentLinkEnable);
      await respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
      return '';
    }
    const url = await offerParentLink(deps, parsed.action.referralId, parsed.actor, 'enabled');
    const blocked = linkBlocked(outcome.decision.value);
    await respondWithMessage(ctx, url ? tr('parentLink.enabled') : tr(`parentLink.notIssued.${blocked ?? 'state'}`));
    return '';
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
    const url = await offerParentLink(deps, stored.doc.referralId, parsed.actor, 'renewed');
    await respondWithMessage(ctx, url ? tr('parentLink.renewed') : tr('parentLink.notIssued.state'));
    return '';
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
    await respondWithCard(ctx, replyCard(lang, stored.doc, answer));
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
      await respondWithCard(ctx, replyCard(lang, stored.doc, answer, { value: typed, error: tr(text.error.issues[0]?.message ?? 'v.required') }));
      return '';
    }
    const outcome = await decideAndSave(deps, stored.doc.referralId, parsed.actor, (cur, now) => (cur ? replyToParent(cur, parsed.actor, { answerId: answer.id, text: text.data }, now) : notFound()));
    if (!outcome.decision.ok) {
      await auditRefusal(deps, outcome, parsed.actor, VERBS.parentReply);
      await respondWithMessage(ctx, tr(`refusal.${outcome.decision.code}`));
      return '';
    }
    const saved = outcome.decision.value.parentPage?.answers.find((a) => a.id === answer.id) ?? answer;
    await respondWithCard(ctx, replyCard(lang, outcome.decision.value, saved, { notice: tr('parentLink.reply.done') }));
    return '';
  });
}
