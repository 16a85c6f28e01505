import type { Outbox } from './effects.js';
import type { CaseCardRef, HandoverState, ParentPageState, Reassignment, RetentionMarks } from './records.js';
import type { Professional } from './types.js';
import type { ConsentScope, ConsentSection, Consenter } from './sections/consent.js';
import type { ParentsSection } from './sections/parents.js';
import type { PupilSection } from './sections/pupil.js';
import type { RequestSection } from './sections/request.js';
import type { SafetySection } from './sections/safety.js';

/** The referral's life (DESIGN.md §2). */
export type ReferralState =
  | 'draft'
  | 'submitted'
  | 'accepted'
  | 'handoverScheduled'
  | 'agreementsConfirmed'
  | 'aftercare'
  | 'closed'
  | 'withdrawn'
  | 'declined'
  | 'redirected';

/** Answers of the aanmeldformulier, one entry per card section, filled in as the SMW'er goes. */
export interface ReferralSections {
  pupil?: PupilSection;
  parents?: ParentsSection;
  request?: RequestSection;
  safety?: SafetySection;
  consent?: ConsentSection;
}

/** The card sections in the order the SMW'er meets them; a review card follows the last. */
export const SECTION_IDS = ['pupil', 'parents', 'request', 'safety', 'consent'] as const;

/** Which wijkteam receives the referral, and how that was decided. */
export interface Routing {
  wijkteamId: string;
  source: 'postcode' | 'manual';
  /** The wijk the postcode maps to, when it did. */
  district?: string;
}

/** Where the intake card was posted, so it can be updated in place later. */
export interface IntakePost {
  wijkteamId: string;
  conversationId: string;
  activityId: string;
  postedAt: string;
  /** A digest of what the card shows since the last refresh that updated it (an identical render is not sent again). */
  shown?: string;
}

export interface Decline {
  reason: string;
  advice: string;
  by: Professional;
  at: string;
}

export interface Redirect {
  from: string;
  to: string;
  reason: string;
  by: Professional;
  at: string;
}

export interface ConsentWithdrawal {
  who: Consenter;
  scope: ConsentScope;
  at: string;
  by: string;
}

export type SectionId = keyof ReferralSections;

/** A timeline entry as a case card shows it (no actor: the card names roles, not people). */
export interface RecentTimelineEntry {
  at: string;
  action: string;
  detail?: Record<string, string | number | boolean>;
}

/** How many of the latest timeline entries the referral keeps (the case card shows three). */
export const RECENT_TIMELINE = 3;

/**
 * The referral document (container `referrals`, partition `/referralId`). `version` counts
 * every accepted change; cards carry it so a stale card can never overwrite newer answers.
 */
export interface Referral {
  id: string;
  referralId: string;
  type: 'referral';
  /** Short number people can say on the phone, e.g. `AM-7K3QX2`. */
  number: string;
  tenantId: string;
  state: ReferralState;
  version: number;
  smw: Professional;
  sections: ReferralSections;
  /** What was typed but not (yet) valid, per section, so "Terug" and "Later verder" lose nothing. */
  pending?: Partial<Record<SectionId, Record<string, string>>>;
  routing?: Routing;
  submittedAt?: string;
  /** Local date by which the wijkteam should accept (service norm). */
  acceptBy?: string;
  intakePost?: IntakePost;
  /** The live case card of each professional on the referral, updated in place on every change. */
  caseCards?: CaseCardRef[];
  caseManager?: Professional;
  acceptedAt?: string;
  decline?: Decline;
  redirects?: Redirect[];
  consentWithdrawals?: ConsentWithdrawal[];
  handover?: HandoverState;
  /** The parent's personal link (its hash only) and what the parent answered on their page. */
  parentPage?: ParentPageState;
  /** Earlier SMW'ers and casusregisseurs: each hand-over with who, when and why. */
  reassignments?: Reassignment[];
  /**
   * The latest timeline entries (at most {@link RECENT_TIMELINE}, oldest first), kept by the store
   * with each commit that writes timeline entries, so that a case card is rendered without reading
   * the timeline. Not decided by the domain; a decision carries it over unchanged.
   */
  recentTimeline?: RecentTimelineEntry[];
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
  /** Entries and effects committed with this document and not yet carried out (DESIGN.md §2). */
  outbox?: Outbox;
  /** Retention of drafts and never-closed referrals: warning and question sent (src/domain/retention.ts). */
  retention?: RetentionMarks;
  /** Seconds until Cosmos removes the document; set once the referral is closed. */
  ttl?: number;
}

/** Crockford base32 without ambiguous letters; six characters from the id. */
export function referralNumber(referralId: string): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const hex = referralId.replace(/-/g, '');
  let n = BigInt(`0x${hex.slice(0, 12)}`);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = alphabet[Number(n % 32n)] + out;
    n /= 32n;
  }
  return `AM-${out}`;
}

/** Tussenvoegsels keep a lowercase initial, as Dutch initials are written: "Noa Maria de Vries" → "N.M.d.V.". */
const PARTICLES = new Set(['de', 'den', 'der', 'van', 'von', 'het', "'t", 'te', 'ten', 'ter', 'in', 'op', 'aan', 'bij']);

/** Initials for places where a name must not appear (channel cards): "Jan Karel de Vries" → "J.K.d.V.". */
export function initialsOf(firstNames: string, surname: string): string {
  const first = firstNames.split(/\s+/).filter((w) => w.length > 0).map((w) => `${w[0]!.toUpperCase()}.`);
  const words = surname.split(/\s+/).filter((w) => w.length > 0);
  const last = words.length - 1;
  const rest = words.map((w, i) => (i < last && PARTICLES.has(w.toLowerCase()) ? `${w[0]!.toLowerCase()}.` : `${w[0]!.toUpperCase()}.`));
  return [...first, ...rest].join('');
}

/** The case as a reminder or list names it: number, initials and school, never a name. */
export function caseRefOf(r: Referral): { number: string; initials: string; school: string } {
  const p = r.sections.pupil;
  return { number: r.number, initials: p ? initialsOf(p.firstNames, p.surname) : '', school: p?.school ?? '' };
}
