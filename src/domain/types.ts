/**
 * Shared domain vocabulary (glossary in DESIGN.md): referral = aanmelding, handover = warme
 * overdracht, agreement = afspraak, feedback = terugkoppeling, evaluation = evaluatie,
 * aftercare = nazorg, reminder = herinnering, consent = toestemming, district = wijk.
 */

/** Roles a person can have in one referral. */
/** Every role a party of a referral can have (also what a card may name, checked against this list). */
export const PARTY_ROLES = ['smw', 'caseManager', 'schoolContact', 'parent', 'pupil', 'wijkteam', 'coordinator'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** A professional known in Teams (Entra object id); name is for display only. */
export interface Professional {
  aadObjectId: string;
  name: string;
  /** Teams user id (29:…) when known from an activity; needed to create a 1:1 chat. */
  teamsUserId?: string;
  email?: string;
}

/** Someone outside Teams (a parent): reached by e-mail or phone only. */
export interface ExternalContact {
  name: string;
  email?: string;
  phone?: string;
}

/** A party of a referral as reminders and messages need it. */
export interface Party {
  role: PartyRole;
  /** Set for professionals reachable in Teams. */
  professional?: Professional;
  /** Set for parents and pupils reachable only by e-mail/phone. */
  contact?: ExternalContact;
  /** Set for a role reached in a Teams channel (e.g. the wijkteam): the conversation-directory key. */
  teamsChannelKey?: string;
}

/** The person acting in a command: always taken from the authenticated activity, never from card data. */
export interface Actor {
  aadObjectId: string;
  name: string;
  tenantId: string;
  teamsUserId?: string;
}

export type AgreedDateKind = 'feedback' | 'evaluation' | 'aftercare' | 'handover';

/**
 * One dated agreement of the formulier warme overdracht, flattened for reminder planning.
 * `date` is a local calendar date (YYYY-MM-DD) in the referral's time zone.
 */
export interface AgreedDate {
  /** Stable id of the agreement item (survives re-versioning of the agreements). */
  agreementId: string;
  kind: AgreedDateKind;
  date: string;
  /** Local time `HH:MM` if agreed; otherwise reminders use the configured morning hour. */
  time?: string;
  /** Who must act (gets the early reminder). */
  responsible: PartyRole;
  /** Everyone else who is party to it (reminded on the day). */
  parties: PartyRole[];
  /** Short, non-identifying label for the reminder card, e.g. "Terugkoppeling aan SMW". */
  label: string;
}
