import { agreedEscalationIncrement } from '../domain/registration.js';
import type { BotDeps } from './deps.js';

/** An agreed date's first escalation went out: counted once per agreement for the registration. */
export async function countAgreedDateEscalated(deps: BotDeps, referralId: string, subject: { agreementId?: string }, at: Date): Promise<void> {
  if (!subject.agreementId) return;
  try {
    const referral = await deps.referrals.get(referralId);
    if (referral) await deps.registration.apply(agreedEscalationIncrement(referral.doc, subject.agreementId, at, deps));
  } catch (err) {
    deps.log.error({ referralId, err: { message: (err as Error).message } }, 'registration count failed');
  }
}
