import type { Accepted } from './decision.js';
import { isOpen, type DeliveryState, type Effect, type EffectRequest } from './effects.js';
import type { Referral, ReferralState } from './referral.js';
import type { CaseCardRef } from './records.js';
export type { CaseCardRef } from './records.js';

/** States in which a referral has a live case card (a draft gets one only back from a decline or amend). */
const LIVE: ReadonlySet<ReferralState> = new Set(['submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined', 'closed', 'withdrawn', 'draft']);

/** The professionals who should have a case card now: its SMW'er and, once taken on, its casusregisseur. */
function holders(r: Referral): string[] {
  const people = [r.smw.aadObjectId];
  if (r.caseManager && r.caseManager.aadObjectId !== r.smw.aadObjectId) people.push(r.caseManager.aadObjectId);
  return people;
}

/**
 * The case cards the referral should have: kept for current holders (with their message), added
 * for a new holder (posted by the next refresh), dropped for someone no longer on the case (a
 * hand-over: their old card is no longer updated with the case's data). A draft that was never
 * sent has none.
 */
export function caseCardsOf(r: Referral): CaseCardRef[] {
  if (!LIVE.has(r.state) || (r.state === 'draft' && !r.caseCards?.length)) return [];
  const known = new Map((r.caseCards ?? []).map((c) => [c.aadObjectId, c]));
  return holders(r).map((aadObjectId) => known.get(aadObjectId) ?? { aadObjectId });
}

const sameCards = (a: CaseCardRef[] | undefined, b: CaseCardRef[]) => JSON.stringify(a ?? []) === JSON.stringify(b);

/** Effects that already bring the channel's intake card up to date. */
const CHANNEL_CARD: ReadonlySet<Effect['kind']> = new Set(['postIntakeCard', 'updateIntakeCard']);

/** Whether the channel's intake card shows something this change altered (its title and state line). */
export function channelCardChanged(before: Referral | undefined, after: Referral): boolean {
  return !before || before.state !== after.state || before.caseManager?.aadObjectId !== after.caseManager?.aadObjectId;
}

/**
 * What a committed change of the referral adds: its case cards kept in step with who is on the
 * case, and one refresh of every case card — coalesced, so a change while a refresh still waits
 * adds none (the waiting one renders the referral as it is when it runs). The refresh updates
 * the channel's intake card too when `channel` says the change shows there and no effect of the
 * decision does so already; a waiting refresh is then told to include it.
 */
export function withCaseCardRefresh(r: Referral, channel = false, own: readonly EffectRequest[] = []): { referral: Referral; effects: EffectRequest[] } {
  const cards = caseCardsOf(r);
  const wantsChannel = channel && Boolean(r.intakePost) && !own.some((e) => CHANNEL_CARD.has(e.kind));
  let referral = sameCards(r.caseCards, cards) ? r : { ...r, caseCards: cards };
  if (cards.length === 0 && !wantsChannel) return { referral, effects: [] };
  const waiting = (referral.outbox?.effects ?? []).find((e) => e.kind === 'refreshCaseCards' && isOpen(e));
  if (waiting) {
    if (wantsChannel && waiting.kind === 'refreshCaseCards' && !waiting.channel && referral.outbox) {
      referral = { ...referral, outbox: { ...referral.outbox, effects: referral.outbox.effects.map((e) => (e.id === waiting.id ? { ...e, channel: true } : e)) } };
    }
    return { referral, effects: [] };
  }
  return { referral, effects: [{ kind: 'refreshCaseCards', ...(wantsChannel ? { channel: true } : {}) }] };
}

/** Effects whose delivery the case card shows: when one settles, the cards are refreshed to say so. */
const SHOWN: ReadonlySet<Effect['kind']> = new Set(['postIntakeCard', 'notifyPerson', 'offerHandoverPlanning', 'mailParent', 'bookMeeting', 'announceMeeting', 'sendInvitation', 'cancelMeeting', 'deliverAgreements']);

/**
 * Whether an effect's new state should reach the case cards: a delivery the card shows that is
 * now done, failed, or failing for the first time; or any effect whose result changed the referral.
 * A refresh never asks for another (no loop).
 */
export function settleNeedsRefresh(effect: Effect, state: DeliveryState, changed: boolean): boolean {
  if (effect.kind === 'refreshCaseCards' || effect.kind === 'updatePersonCard') return false;
  if (changed) return true;
  if (!SHOWN.has(effect.kind)) return false;
  return state.status === 'done' || state.status === 'failed' || (state.status === 'retrying' && state.attempt === 1);
}

/**
 * The refresh's answer: records where newly posted cards went (so later refreshes update them in
 * place) and what each card now shows; when Teams made it stop half-way (`again`), asks for another refresh of the rest.
 */
export function caseCardsPosted(r: Referral, sent: CaseCardRef[] | undefined, again?: { channel: boolean }, intakeShown?: string, renderedVersion?: number): Accepted<Referral> {
  const byPerson = new Map((sent ?? []).map((p) => [p.aadObjectId, p]));
  const merge = (c: CaseCardRef): CaseCardRef => {
    const s = byPerson.get(c.aadObjectId);
    if (!s) return c;
    const activityId = c.activityId ?? s.activityId;
    return { aadObjectId: c.aadObjectId, ...(activityId ? { activityId } : {}), ...(s.shown && (!c.activityId || c.activityId === s.activityId || !s.activityId) ? { shown: s.shown } : {}) };
  };
  const withCards = byPerson.size ? { ...r, caseCards: caseCardsOf(r).map(merge) } : r;
  const value = intakeShown && withCards.intakePost && withCards.intakePost.shown !== intakeShown ? { ...withCards, intakePost: { ...withCards.intakePost, shown: intakeShown } } : withCards;
  // Rendered from an older version (a change was committed while the cards were being updated, and
  // found this refresh still waiting, so it added none): once more, unless one waits already.
  const behind = renderedVersion !== undefined && r.version > renderedVersion && !(r.outbox?.effects ?? []).some((e) => e.kind === 'refreshCaseCards' && isOpen(e));
  const more = again ?? (behind ? { channel: true } : undefined);
  return { ok: true, value, events: [], ...(more ? { effects: [{ kind: 'refreshCaseCards' as const, ...(more.channel ? { channel: true } : {}) }] } : {}) };
}
