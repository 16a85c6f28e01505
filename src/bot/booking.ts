import { refuse } from '../domain/decision.js';
import { requestBooking, type Chooser } from '../domain/handoverFlow.js';
import type { Actor } from '../domain/types.js';
import { decideAndSave, type Outcome } from './actions.js';
import type { BotDeps } from './deps.js';

/**
 * Books (or moves to) a proposed slot, whoever chose it: one domain command that commits the
 * booking as an effect. The calendar (Graph, or the iCalendar invitation), the family's notice,
 * the reminders and both professionals' cards follow from the effect runner; the cards say
 * "Uitnodiging wordt verstuurd…" until then. A parent may pick only what the domain allows.
 * `actor`: who is recorded (the professional, or `parentActor` of the referral for the parent).
 */
export function bookChosenSlot(deps: BotDeps, referralId: string, actor: Actor, by: Chooser, slotId: string): Promise<Outcome> {
  return decideAndSave(deps, referralId, actor, (cur, now) => (cur ? requestBooking(cur, by, slotId, now) : refuse('notFound')));
}
