import { isDeepStrictEqual } from 'node:util';
import { refuse, type Decision } from './decision.js';
import { referralNumber, type Referral, type ReferralSections, type SectionId } from './referral.js';
import { pupilSchema } from './sections/pupil.js';
import type { Actor } from './types.js';
import { validate, type Validated } from './validation.js';

/** Everything a decision may know about "now": the instant and the local calendar date. */
export interface Now {
  at: Date;
  /** Local date `YYYY-MM-DD` in the referral's time zone. */
  today: string;
}

/** Validates one section's raw card input. */
export function validateSection(section: SectionId, input: unknown, now: Now): Validated<ReferralSections[SectionId]> {
  switch (section) {
    case 'pupil':
      return validate(pupilSchema(now.today), input);
  }
}

export interface SaveSection {
  type: 'saveSection';
  section: SectionId;
  input: unknown;
  /** The referral version the card showed; 0 for a card of a referral not yet stored. */
  expectedVersion: number;
  /** The id the card was created with; a first save creates the draft under it. */
  referralId: string;
}

/**
 * Saves one section of a draft. A first save creates the draft owned by the actor. A card
 * showing an older version than the stored one is refused as stale — unless it repeats exactly
 * what is stored (Teams retried the invoke), which is accepted as unchanged.
 */
export function saveSection(current: Referral | undefined, actor: Actor, cmd: SaveSection, now: Now): Decision<Referral> {
  const checked = validateSection(cmd.section, cmd.input, now);
  if (!checked.ok) return refuse('invalid', { errors: checked.errors });
  // Stored documents drop `undefined`; compare and store the JSON form.
  const values = JSON.parse(JSON.stringify(checked.value)) as ReferralSections[SectionId];

  if (current === undefined) {
    if (cmd.expectedVersion !== 0) return refuse('notFound');
    const stamp = now.at.toISOString();
    const referral: Referral = {
      id: cmd.referralId,
      referralId: cmd.referralId,
      type: 'referral',
      number: referralNumber(cmd.referralId),
      tenantId: actor.tenantId,
      state: 'draft',
      version: 1,
      smw: { aadObjectId: actor.aadObjectId, name: actor.name, teamsUserId: actor.teamsUserId },
      sections: { [cmd.section]: values },
      createdAt: stamp,
      updatedAt: stamp,
    };
    return { ok: true, value: referral, events: [{ type: 'audit', action: 'referral.created', detail: { section: cmd.section } }] };
  }

  if (current.smw.aadObjectId !== actor.aadObjectId || current.tenantId !== actor.tenantId) return refuse('notAllowed');
  if (current.state !== 'draft') return refuse('invalidState');
  if (isDeepStrictEqual(current.sections[cmd.section], values)) return { ok: true, value: current, events: [], unchanged: true };
  if (cmd.expectedVersion !== current.version) return refuse('stale');

  return {
    ok: true,
    value: {
      ...current,
      sections: { ...current.sections, [cmd.section]: values },
      version: current.version + 1,
      updatedAt: now.at.toISOString(),
    },
    events: [{ type: 'audit', action: 'referral.sectionSaved', detail: { section: cmd.section } }],
  };
}
