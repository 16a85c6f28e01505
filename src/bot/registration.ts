import { agreedDateIncrement, agreedEscalationIncrement } from '../domain/registration.js';
import type { BotDeps } from './deps.js';

/** Counts an agreed date marked done from its reminder (on time or late); never fails the click. */
export async function countAgreedDateDone(deps: BotDeps, referralId: string, subject: { agreementId?: string; date?: string }, at: Date): Promise<void> {
  if (!subject.agreementId || !subject.date) return;
  try {
    const referral = await deps.referrals.get(referralId);
    if (referral) await deps.registration.apply(agreedDateIncrement(referral.doc, subject.agreementId, subject.date.slice(0, 10), at, deps));
  } catch (err) {
    deps.log.error({ referralId, err: { message: (err as Error).message } }, 'registration count failed');
  }
}

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
