import type { Referral } from './referral.js';
import type { Actor } from './types.js';

/** What the bot knows about the actor beyond the referral itself (roster, configuration). */
export interface AccessFacts {
  /** Whether consent (or a legal ground) still allows sharing with the wijkteam. */
  wijkteamSharing?: boolean;
  /** Member of the Teams team of the referral's current wijkteam. */
  isWijkteamMember: boolean;
  /** Listed as coordinator (Servicepunt SMW / beheer). */
  isCoordinator: boolean;
}

export type Access = 'details' | 'intake' | 'status' | 'none';

const sameTenant = (r: Referral, a: Actor) => r.tenantId === a.tenantId;
/** The referral's own SMW'er (same tenant). */
export const isSmwOf = (r: Referral, a: Actor) => sameTenant(r, a) && r.smw.aadObjectId === a.aadObjectId;
/** The referral's casusregisseur (same tenant). */
export const isCaseManagerOf = (r: Referral, a: Actor) => sameTenant(r, a) && r.caseManager?.aadObjectId === a.aadObjectId;
/** One of the two professionals of the referral: its SMW'er or its casusregisseur. */
export const isProfessionalOf = (r: Referral, a: Actor) => isSmwOf(r, a) || isCaseManagerOf(r, a);

/**
 * Who sees what of a referral (DESIGN.md §1, privacy):
 * - its SMW'er and its casusregisseur: everything;
 * - members of its wijkteam: the details while it waits for intake, to decide on it;
 * - coordinators: the status and timeline, never the details;
 * - anyone else, or anyone from another tenant: nothing.
 */
export function accessOf(referral: Referral, actor: Actor, facts: AccessFacts): Access {
  if (referral.tenantId !== actor.tenantId) return 'none';
  if (isProfessionalOf(referral, actor)) return 'details';
  if (facts.isWijkteamMember && referral.state === 'submitted') return facts.wijkteamSharing === false ? 'status' : 'intake';
  if (facts.isCoordinator || facts.isWijkteamMember) return referral.state === 'draft' ? 'none' : 'status';
  return 'none';
}

export const canSeeDetails = (a: Access) => a === 'details' || a === 'intake';
export const canSeeStatus = (a: Access) => a !== 'none';
