import { confirmedAgreements } from './agreementHistory.js';
import type { Accepted, Decision } from './decision.js';
import type { Now } from './draft.js';
import { isOpen, type Effect, type EffectRequest } from './effects.js';
import { confirmHandoverAgreements, recordDeliveries, recordHandoverCards, withClickedCard, type AgreementsInput, type HandoverCardRef, type HandoverDelivery } from './handoverFlow.js';
import type { Referral } from './referral.js';
import { agreementRecipients } from './referralParties.js';
import type { Actor } from './types.js';

/**
 * Confirming the agreements and everything it sets off, as data: the reminders for the agreed
 * dates, the agreements to each person who receives them (the domain's rule: consent, the
 * pupil's age), then both professionals' cards. Each delivery is its own effect, so a crash
 * repeats at most the one in flight, and each records how it went (`HandoverDelivery`).
 */
export function confirmAndDistribute(r: Referral, a: Actor, input: AgreementsInput, now: Now, clicked?: string): Decision<Referral> {
  const d = confirmHandoverAgreements(r, a, input, now);
  if (!d.ok || d.unchanged) return d;
  const record = confirmedAgreements(d.value.handover?.agreements ?? []);
  if (!record) return d;
  const version = record.version;
  const others = agreementRecipients(d.value, now.today).filter((x) => x.role !== 'smw');
  // The clicked card is the casusregisseur's: the refresh at the end updates it with who got what.
  const handover = withClickedCard(d.value, a, clicked);
  const effects: EffectRequest[] = [
    { kind: 'planReminders', trigger: 'agreementsConfirmed' },
    ...others.map((x) => ({ kind: 'deliverAgreements' as const, version, recipient: x.role as HandoverDelivery['recipient'] })),
    // The SMW'er's card last: it shows how the others were reached.
    { kind: 'deliverAgreements', version, recipient: 'smw' },
    { kind: 'refreshHandoverCards' },
  ];
  return { ...d, value: { ...d.value, handover }, effects };
}

/** Deliveries of a version still on their way (the cards say "wordt verstuurd"). */
export function pendingDeliveries(r: Referral, version: number): HandoverDelivery['recipient'][] {
  return (r.outbox?.effects ?? [])
    .filter((e): e is Extract<Effect, { kind: 'deliverAgreements' }> => e.kind === 'deliverAgreements' && e.version === version && isOpen(e))
    .map((e) => e.recipient);
}

/**
 * A delivery's answer (the runner's command): how it went goes on the referral and the timeline;
 * the SMW'er's new card becomes their handover card. The cards are refreshed unless a refresh
 * already waits.
 */
export function agreementsDelivered(r: Referral, delivery: HandoverDelivery | undefined, card: HandoverCardRef | undefined, now: Now): Accepted<Referral> {
  const recorded = delivery ? recordDeliveries(r, [delivery], now) : undefined;
  let value = recorded?.ok ? recorded.value : r;
  const events = recorded?.ok ? recorded.events : [];
  if (card) {
    const withCard = recordHandoverCards(value, [card], {}, now);
    if (withCard.ok) value = withCard.value;
  }
  const waiting = (r.outbox?.effects ?? []).some((e) => e.kind === 'refreshHandoverCards' && isOpen(e));
  return { ok: true, value, events, ...(waiting || value === r ? {} : { effects: [{ kind: 'refreshHandoverCards' as const }] }) };
}
