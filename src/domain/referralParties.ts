import { confirmedAgreements, latestAgreements } from './agreementHistory.js';
import { sharingAllowed } from './consent.js';
import type { Referral } from './referral.js';
import type { ReferralEvent } from './serviceNorms.js';
import { pupilAgreesParentsInformed } from './sections/consent.js';
import { parentsOf } from './sections/parents.js';
import { ageOn, PUPIL_CONTACT_MIN_AGE } from './sections/pupil.js';
import type { AgreedDate, Party, PartyRole } from './types.js';

/** Conversation-directory key of a wijkteam's linked channel (`koppel wijkteam <naam>`). */
export const wijkteamChannelKey = (wijkteamId: string): string => `wijkteam:${wijkteamId}`;

/** From this age the pupil decides alone: receives what the parents would, the parents only with the pupil's consent. */
export const PUPIL_ALONE_AGE = 16;

/** The school contact (IB-er/zorgcoördinator) named in the aanmelding: a Teams colleague, or name + e-mail. */
export interface SchoolContact {
  aadObjectId?: string;
  name?: string;
  email?: string;
}

export function schoolContactOf(r: Referral): SchoolContact | undefined {
  const p = r.sections.pupil;
  if (!p?.schoolContactId && !p?.schoolContactEmail) return undefined;
  return {
    ...(p.schoolContactId ? { aadObjectId: p.schoolContactId } : {}),
    ...(p.schoolContactName ? { name: p.schoolContactName } : {}),
    ...(p.schoolContactEmail ? { email: p.schoolContactEmail } : {}),
  };
}

/**
 * The day the age rules are applied on when the caller does not say: the day the agreements were
 * confirmed, else the referral's last change (UTC date; a pure function reads no clock).
 */
function dayOf(r: Referral): string {
  const confirmed = confirmedAgreements(r.handover?.agreements ?? [])?.confirmedAt;
  return (confirmed ?? r.updatedAt).slice(0, 10);
}

/** The pupil's age on a day; undefined before the pupil section is filled in. */
export function pupilAge(r: Referral, today: string = dayOf(r)): number | undefined {
  const dob = r.sections.pupil?.dateOfBirth;
  return dob ? ageOn(dob, today) : undefined;
}

/** Whether the parents are a party: under 16 always; from 16 only when the pupil agreed to it. */
export function parentsReceive(r: Referral, today: string = dayOf(r)): boolean {
  const age = pupilAge(r, today);
  return age === undefined || age < PUPIL_ALONE_AGE || pupilAgreesParentsInformed(r.sections.consent);
}

/** The agreements mark the pupil as involved: present at the warme overdracht or at the evaluation. */
export function pupilInvolved(r: Referral): boolean {
  const history = r.handover?.agreements ?? [];
  const a = (confirmedAgreements(history) ?? latestAgreements(history))?.agreements;
  return Boolean(a && (a.present.includes('pupil') || a.evaluation.with.includes('pupil')));
}

/**
 * Whether the pupil is a party by age: from 16 always (reached by e-mail when given, else a task
 * for the SMW'er); from 12 to 16 when a contact was given and the agreements involve the pupil.
 */
export function pupilReceives(r: Referral, today: string = dayOf(r)): boolean {
  const age = pupilAge(r, today);
  if (age === undefined || age < PUPIL_CONTACT_MIN_AGE) return false;
  if (age >= PUPIL_ALONE_AGE) return true;
  return Boolean(r.sections.pupil?.pupilEmail) && pupilInvolved(r);
}

/**
 * Who of the family the warme overdracht's invitation goes to: the parents' contact given when
 * planning; for a pupil of 16 or older who did not agree that the parents are informed, the pupil
 * (by e-mail when given, else nobody by mail: the SMW'er's phone task).
 */
export function familyInvitee(r: Referral, today: string = dayOf(r)): { role: 'parent' | 'pupil'; name: string; email?: string } | undefined {
  if (parentsReceive(r, today)) {
    const parent = r.handover?.request?.parent;
    return parent ? { role: 'parent', name: parent.name, ...(parent.email ? { email: parent.email } : {}) } : undefined;
  }
  const pupil = r.sections.pupil;
  return { role: 'pupil', name: pupil?.firstNames ?? '', ...(pupil?.pupilEmail ? { email: pupil.pupilEmail } : {}) };
}

/** The school contact, when one is named and the consent for terugkoppeling to school (still) holds. */
export function schoolContactReceives(r: Referral, today: string = dayOf(r)): SchoolContact | undefined {
  const contact = schoolContactOf(r);
  return contact && sharingAllowed(r, 'schoolContact', today) ? contact : undefined;
}

/** The parent as reached by e-mail: the contact given when planning, else the first with gezag and an address. */
function parentContact(r: Referral): { name: string; email?: string; phone?: string } | undefined {
  const planned = r.handover?.request?.parent;
  if (planned?.email) return planned;
  const fromForm = parentsOf(r.sections.parents).find((p) => p.email && p.authority !== 'nee');
  if (fromForm) return { name: fromForm.name, email: fromForm.email };
  return planned ?? parentsOf(r.sections.parents)[0];
}

/**
 * The parties reminders can reach for a referral: the SMW'er and the casusregisseur in Teams,
 * the wijkteam in its linked channel, the school contact (Teams or e-mail) while the consent for
 * terugkoppeling holds, the parent by e-mail when the age rules allow, and the pupil by e-mail
 * when a party by age. `today` decides the age (default: see {@link pupilAge}).
 */
export function partiesOf(r: Referral, today: string = dayOf(r)): Party[] {
  const parties: Party[] = [{ role: 'smw', professional: r.smw }];
  if (r.caseManager) parties.push({ role: 'caseManager', professional: r.caseManager });
  if (r.routing) parties.push({ role: 'wijkteam', teamsChannelKey: wijkteamChannelKey(r.routing.wijkteamId) });
  const school = schoolContactReceives(r, today);
  if (school?.aadObjectId) {
    parties.push({ role: 'schoolContact', professional: { aadObjectId: school.aadObjectId, name: school.name ?? '', ...(school.email ? { email: school.email } : {}) } });
  } else if (school?.email) {
    parties.push({ role: 'schoolContact', contact: { name: school.name ?? '', email: school.email } });
  }
  const parent = parentContact(r);
  if (parent?.email && parentsReceive(r, today)) parties.push({ role: 'parent', contact: { name: parent.name, email: parent.email } });
  const pupilEmail = r.sections.pupil?.pupilEmail;
  if (pupilEmail && pupilReceives(r, today)) parties.push({ role: 'pupil', contact: { name: r.sections.pupil?.firstNames ?? '', email: pupilEmail } });
  return parties;
}

/**
 * Agreed dates as the age rules address them: where the parent is to be told, the pupil who is a
 * party by age is told too (from 16 instead of the parents unless the pupil agreed; from 12 to 16
 * beside them). Who is reachable is then up to {@link partiesOf}.
 */
export function withPupilForParent(dates: AgreedDate[], r: Referral, today: string = dayOf(r)): AgreedDate[] {
  if (!pupilReceives(r, today)) return dates;
  return dates.map((d) => (d.responsible !== 'pupil' && d.parties.includes('parent') && !d.parties.includes('pupil') ? { ...d, parties: [...d.parties, 'pupil'] } : d));
}

/**
 * Roles asked for that should be reached but cannot be: no e-mail for a parent or a pupil who
 * is a party, a school contact with consent but no contact named. Roles left out on purpose (consent
 * withdrawn, the pupil too young, parents of a 16-year-old without the pupil's consent) are not problems.
 */
export function unreachableRoles(r: Referral, roles: PartyRole[], today: string = dayOf(r)): PartyRole[] {
  const parties = partiesOf(r, today);
  const reached = (role: PartyRole) => parties.some((p) => p.role === role);
  const expected = (role: PartyRole): boolean => {
    switch (role) {
      case 'schoolContact':
        return sharingAllowed(r, 'schoolContact', today);
      case 'parent':
        return parentsReceive(r, today);
      case 'pupil':
        return pupilReceives(r, today);
      case 'caseManager':
        return Boolean(r.caseManager);
      default:
        return true;
    }
  };
  return [...new Set(roles)].filter((role) => expected(role) && !reached(role));
}

/** How one recipient of the confirmed agreements is reached. */
export type AgreementChannel =
  | { kind: 'teams'; aadObjectId: string }
  | { kind: 'email'; name: string; email: string }
  /** No address: the SMW'er passes the agreements on (by phone) and marks it done. */
  | { kind: 'phoneTask' };

export interface AgreementRecipient {
  role: 'smw' | 'schoolContact' | 'parent' | 'pupil';
  channel: AgreementChannel;
}

/**
 * Everyone who receives the confirmed agreements ("naar alle betrokken"), in this order: the
 * SMW'er (Teams); the school contact while the consent for terugkoppeling holds (Teams when picked
 * in Teams, else e-mail with dates only); the parent (e-mail with dates only, or a phone task) —
 * from 16 only with the pupil's consent; the pupil from 16 (e-mail, or a phone task), from 12 to 16
 * when a contact is given and the agreements involve the pupil. `today` decides the age; by
 * default the day of the confirmation.
 */
export function agreementRecipients(r: Referral, today: string = dayOf(r)): AgreementRecipient[] {
  const out: AgreementRecipient[] = [{ role: 'smw', channel: { kind: 'teams', aadObjectId: r.smw.aadObjectId } }];
  const school = schoolContactReceives(r, today);
  if (school?.aadObjectId) out.push({ role: 'schoolContact', channel: { kind: 'teams', aadObjectId: school.aadObjectId } });
  else if (school?.email) out.push({ role: 'schoolContact', channel: { kind: 'email', name: school.name ?? '', email: school.email } });
  if (parentsReceive(r, today)) {
    const parent = parentContact(r);
    out.push({ role: 'parent', channel: parent?.email ? { kind: 'email', name: parent.name, email: parent.email } : { kind: 'phoneTask' } });
  }
  if (pupilReceives(r, today)) {
    const email = r.sections.pupil?.pupilEmail;
    out.push({ role: 'pupil', channel: email ? { kind: 'email', name: r.sections.pupil?.firstNames ?? '', email } : { kind: 'phoneTask' } });
  }
  return out;
}

/**
 * The referral's events as the service norms count them. Booking the warme overdracht counts as
 * holding it at the meeting's end: Schakel does not learn whether it took place.
 */
export function referralHistory(r: Referral): ReferralEvent[] {
  const events: ReferralEvent[] = [];
  if (r.submittedAt) events.push({ type: 'submitted', at: new Date(r.submittedAt) });
  if (r.acceptedAt) events.push({ type: 'accepted', at: new Date(r.acceptedAt) });
  const meeting = r.handover?.meeting;
  if (meeting) events.push({ type: 'handoverHeld', at: new Date(meeting.end) });
  const confirmed = r.handover?.agreements.find((a) => a.confirmedAt);
  if (confirmed?.confirmedAt) events.push({ type: 'agreementsConfirmed', at: new Date(confirmed.confirmedAt) });
  return events;
}
