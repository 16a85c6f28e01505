import { DateTime } from 'luxon';
import { isCaseManagerOf, isProfessionalOf } from './access.js';
import { confirmedAgreements } from './agreementHistory.js';
import { refuse, type Decision, type DomainEvent } from './decision.js';
import type { Now } from './draft.js';
import type { EffectRequest } from './effects.js';
import type { Referral, ReferralState } from './referral.js';
import { AVAILABILITY_CHOICES } from './planRequest.js';
import type { WeeklyPart } from './slots.js';
import { parentsReceive } from './referralParties.js';
import type { Actor } from './types.js';
import type { ParentLinkRecord, ParentAnswer, ParentPageState } from './records.js';
export type { ParentLinkRecord, ParentAnswer, ParentPageState } from './records.js';

/**
 * The parent's personal link and what the parent answered on their page (issue "the parent's own
 * voice"). The token itself is never stored: only its HMAC (see src/parentPage/token.ts and
 * docs/PARENT_LINK.md). Rules here; the bot only hashes, mails and renders.
 */

/** Languages the parent's page speaks (translation files in src/parentPage/i18n). */
export const PARENT_LANGS = ['nl', 'en', 'tr', 'ar', 'pl'] as const;
export type ParentLang = (typeof PARENT_LANGS)[number];

/** The author id of entries written for the parent (who has no Entra account). */
export const PARENT_ACTOR_ID = 'parent-link';
export const parentActor = (r: Referral): Actor => ({ aadObjectId: PARENT_ACTOR_ID, name: 'ouder', tenantId: r.tenantId });

const pageOf = (r: Referral): ParentPageState => r.parentPage ?? { answers: [] };

/** States with a parent to talk to: from take-on until closing. */
const LINK_STATES: ReferralState[] = ['accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare'];
const PLANNING_STATES: ReferralState[] = ['accepted', 'handoverScheduled'];
/** Without agreements a link lives this long; with them, until the nazorg ends. */
export const LINK_DAYS_BEFORE_AGREEMENTS = 60;

/** The referral shares under a legal ground (acute safety, Meldcode) instead of consent. */
export function underLegalGround(r: Referral): boolean {
  const ground = r.sections.consent?.legalGround;
  return typeof ground === 'string' && ground !== 'geen';
}

/** Why a referral has no parent link now, or undefined when it may have one. */
export function linkBlocked(r: Referral): 'legalGround' | 'state' | 'noContact' | 'pupilDecides' | undefined {
  if (!LINK_STATES.includes(r.state)) return 'state';
  if (underLegalGround(r) && !pageOf(r).enabledBy) return 'legalGround';
  // A pupil of 16 or older decides alone: the parents see nothing without the pupil's consent.
  if (!parentsReceive(r)) return 'pupilDecides';
  const parent = r.handover?.request?.parent;
  if (!parent?.email && !parent?.phone) return 'noContact';
  return undefined;
}

/** Until when a link issued now is valid: the end of the nazorg (local end of day), or 60 days. */
export function linkExpiry(r: Referral, now: Now, zone: string): string {
  const until = confirmedAgreements(r.handover?.agreements ?? [])?.agreements.aftercare.until;
  if (until) return DateTime.fromISO(until, { zone }).endOf('day').toUTC().toISO() ?? now.at.toISOString();
  return new Date(now.at.getTime() + LINK_DAYS_BEFORE_AGREEMENTS * 86_400_000).toISOString();
}

/** The current link, when it still opens the page. */
export function activeLink(r: Referral, now: Now): ParentLinkRecord | undefined {
  const link = pageOf(r).link;
  if (!link || link.revokedAt || linkBlocked(r) || now.at.toISOString() >= link.expiresAt) return undefined;
  return link;
}

export type LinkRefusal = 'unknown' | 'revoked' | 'expired' | 'closed';

/** Whether a token (already authenticated by its MAC) with this hash opens the referral's page now. */
export function checkParentLink(r: Referral, hash: string, now: Now): { ok: true } | { ok: false; reason: LinkRefusal } {
  const link = pageOf(r).link;
  if (!link || link.hash !== hash) return { ok: false, reason: link ? 'revoked' : 'unknown' };
  if (link.revokedAt) return { ok: false, reason: 'revoked' };
  if (linkBlocked(r) === 'state' || linkBlocked(r) === 'legalGround') return { ok: false, reason: 'closed' };
  if (now.at.toISOString() >= link.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true };
}

/** Why a new link is issued; `renewed` is a professional's explicit "Nieuwe link". */
export type IssueReason = 'proposals' | 'agreements' | 'renewed' | 'enabled';

/**
 * Whether a step of the warme overdracht needs a new link: at the proposals only when there is no
 * active one for the same contact (a changed contact rotates it); at the agreements always (the
 * agreements mail carries it and it then lives until the end of the nazorg).
 */
export function needsNewLink(r: Referral, reason: IssueReason, contactKey: string, now: Now): boolean {
  if (linkBlocked(r)) return false;
  if (reason !== 'proposals') return true;
  const active = activeLink(r, now);
  return !active || active.contactKey !== contactKey;
}

function changed(r: Referral, page: ParentPageState, now: Now, events: DomainEvent[], effects: EffectRequest[] = []): Decision<Referral> {
  const at = now.at.toISOString();
  return { ok: true, value: { ...r, parentPage: page, version: r.version + 1, updatedAt: at }, events, ...(effects.length ? { effects } : {}) };
}

/**
 * Both professionals' handover cards show the link's state: a decision that changed it asks for
 * them to be refreshed in place (except the clicked card, which the click's answer replaces).
 */
export function withHandoverCardsRefresh(d: Decision<Referral>, except: string | undefined): Decision<Referral> {
  if (!d.ok || d.unchanged) return d;
  return { ...d, effects: [...(d.effects ?? []), { kind: 'refreshHandoverCards', ...(except ? { except } : {}) }] };
}

/** A link given out (its hash, never its token), as the runner brings it back from an effect. */
export interface IssuedLink {
  hash: string;
  contactKey: string;
  expiresAt: string;
}

/** Stores a new link's hash; any earlier link stops opening the page. With `mail`, the parent gets it by e-mail (an effect). */
export function issueParentLink(r: Referral, input: IssuedLink & { reason: IssueReason; mail?: boolean }, now: Now): Decision<Referral> {
  const blocked = linkBlocked(r);
  if (blocked === 'legalGround') return refuse('notAllowed');
  if (blocked === 'noContact') return refuse('incomplete', { missing: [{ key: 'parentLink.missing.contact' }] });
  if (blocked) return refuse('invalidState');
  const page = pageOf(r);
  const rotated = page.link && !page.link.revokedAt;
  const link: ParentLinkRecord = { hash: input.hash, contactKey: input.contactKey, issuedAt: now.at.toISOString(), expiresAt: input.expiresAt };
  return changed(r, { ...page, link }, now, [
    { type: 'audit', action: 'parentLink.issued', detail: { reason: input.reason, replaced: Boolean(rotated) } },
    { type: 'timeline', entry: 'parentLink.issued', detail: { reason: input.reason } },
  ], input.mail && r.handover?.request?.parent.email ? [{ kind: 'mailParentLink', hash: input.hash }] : []);
}

/** A professional withdraws the current link (e.g. it reached the wrong person). */
export function revokeParentLink(r: Referral, a: Actor, now: Now): Decision<Referral> {
  if (!isProfessionalOf(r, a)) return refuse('notAllowed');
  const page = pageOf(r);
  if (!page.link || page.link.revokedAt) return { ok: true, value: r, events: [], unchanged: true };
  return changed(r, { ...page, link: { ...page.link, revokedAt: now.at.toISOString() } }, now, [
    { type: 'audit', action: 'parentLink.revoked' },
    { type: 'timeline', entry: 'parentLink.revoked' },
  ]);
}

/** The casusregisseur allows a parent link for a referral under a legal ground without consent. */
export function enableParentLink(r: Referral, a: Actor, now: Now): Decision<Referral> {
  if (!isCaseManagerOf(r, a)) return refuse('notAllowed');
  if (!LINK_STATES.includes(r.state)) return refuse('invalidState');
  const page = pageOf(r);
  if (!underLegalGround(r) || page.enabledBy) return { ok: true, value: r, events: [], unchanged: true };
  return changed(r, { ...page, enabledBy: { aadObjectId: a.aadObjectId, at: now.at.toISOString() } }, now, [
    { type: 'audit', action: 'parentLink.enabled' },
    { type: 'timeline', entry: 'parentLink.enabled' },
  ]);
}

/** The page's availability form: the planning card's day × part-of-day choices. */
export const PARENT_AVAILABILITY_CHOICES = AVAILABILITY_CHOICES;

/** The parent says when they can: stored and shown to both professionals; only while planning. */
export function setParentAvailability(r: Referral, weekly: WeeklyPart[], now: Now): Decision<Referral> {
  if (!PLANNING_STATES.includes(r.state) || r.handover?.meeting) return refuse('invalidState');
  if (weekly.length === 0) return refuse('invalid', { errors: { availability: 'v.handover.availabilityRequired' } });
  const page = pageOf(r);
  return changed(r, { ...page, availability: { weekly, at: now.at.toISOString() } }, now, [
    { type: 'audit', action: 'parentPage.availability', detail: { parts: weekly.length } },
    { type: 'timeline', entry: 'parentPage.availability' },
  ], [{ kind: 'refreshHandoverCards' }]);
}

/** What the parent may answer to the confirmed agreements: agree, or ask (at most 500 characters). */
export type ParentAnswerInput = { kind: 'agree' } | { kind: 'question'; text: string };

/**
 * The parent answers the confirmed agreements. The casusregisseur gets a card (with a reply
 * button for a question); both professionals' cards show it. Agreeing twice to the same version
 * changes nothing.
 */
export function answerAgreements(r: Referral, input: ParentAnswerInput, now: Now): Decision<Referral> {
  const record = confirmedAgreements(r.handover?.agreements ?? []);
  if (!record || (r.state !== 'agreementsConfirmed' && r.state !== 'aftercare')) return refuse('invalidState');
  const page = pageOf(r);
  if (input.kind === 'agree' && page.answers.some((x) => x.kind === 'agree' && x.agreementsVersion === record.version)) return { ok: true, value: r, events: [], unchanged: true };
  const answer: ParentAnswer = { id: `a${page.answers.length + 1}`, kind: input.kind, agreementsVersion: record.version, ...(input.kind === 'question' ? { text: input.text } : {}), at: now.at.toISOString() };
  return changed(r, { ...page, answers: [...page.answers, answer] }, now, [
    { type: 'audit', action: 'parentPage.answered', detail: { kind: input.kind, version: record.version } },
    { type: 'timeline', entry: input.kind === 'agree' ? 'parentPage.agreed' : 'parentPage.asked', detail: { version: record.version } },
  ], [{ kind: 'parentAnswerToCaseManager', answerId: answer.id }, { kind: 'refreshHandoverCards' }]);
}

/** The casusregisseur answers the parent's question; the reply shows on the parent's page. */
export function replyToParent(r: Referral, a: Actor, input: { answerId: string; text: string }, now: Now): Decision<Referral> {
  if (!isCaseManagerOf(r, a)) return refuse('notAllowed');
  const page = pageOf(r);
  const question = page.answers.find((x) => x.id === input.answerId && x.kind === 'question');
  if (!question) return refuse('invalidState');
  if (question.reply?.text === input.text) return { ok: true, value: r, events: [], unchanged: true };
  const answers = page.answers.map((x) => (x === question ? { ...x, reply: { text: input.text, by: a.name, at: now.at.toISOString() } } : x));
  return changed(r, { ...page, answers }, now, [
    { type: 'audit', action: 'parentPage.replied', detail: { answerId: input.answerId } },
    { type: 'timeline', entry: 'parentPage.replied' },
  ], [{ kind: 'refreshHandoverCards' }]);
}
