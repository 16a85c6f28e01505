import { caseCardsPosted, channelCardChanged, settleNeedsRefresh, withCaseCardRefresh, type CaseCardRef } from './caseCards.js';
import type { Accepted } from './decision.js';
import type { DeliveryState, Effect } from './effects.js';
import type { Now } from './draft.js';
import { planningOffered, type HandoverCardRef } from './handoverFlow.js';
import { intakePostSettled } from './intakeDelivery.js';
import type { IntakePost, Referral } from './referral.js';

/** What an effect brought back that matters to the referral. */
export interface EffectResult {
  /** Where the intake card went. */
  intakePost?: IntakePost;
  /** The planning card sent to a professional (its activity id, for later updates in place). */
  handoverCard?: HandoverCardRef;
  /** That professional's e-mail address, when Teams knows it (for Graph calendars). */
  email?: string;
  /** Case cards sent: their activity ids (new when first posted) and what they show now. */
  caseCards?: CaseCardRef[];
  /** Teams asked to wait before the rest of the case cards could be updated: refresh them again. */
  refreshAgain?: { channel: boolean };
}

const nothing = (referral: Referral): Accepted<Referral> => ({ ok: true, value: referral, events: [] });

/**
 * The referral's answer to an effect's new state (a domain command): record what it produced
 * and decide what follows. Called by the runner with the effect's state already in the outbox.
 */
export function effectSettled(referral: Referral, effect: Effect, state: DeliveryState, result: EffectResult, now: Now): Accepted<Referral> {
  const decision = settledFor(referral, effect, state, result, now);
  if (!settleNeedsRefresh(effect, state, decision.value !== referral)) return decision;
  // The case cards show deliveries and state: what this effect changed reaches them (coalesced).
  const refresh = withCaseCardRefresh(decision.value, channelCardChanged(referral, decision.value), decision.effects);
  return { ...decision, value: refresh.referral, effects: [...(decision.effects ?? []), ...refresh.effects] };
}

function settledFor(referral: Referral, effect: Effect, state: DeliveryState, result: EffectResult, now: Now): Accepted<Referral> {
  switch (effect.kind) {
    case 'postIntakeCard':
      return intakePostSettled(referral, effect, state, result.intakePost, now);
    case 'offerHandoverPlanning':
      // A card that could not be sent is not recorded: `overdracht <nummer>` sends it again.
      return state.status === 'done' && result.handoverCard ? planningOffered(referral, result.handoverCard, result.email, now) : nothing(referral);
    case 'refreshCaseCards':
      return caseCardsPosted(referral, result.caseCards, result.refreshAgain);
    default:
      return nothing(referral);
  }
}
