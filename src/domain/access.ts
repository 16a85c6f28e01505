import type { Referral } from './referral.js';
import type { Actor } from './types.js';

const sameTenant = (r: Referral, a: Actor) => r.tenantId === a.tenantId;
/** The referral's own SMW'er (same tenant). */
export const isSmwOf = (r: Referral, a: Actor) => sameTenant(r, a) && r.smw.aadObjectId === a.aadObjectId;
/** The referral's casusregisseur (same tenant). */
export const isCaseManagerOf = (r: Referral, a: Actor) => sameTenant(r, a) && r.caseManager?.aadObjectId === a.aadObjectId;
/** One of the two professionals of the referral: its SMW'er or its casusregisseur. */
export const isProfessionalOf = (r: Referral, a: Actor) => isSmwOf(r, a) || isCaseManagerOf(r, a);
