import type { Verb } from '../../cards/verbs.js';
import { isCaseManagerOf, isSmwOf } from './access.js';
import type { Referral, ReferralState } from './referral.js';
import type { Actor } from './types.js';

/**
 * The one access matrix (DESIGN.md §2 "Access"): every card verb and every chat command × the
 * actor's relation to the referral → allowed or refused, and what that relation may see.
 * Handlers never decide access themselves; the bot's gate asks {@link authorize} before any
 * handler runs, so nothing renders referral data before the matrix answered.
 */

/** How a person stands to one referral (or, for commands about no referral, to the tenant). */
export const RELATIONS = ['smw', 'caseManager', 'wijkteamMember', 'coordinator', 'tenantUser', 'otherTenant', 'unknown'] as const;
export type Relation = (typeof RELATIONS)[number];

/** What an allowed relation may see of the referral: everything, number/initials/age/school/urgency, or nothing. */
export type Visibility = 'full' | 'minimal' | 'none';

/** Chat commands, by a stable id (the typed words are Dutch and have variants). */
export const COMMANDS = [
  'aanmelden',
  'concepten',
  'mijnCasussen',
  /** The daily digest on or off (`overzicht aan 08:00`, `overzicht uit`): about the actor only. */
  'overzicht',
  'emails',
  'status',
  'afspraken',
  'overdracht',
  'overdragen',
  'overdragenAlles',
  'toestemming',
  'afsluiten',
  'exporteer',
  'wis',
  'koppelWijkteam',
  'koppelCoordinatoren',
  'wijkindeling',
  'coordinatoren',
  'rapportage',
  'evaluatie',
  /** Local mode only: the handler refuses it elsewhere as an unknown command. */
  'tijdreis',
  'help',
] as const;
export type Command = (typeof COMMANDS)[number];

export type Operation = { verb: Verb } | { command: Command };

/** An allowed cell; `states` and `consent` narrow it (outside them the cell refuses). */
export interface Cell {
  sees: Visibility;
  /** Only while the referral is in one of these states. */
  states?: readonly ReferralState[];
  /** Only while consent (or a legal ground) allows sharing with the wijkteam. */
  consent?: 'wijkteam';
}

export interface Rule {
  /** `referral`: the operation names one referral (by id on a card, by number in a command). */
  about: 'referral' | 'reminder' | 'nothing';
  /** A card that starts a new draft: without a stored referral, a user of the tenant acts as its SMW'er. */
  creates?: boolean;
  /** Relations without a cell are refused. */
  cells: Partial<Record<Relation, Cell>>;
}

const OPEN: readonly ReferralState[] = ['submitted', 'accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare', 'declined', 'closed', 'withdrawn', 'redirected'];
const full: Cell = { sees: 'full' };
const minimal: Cell = { sees: 'minimal' };
const nothing: Cell = { sees: 'none' };

const smwOnly: Rule = { about: 'referral', creates: false, cells: { smw: full } };
const draftForm: Rule = { about: 'referral', creates: true, cells: { smw: full } };
const professionals: Rule = { about: 'referral', cells: { smw: full, caseManager: full } };
const caseManagerOnly: Rule = { about: 'referral', cells: { caseManager: full } };
/** Deciding on an intake: members of the referral's current wijkteam, while it waits. */
const intakeDecision: Rule = { about: 'referral', cells: { wijkteamMember: { sees: 'minimal', states: ['submitted', 'accepted'] } } };
const reminderRecipients: Rule = { about: 'reminder', cells: { smw: minimal, caseManager: minimal } };
const anyColleague: Rule = { about: 'nothing', cells: { tenantUser: nothing, coordinator: nothing } };
const coordinatorOnly: Rule = { about: 'nothing', cells: { coordinator: nothing } };
/**
 * Handing a case over: its SMW'er (the SMW role), its casusregisseur or a member of its current
 * wijkteam (the casusregisseur role), a coordinator (either); the domain checks which role.
 */
const handOver: Rule = {
  about: 'referral',
  cells: { smw: minimal, caseManager: minimal, wijkteamMember: { sees: 'minimal', states: ['accepted', 'handoverScheduled', 'agreementsConfirmed', 'aftercare'] }, coordinator: { sees: 'minimal', states: OPEN } },
};

/** Card verbs. A verb without a row does not compile. */
export const VERB_RULES: Record<Verb, Rule> = {
  'referral.section.save': draftForm,
  'referral.section.back': draftForm,
  'referral.section.later': draftForm,
  'referral.resume': smwOnly,
  'referral.submit': smwOnly,
  'referral.amend': smwOnly,
  'intake.takeOn': intakeDecision,
  'intake.details': {
    about: 'referral',
    cells: { smw: full, caseManager: full, wijkteamMember: { sees: 'full', states: ['submitted'], consent: 'wijkteam' } },
  },
  'intake.show': {
    about: 'referral',
    cells: { smw: minimal, caseManager: minimal, wijkteamMember: { sees: 'minimal', states: OPEN }, coordinator: { sees: 'minimal', states: OPEN } },
  },
  'intake.redirect.form': intakeDecision,
  'intake.redirect': intakeDecision,
  'intake.decline.form': intakeDecision,
  'intake.decline': intakeDecision,
  'consent.withdraw': smwOnly,
  'referral.close': { about: 'referral', cells: { smw: minimal, caseManager: minimal } },
  'referral.erase': { about: 'referral', cells: { coordinator: nothing } },
  'handover.plan': professionals,
  'handover.plan.edit': professionals,
  'handover.show': professionals,
  'handover.book': professionals,
  'handover.reschedule': professionals,
  'handover.cancel': professionals,
  'handover.agreements.open': caseManagerOnly,
  'handover.agreements.save': caseManagerOnly,
  'handover.agreements.confirm': caseManagerOnly,
  'handover.parentInformed': smwOnly,
  /** A parent link despite a legal ground without consent: the casusregisseur's call. */
  'parentLink.enable': caseManagerOnly,
  'parentLink.renew': professionals,
  'parentLink.reply.form': caseManagerOnly,
  'parentLink.reply': caseManagerOnly,
  'reminder.done': reminderRecipients,
  'reminder.snooze': reminderRecipients,
  'reminder.reschedule': reminderRecipients,
  // The handler takes answers only from the people and channels the evaluation was sent to.
  'evaluation.answer': anyColleague,
  // Who may hand over which role is decided by the domain (reassign.ts); these may ask.
  'referral.reassign': handOver,
  /** "Ik heb het zelf doorgegeven" under a delivery problem: the SMW'er it was told to. */
  'referral.problemPassedOn': smwOnly,
};

/** Chat commands. A command without a row does not compile. */
export const COMMAND_RULES: Record<Command, Rule> = {
  aanmelden: anyColleague,
  // Lists show only the actor's own referrals: nothing of anyone else's.
  concepten: anyColleague,
  mijnCasussen: anyColleague,
  overzicht: anyColleague,
  emails: anyColleague,
  status: {
    about: 'referral',
    cells: { smw: full, caseManager: full, wijkteamMember: { sees: 'minimal', states: OPEN }, coordinator: { sees: 'minimal', states: OPEN } },
  },
  afspraken: caseManagerOnly,
  overdracht: professionals,
  overdragen: handOver,
  /** A coordinator moves all open cases of one SMW'er to another (someone leaves). */
  overdragenAlles: coordinatorOnly,
  toestemming: smwOnly,
  afsluiten: { about: 'referral', cells: { smw: minimal, caseManager: minimal } },
  exporteer: { about: 'referral', cells: { coordinator: full } },
  wis: { about: 'referral', cells: { coordinator: nothing } },
  koppelWijkteam: coordinatorOnly,
  koppelCoordinatoren: coordinatorOnly,
  wijkindeling: coordinatorOnly,
  coordinatoren: coordinatorOnly,
  tijdreis: anyColleague,
  rapportage: coordinatorOnly,
  evaluatie: coordinatorOnly,
  help: { about: 'nothing', cells: { tenantUser: nothing, coordinator: nothing, otherTenant: nothing, unknown: nothing } },
};

export function ruleOf(op: Operation): Rule {
  return 'verb' in op ? VERB_RULES[op.verb] : COMMAND_RULES[op.command];
}

export const operationName = (op: Operation): string => ('verb' in op ? op.verb : op.command);

/** What the bot knows of the actor beyond the referral (roster, configuration, consent). */
export interface RelationFacts {
  /** The actor's tenant is one the bot serves (ALLOWED_TENANT_IDS; any when that list is empty). */
  tenantAllowed: boolean;
  isCoordinator: boolean;
  /** Member of the Teams team linked to the referral's current wijkteam. */
  isWijkteamMember: boolean;
  /** Whether consent (or a legal ground) still allows sharing with the wijkteam. */
  wijkteamSharing?: boolean;
}

/**
 * Every relation the actor has (a coordinator may also be a wijkteam member). `creating`: the
 * operation starts a new draft and no referral exists yet: its author becomes its SMW'er.
 */
export function relationsOf(actor: Actor | undefined, referral: Referral | undefined, facts: RelationFacts, creating = false): Relation[] {
  if (!actor) return ['unknown'];
  if (!facts.tenantAllowed || (referral && referral.tenantId !== actor.tenantId)) return ['otherTenant'];
  const relations: Relation[] = ['tenantUser'];
  if (referral && isSmwOf(referral, actor)) relations.push('smw');
  if (!referral && creating) relations.push('smw');
  if (referral && isCaseManagerOf(referral, actor)) relations.push('caseManager');
  if (referral && facts.isWijkteamMember) relations.push('wijkteamMember');
  if (facts.isCoordinator) relations.push('coordinator');
  return relations;
}

export type AccessDecision =
  | { allowed: true; sees: Visibility; as: Relation }
  | { allowed: false; reason: 'notFound' | 'notAllowed' };

const RANK: Record<Visibility, number> = { none: 0, minimal: 1, full: 2 };

function cellAllows(cell: Cell, referral: Referral | undefined, facts: RelationFacts): boolean {
  if (cell.states && (!referral || !cell.states.includes(referral.state))) return false;
  if (cell.consent === 'wijkteam' && facts.wijkteamSharing === false) return false;
  return true;
}

/**
 * The matrix's answer. An operation about a referral that does not exist is refused as
 * `notFound` (the caller answers both refusals alike, so the answer reveals nothing).
 */
export function authorize(op: Operation, relations: readonly Relation[], referral: Referral | undefined, facts: RelationFacts): AccessDecision {
  const rule = ruleOf(op);
  if (rule.about !== 'nothing' && !referral && !(rule.creates && relations.includes('smw'))) return { allowed: false, reason: 'notFound' };
  let best: { sees: Visibility; as: Relation } | undefined;
  for (const relation of relations) {
    const cell = rule.cells[relation];
    if (!cell || !cellAllows(cell, referral, facts)) continue;
    if (!best || RANK[cell.sees] > RANK[best.sees]) best = { sees: cell.sees, as: relation };
  }
  return best ? { allowed: true, ...best } : { allowed: false, reason: 'notAllowed' };
}

/** Whether a relation could be allowed at all: the gate reads a roster only when membership can matter. */
export function mayMatter(op: Operation, relation: Relation): boolean {
  return ruleOf(op).cells[relation] !== undefined;
}
