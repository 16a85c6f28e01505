import type { Accepted } from './decision.js';
import type { DeliveryState, Effect } from './effects.js';
import type { Now } from './draft.js';
import { recordIntakePost } from './intake.js';
import type { IntakePost, Referral } from './referral.js';

/** What a card may say about the intake card in the wijkteam's channel: the effect's real state. */
export type IntakeDelivery = 'pending' | 'retrying' | 'delivered' | 'failed' | 'notLinked';

/** The delivery state of the referral's latest intake post. */
export function intakeDelivery(referral: Referral): IntakeDelivery {
  if (referral.intakePost) return 'delivered';
  const post = [...(referral.outbox?.effects ?? [])].reverse().find((e) => e.kind === 'postIntakeCard');
  switch (post?.state.status) {
    case 'retrying':
      return 'retrying';
    case 'failed':
      return 'failed';
    case 'done':
      return post.state.note === 'notLinked' ? 'notLinked' : 'delivered';
    default:
      return 'pending';
  }
}

/**
 * The referral's answer to the intake post's new state: record where the card went and decide
 * who is told (the SMW'er through their case card, and the coordinators when it failed for good).
 */
export function intakePostSettled(referral: Referral, effect: Effect, state: DeliveryState, intakePost: IntakePost | undefined, now: Now): Accepted<Referral> {
  if (effect.kind !== 'postIntakeCard') return { ok: true, value: referral, events: [] };
  // The SMW'er's card is their live case card, refreshed when this settles (effectResults.ts). A
  // referral sent before the case cards adopts the card it was sent from as its case card.
  const adopted: Referral = referral.caseCards?.length
    ? referral
    : { ...referral, caseCards: [{ aadObjectId: referral.smw.aadObjectId, ...(effect.smwCardActivityId ? { activityId: effect.smwCardActivityId } : {}) }] };
  const current = referral.state === 'submitted' && referral.routing?.wijkteamId === effect.wijkteamId;
  switch (state.status) {
    case 'done': {
      if (!intakePost || !current) return { ok: true, value: adopted, events: [] };
      return {
        ok: true,
        value: { ...recordIntakePost(adopted, intakePost), updatedAt: now.at.toISOString() },
        events: [{ type: 'timeline', entry: 'intakePosted', detail: { wijkteam: effect.wijkteamId } }],
      };
    }
    case 'failed':
      return {
        ok: true,
        value: adopted,
        events: [{ type: 'timeline', entry: 'intakePostFailed', detail: { wijkteam: effect.wijkteamId } }],
        effects: [{ kind: 'escalate', to: 'coordinator', messageKey: 'effects.intakeFailed.coordinator', params: { number: referral.number, wijkteam: effect.wijkteamId } }],
      };
    default:
      // Retrying: the case card says so at the first failure (settleNeedsRefresh), and again when it is delivered.
      return { ok: true, value: adopted, events: [] };
  }
}

/**
 * A coordinator linked the wijkteam's channel: a submitted referral of that wijkteam that has no
 * intake post yet gets one (the same effect as at the submit, which found no channel then).
 * Anything else — posted, moved on, another wijkteam, a post already on its way — changes nothing.
 */
export function postWhenLinked(referral: Referral, wijkteamId: string): Accepted<Referral> {
  const waiting = (referral.outbox?.effects ?? []).some((e) => e.kind === 'postIntakeCard' && (e.state.status === 'pending' || e.state.status === 'retrying'));
  if (referral.state !== 'submitted' || referral.routing?.wijkteamId !== wijkteamId || referral.intakePost || waiting) return { ok: true, value: referral, events: [], unchanged: true };
  return { ok: true, value: referral, events: [], effects: [{ kind: 'postIntakeCard', wijkteamId }] };
}
