import { DateTime } from 'luxon';
import type { Decision } from './decision.js';
import type { Now } from './draft.js';
import type { Referral, ReferralState } from './referral.js';
export type { RetentionMarks } from './records.js';

/**
 * Retention of what never ends on its own (DESIGN.md §1, retention per record type is
 * configuration): drafts untouched for `draftDays` are deleted, the SMW'er warned `draftWarnDays`
 * before; a referral that never closed is, after `openDays` without activity, put to its SMW'er
 * and casusregisseur to close — once, audited. Closed referrals already expire by Cosmos TTL.
 */
export interface RetentionPolicy {
  draftDays: number;
  draftWarnDays: number;
  openDays: number;
}

/** States in which a referral is still open (not closed, withdrawn or ended by the wijkteam). */
export const OPEN_STATES: readonly ReferralState[] = ['submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined'];

export type RetentionStep = { kind: 'warnDraft'; deleteOn: string } | { kind: 'deleteDraft' } | { kind: 'askClose'; since: string } | { kind: 'none' };

const dayOf = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toISODate() ?? iso.slice(0, 10);
/** "1 maart 2027": messages are Dutch first. */
const longDate = (day: string) => DateTime.fromISO(day).setLocale('nl').toFormat('d LLLL yyyy');
const plusDays = (day: string, days: number) => DateTime.fromISO(day).plus({ days }).toISODate() ?? day;

/**
 * The day a draft is deleted: `draftDays` after its last change, and never sooner than
 * `draftWarnDays` after the warning (a draft found already old is warned first).
 */
export function draftDeleteOn(r: Referral, warnedAt: string, policy: RetentionPolicy, zone: string): string {
  const byAge = plusDays(dayOf(r.updatedAt, zone), policy.draftDays);
  const byWarning = plusDays(dayOf(warnedAt, zone), policy.draftWarnDays);
  return byAge > byWarning ? byAge : byWarning;
}

/**
 * What retention asks of one referral today (`today`: local date). A warning counts only when it
 * came after the draft's last change: touching the draft starts the count again.
 */
export function retentionStep(r: Referral, today: string, policy: RetentionPolicy, zone: string): RetentionStep {
  const last = dayOf(r.updatedAt, zone);
  if (r.state === 'draft') {
    const warnedAt = r.retention?.draftWarnedAt;
    if (warnedAt && warnedAt >= r.updatedAt) return today >= draftDeleteOn(r, warnedAt, policy, zone) ? { kind: 'deleteDraft' } : { kind: 'none' };
    if (today >= plusDays(last, policy.draftDays - policy.draftWarnDays)) {
      return { kind: 'warnDraft', deleteOn: draftDeleteOn(r, DateTime.fromISO(today, { zone }).toISO() ?? today, policy, zone) };
    }
    return { kind: 'none' };
  }
  if (OPEN_STATES.includes(r.state) && !r.retention?.closeAskedAt && today >= plusDays(last, policy.openDays)) return { kind: 'askClose', since: last };
  return { kind: 'none' };
}

/** The oldest last change retention can act on today: the cut-off of the daily query. */
export function retentionCutoff(now: Date, policy: RetentionPolicy): string {
  // A day of slack: the query is coarse (UTC instants), retentionStep decides on local dates.
  const days = Math.min(policy.draftDays - policy.draftWarnDays, policy.openDays) - 1;
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

/**
 * Records that the SMW'er was warned about a draft's deletion, with the 1:1 message as an effect.
 * The draft's `updatedAt` stays as it was: the warning is no activity.
 */
export function warnDraft(r: Referral, now: Now, policy: RetentionPolicy, zone: string): Decision<Referral> {
  const step = retentionStep(r, now.today, policy, zone);
  if (step.kind !== 'warnDraft') return { ok: true, value: r, events: [], unchanged: true };
  const at = now.at.toISOString();
  const deleteOn = draftDeleteOn(r, at, policy, zone);
  return {
    ok: true,
    // Neither `updatedAt` nor `version` moves: no content changed, an open card of the draft stays valid.
    value: { ...r, retention: { ...r.retention, draftWarnedAt: at } },
    events: [{ type: 'audit', action: 'retention.draftWarned', detail: { deleteOn } }],
    effects: [{ kind: 'notifyPerson', aadObjectId: r.smw.aadObjectId, messageKey: 'retention.draftWarning', params: { number: r.number, deleteOn: longDate(deleteOn) }, referralId: r.referralId }],
  };
}

/** Asks the SMW'er and the casusregisseur, once, to close a referral without activity; audited and on the timeline. */
export function askToClose(r: Referral, now: Now, policy: RetentionPolicy, zone: string): Decision<Referral> {
  const step = retentionStep(r, now.today, policy, zone);
  if (step.kind !== 'askClose') return { ok: true, value: r, events: [], unchanged: true };
  const people = [r.smw.aadObjectId, ...(r.caseManager && r.caseManager.aadObjectId !== r.smw.aadObjectId ? [r.caseManager.aadObjectId] : [])];
  return {
    ok: true,
    value: { ...r, retention: { ...r.retention, closeAskedAt: now.at.toISOString() } },
    events: [
      { type: 'audit', action: 'retention.closeAsked', detail: { since: step.since, days: policy.openDays } },
      { type: 'timeline', entry: 'retention.closeAsked', detail: { since: step.since } },
    ],
    effects: people.map((aadObjectId) => ({ kind: 'notifyPerson' as const, aadObjectId, messageKey: 'retention.closeQuestion', params: { number: r.number, since: longDate(step.since) }, referralId: r.referralId })),
  };
}
