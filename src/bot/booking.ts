import { refuse } from '../domain/decision.js';
import { parentActor } from '../domain/parentLink.js';
import { requestBooking, type Chooser } from '../domain/handoverFlow.js';
import { decideAndSave, type Outcome } from './actions.js';
import { nowOf } from './context.js';
import type { BotDeps } from './deps.js';

/**
 * Books (or moves to) a proposed slot, whoever chose it: one domain command that commits the
 * booking as an effect. The calendar (Graph, or the iCalendar invitation), the family's notice,
 * the reminders and both professionals' cards follow from the effect runner; the cards say
 * "Uitnodiging wordt verstuurd…" until then. A parent may pick only what the domain allows.
 */
export async function bookChosenSlot(deps: BotDeps, referralId: string, by: Chooser, slotId: string): Promise<Outcome> {
  const stored = await deps.referrals.get(referralId);
  if (!stored) return { decision: refuse('notFound'), now: nowOf(deps) };
  const actor = by.kind === 'parent' ? parentActor(stored.doc) : by.actor;
  return decideAndSave(deps, referralId, actor, (cur, now) => (cur ? requestBooking(cur, by, slotId, now) : refuse('notFound')));
}
