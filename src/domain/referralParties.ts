import type { Referral } from './referral.js';
import type { ReferralEvent } from './serviceNorms.js';
import { parentsOf } from './sections/parents.js';
import type { Party } from './types.js';

/** Conversation-directory key of a wijkteam's linked channel (`koppel wijkteam <naam>`). */
export const wijkteamChannelKey = (wijkteamId: string): string => `wijkteam:${wijkteamId}`;

/**
 * The parties reminders can reach for a referral: the SMW'er and the casusregisseur in Teams,
 * the wijkteam in its linked channel, and the parent by e-mail (the contact given when planning
 * the warme overdracht, else the first parent with gezag and an e-mail address).
 */
export function partiesOf(r: Referral): Party[] {
  const parties: Party[] = [{ role: 'smw', professional: r.smw }];
  if (r.caseManager) parties.push({ role: 'caseManager', professional: r.caseManager });
  if (r.routing) parties.push({ role: 'wijkteam', teamsChannelKey: wijkteamChannelKey(r.routing.wijkteamId) });
  const planned = r.handover?.request?.parent;
  const fromForm = parentsOf(r.sections.parents).find((p) => p.email && p.authority !== 'nee');
  const parent = planned?.email ? planned : fromForm ? { name: fromForm.name, email: fromForm.email } : undefined;
  if (parent?.email) parties.push({ role: 'parent', contact: { name: parent.name, email: parent.email } });
  return parties;
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
