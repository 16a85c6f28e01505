import { isSmwOf } from './access.js';
import { refuse, type Decision } from './decision.js';
import type { Now } from './draft.js';
import type { Referral } from './referral.js';
import { consentGate, consentRecords, requiredConsenters, type ConsentScope, type Consenter } from './sections/consent.js';
import { parentsOf } from './sections/parents.js';
import { ageOn } from './sections/pupil.js';
import type { Actor } from './types.js';

/** The pupil's age on a day, or undefined before the pupil section is filled in. */
function ageAt(referral: Referral, today: string): number | undefined {
  const dob = referral.sections.pupil?.dateOfBirth;
  return dob ? ageOn(dob, today) : undefined;
}

/**
 * Whether Schakel may (still) share with a recipient. Wijkteam: the consent gate, counting
 * withdrawals (a legal ground keeps it open). School contact (terugkoppeling): every person whose
 * consent the law asks for agreed to it and did not withdraw.
 */
export function sharingAllowed(referral: Referral, scope: ConsentScope, today: string): boolean {
  const age = ageAt(referral, today);
  if (age === undefined) return false;
  const parents = parentsOf(referral.sections.parents);
  const withdrawn = referral.consentWithdrawals ?? [];
  if (scope === 'wijkteam') return consentGate({ age, parents, section: referral.sections.consent, withdrawn }).ok;
  const need = requiredConsenters(age);
  const records = new Map(consentRecords(referral.sections.consent, parents).map((r) => [r.who, r]));
  const gave = (who: Consenter) => records.get(who)?.schoolContact === true && !withdrawn.some((w) => w.who === who && w.scope === 'schoolContact');
  const consenters: Consenter[] = [
    ...(need.parentsWithAuthority ? parents.filter((p) => p.authority === 'ja').map((p) => `parent${p.slot}` as Consenter) : []),
    ...(need.pupil ? (['pupil'] as Consenter[]) : []),
  ];
  return consenters.length > 0 && consenters.every(gave);
}

/** Consents that were given and can still be withdrawn. */
export function withdrawable(referral: Referral): { who: Consenter; scope: ConsentScope }[] {
  const withdrawn = referral.consentWithdrawals ?? [];
  const out: { who: Consenter; scope: ConsentScope }[] = [];
  for (const r of consentRecords(referral.sections.consent, parentsOf(referral.sections.parents))) {
    for (const scope of ['wijkteam', 'schoolContact'] as const) {
      const given = scope === 'wijkteam' ? r.wijkteam : r.schoolContact;
      if (given && !withdrawn.some((w) => w.who === r.who && w.scope === scope)) out.push({ who: r.who, scope });
    }
  }
  return out;
}

/**
 * Records that a parent or the pupil withdrew consent for a recipient (told to the SMW'er, who
 * records it). From then on Schakel stops sharing with that recipient.
 */
export function withdrawConsent(referral: Referral, actor: Actor, cmd: { who: Consenter; scope: ConsentScope }, now: Now): Decision<Referral> {
  if (!isSmwOf(referral, actor)) return refuse('notAllowed');
  if (!withdrawable(referral).some((w) => w.who === cmd.who && w.scope === cmd.scope)) return refuse('invalid', { errors: { withdrawWho: 'v.notWithdrawable' } });
  const at = now.at.toISOString();
  const value: Referral = {
    ...referral,
    consentWithdrawals: [...(referral.consentWithdrawals ?? []), { who: cmd.who, scope: cmd.scope, at, by: actor.aadObjectId }],
    version: referral.version + 1,
    updatedAt: at,
  };
  // The school contact stops receiving at once: their pending reminders are withdrawn.
  const schoolStops = cmd.scope === 'schoolContact' && sharingAllowed(referral, 'schoolContact', now.today) && !sharingAllowed(value, 'schoolContact', now.today);
  return {
    ok: true,
    value,
    events: [
      { type: 'audit', action: 'consent.withdrawn', detail: { who: cmd.who, scope: cmd.scope } },
      { type: 'timeline', entry: 'consentWithdrawn', detail: { scope: cmd.scope } },
    ],
    effects: [
      ...(schoolStops ? [{ kind: 'dropReminderRecipients' as const, role: 'schoolContact' as const }] : []),
      // The wijkteam may no longer work with the data: its casusregisseur is told.
      ...(cmd.scope === 'wijkteam' && referral.caseManager
        ? [{ kind: 'notifyPerson' as const, aadObjectId: referral.caseManager.aadObjectId, messageKey: 'consent.toCaseManager', params: { number: referral.number }, referralId: referral.referralId }]
        : []),
    ],
  };
}
