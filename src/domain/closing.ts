import { isProfessionalOf } from './access.js';
import { refuse, type Decision } from './decision.js';
import type { Now } from './draft.js';
import type { Referral, ReferralState } from './referral.js';
import type { Actor } from './types.js';

/** States from which the work with the family can be closed. */
const CLOSABLE: ReferralState[] = ['accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined'];

/**
 * Closes a referral (the nazorg is over, or the SMW'er stops after a decline). Only its SMW'er or
 * casusregisseur may. The document gets a Cosmos TTL: Schakel is a coordination tool and keeps a
 * closed referral only for the configured retention period (the wijkteam keeps its own dossier).
 */
export function closeReferral(referral: Referral, actor: Actor, now: Now, retentionDays: number): Decision<Referral> {
  if (!isProfessionalOf(referral, actor)) return refuse('notAllowed');
  if (referral.state === 'closed') return { ok: true, value: referral, events: [], unchanged: true };
  if (!CLOSABLE.includes(referral.state)) return refuse('invalidState');
  const at = now.at.toISOString();
  return {
    ok: true,
    value: { ...referral, state: 'closed', closedAt: at, ttl: retentionDays * 24 * 60 * 60, version: referral.version + 1, updatedAt: at },
    events: [
      { type: 'audit', action: 'referral.closed', detail: { retentionDays } },
      { type: 'timeline', entry: 'closed' },
    ],
    // Its reminders stop; its audit and timeline entries get the same time to live (after these are written).
    effects: [{ kind: 'cancelReminders', trigger: 'referralClosed' }, { kind: 'expireEntries' }],
  };
}
