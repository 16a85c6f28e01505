import { isDeepStrictEqual } from 'node:util';
import { isSmwOf } from './access.js';
import { refuse, type Decision } from './decision.js';
import { referralNumber, SECTION_IDS, type Referral, type ReferralSections, type SectionId } from './referral.js';
import { consentSchema } from './sections/consent.js';
import { parentsOf, parentsSchema } from './sections/parents.js';
import { pupilSchema } from './sections/pupil.js';
import { requestSchema } from './sections/request.js';
import { safetySchema, type InstrumentOptions } from './sections/safety.js';
import type { Actor } from './types.js';
import { validate, type Validated } from './validation.js';

/** Everything a decision may know about "now": the instant and the local calendar date. */
export interface Now {
  at: Date;
  /** Local date `YYYY-MM-DD` in the referral's time zone. */
  today: string;
}

/** What validation of the form needs besides the input: now, configured lists, earlier answers. */
export interface FormContext {
  now: Now;
  instruments: InstrumentOptions;
}

/** Validates one section's raw card input. */
export function validateSection(section: SectionId, input: unknown, ctx: FormContext, referral?: Referral): Validated<ReferralSections[SectionId]> {
  switch (section) {
    case 'pupil':
      return validate(pupilSchema(ctx.now.today), input);
    case 'parents':
      return validate(parentsSchema(), input);
    case 'request':
      return validate(requestSchema(), input);
    case 'safety':
      return validate(safetySchema(ctx.now.today, ctx.instruments), input);
    case 'consent':
      return validate(consentSchema(ctx.now.today, parentsOf(referral?.sections.parents)), input);
  }
}

export interface SaveSection {
  type: 'saveSection';
  section: SectionId;
  input: Record<string, string>;
  /** The referral version the card showed; 0 for a card of a referral not yet stored. */
  expectedVersion: number;
  /** The id the card was created with; a first save creates the draft under it. */
  referralId: string;
}

function newDraft(actor: Actor, referralId: string, now: Now): Referral {
  const stamp = now.at.toISOString();
  return {
    id: referralId,
    referralId,
    type: 'referral',
    number: referralNumber(referralId),
    tenantId: actor.tenantId,
    state: 'draft',
    version: 0,
    smw: { aadObjectId: actor.aadObjectId, name: actor.name, teamsUserId: actor.teamsUserId },
    sections: {},
    createdAt: stamp,
    updatedAt: stamp,
  };
}

/** Shared checks of every draft edit: existence, owner, state, version. */
function editableDraft(current: Referral | undefined, actor: Actor, cmd: { expectedVersion: number; referralId: string }, now: Now): Referral | ReturnType<typeof refuse> {
  if (current === undefined) return cmd.expectedVersion === 0 ? newDraft(actor, cmd.referralId, now) : refuse('notFound');
  if (!isSmwOf(current, actor)) return refuse('notAllowed');
  if (current.state !== 'draft') return refuse('invalidState');
  return current;
}

const isRefusal = (v: Referral | ReturnType<typeof refuse>): v is ReturnType<typeof refuse> => 'ok' in v && v.ok === false;

/**
 * Saves one section of a draft. A first save creates the draft owned by the actor. A card
 * showing an older version than the stored one is refused as stale — unless it repeats exactly
 * what is stored (Teams retried the invoke), which is accepted as unchanged.
 */
export function saveSection(current: Referral | undefined, actor: Actor, cmd: SaveSection, ctx: FormContext): Decision<Referral> {
  const base = editableDraft(current, actor, cmd, ctx.now);
  if (isRefusal(base)) return base;
  const checked = validateSection(cmd.section, cmd.input, ctx, base);
  if (!checked.ok) return refuse('invalid', { errors: checked.errors });
  // Stored documents drop `undefined`; compare and store the JSON form.
  const values = JSON.parse(JSON.stringify(checked.value)) as ReferralSections[SectionId];

  if (current && isDeepStrictEqual(current.sections[cmd.section], values) && !current.pending?.[cmd.section]) {
    return { ok: true, value: current, events: [], unchanged: true };
  }
  if (current && cmd.expectedVersion !== current.version) return refuse('stale');

  const pending = { ...base.pending };
  delete pending[cmd.section];
  return {
    ok: true,
    value: { ...base, sections: { ...base.sections, [cmd.section]: values }, pending, version: base.version + 1, updatedAt: ctx.now.at.toISOString() },
    events: [{ type: 'audit', action: current ? 'referral.sectionSaved' : 'referral.created', detail: { section: cmd.section } }],
  };
}

/** Keeps what was typed in a section without validating it ("Terug", "Later verder"): nothing is lost. */
export function keepInput(current: Referral | undefined, actor: Actor, cmd: SaveSection, now: Now): Decision<Referral> {
  const base = editableDraft(current, actor, cmd, now);
  if (isRefusal(base)) return base;
  const stored = base.sections[cmd.section];
  const typed = Object.fromEntries(Object.entries(cmd.input).map(([k, v]) => [k, v.slice(0, 4000)]));
  const same = Object.entries(typed).every(([k, v]) => String((stored as Record<string, unknown> | undefined)?.[k] ?? '') === v);
  if (same || isDeepStrictEqual(base.pending?.[cmd.section], typed)) return { ok: true, value: base, events: [], unchanged: current !== undefined };
  if (current && cmd.expectedVersion !== current.version) return refuse('stale');
  return {
    ok: true,
    value: { ...base, pending: { ...base.pending, [cmd.section]: typed }, version: base.version + 1, updatedAt: now.at.toISOString() },
    events: [{ type: 'audit', action: current ? 'referral.inputKept' : 'referral.created', detail: { section: cmd.section } }],
  };
}

/** The first section that has no valid answers yet, or `review` when all are there. */
export function nextOpenSection(referral: Referral | undefined): SectionId | 'review' {
  return SECTION_IDS.find((s) => referral?.sections[s] === undefined) ?? 'review';
}

export function sectionAfter(section: SectionId): SectionId | 'review' {
  return SECTION_IDS[SECTION_IDS.indexOf(section) + 1] ?? 'review';
}

export function sectionBefore(section: SectionId | 'review'): SectionId {
  if (section === 'review') return SECTION_IDS[SECTION_IDS.length - 1]!;
  return SECTION_IDS[Math.max(0, SECTION_IDS.indexOf(section) - 1)]!;
}
