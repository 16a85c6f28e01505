import { z } from 'zod';
import { isoDate, optionalText, rawInput, toggle } from './fields.js';
import type { Parent } from './parents.js';

export const CONSENT_HOW = ['mondeling', 'schriftelijk'] as const;
/** Legal grounds for sharing without consent. */
export const LEGAL_GROUNDS = ['geen', 'acuteVeiligheid', 'meldcode'] as const;
export type LegalGround = (typeof LEGAL_GROUNDS)[number];

/** Whose consent: a parent slot (`parent0`) or the pupil. */
export type Consenter = `parent${number}` | 'pupil';
/** Who receives what is shared. */
export type ConsentScope = 'wijkteam' | 'schoolContact';

export interface ConsentRecord {
  who: Consenter;
  wijkteam: boolean;
  schoolContact: boolean;
  how?: (typeof CONSENT_HOW)[number];
  date?: string;
}

/**
 * From 16 the pupil decides alone: the parents receive the agreements and their reminders only
 * when the pupil agrees to that (card toggle, stored as `true`).
 */
export const PUPIL_AGREES_PARENTS_FIELD = 'consentPupilParents';

/** Card field ids: `consentParent0Wijkteam`, `consentPupilHow`, … */
export const consentField = (who: Consenter, field: 'wijkteam' | 'school' | 'how' | 'date') =>
  `consent${who[0]!.toUpperCase()}${who.slice(1)}${field[0]!.toUpperCase()}${field.slice(1)}`;

/**
 * Section 5: toestemming. Per person: consent to share with the wijkteam and (for terugkoppeling)
 * with the school contact, how and when it was given. Or instead a legal ground without consent.
 * Whether the consent suffices is the consent gate's job ({@link consentGate}), checked on submit.
 */
export function consentSchema(today: string, parents: Parent[]) {
  const people: Consenter[] = [...parents.map((p) => `parent${p.slot}` as Consenter), 'pupil'];
  const shape: Record<string, z.ZodTypeAny> = {
    legalGround: z.enum(LEGAL_GROUNDS, { errorMap: () => ({ message: 'v.choose' }) }).default('geen'),
    legalGroundExplanation: optionalText(1000),
    [PUPIL_AGREES_PARENTS_FIELD]: toggle,
  };
  for (const who of people) {
    shape[consentField(who, 'wijkteam')] = toggle;
    shape[consentField(who, 'school')] = toggle;
    shape[consentField(who, 'how')] = rawInput();
    shape[consentField(who, 'date')] = rawInput(30);
  }
  return z
    .object(shape)
    .superRefine((v, ctx) => {
      const issue = (path: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message });
      for (const who of people) {
        if (!v[consentField(who, 'wijkteam')] && !v[consentField(who, 'school')]) continue;
        if (!CONSENT_HOW.includes(v[consentField(who, 'how')] as (typeof CONSENT_HOW)[number])) issue(consentField(who, 'how'), 'v.choose');
        const date = isoDate.refine((d) => d <= today, 'v.dateInFuture').safeParse(v[consentField(who, 'date')] ?? '');
        if (!date.success) issue(consentField(who, 'date'), date.error.issues[0]?.message ?? 'v.date');
      }
      if (v.legalGround !== 'geen' && !v.legalGroundExplanation) issue('legalGroundExplanation', 'v.explainLegalGround');
    })
    .transform((v) => {
      const clean = JSON.parse(JSON.stringify(v)) as Record<string, string | boolean>;
      // The card fills in today as every consent date; a person who gave no consent has none.
      for (const who of people) {
        if (clean[consentField(who, 'wijkteam')] || clean[consentField(who, 'school')]) continue;
        delete clean[consentField(who, 'date')];
      }
      return clean;
    });
}

export type ConsentSection = Record<string, string | boolean>;

/** Whether a pupil of 16 or older agreed that the parents receive the agreements and reminders. */
export function pupilAgreesParentsInformed(section: ConsentSection | undefined): boolean {
  return section?.[PUPIL_AGREES_PARENTS_FIELD] === true;
}

export function consentRecords(section: ConsentSection | undefined, parents: Parent[]): ConsentRecord[] {
  if (!section) return [];
  const people: Consenter[] = [...parents.map((p) => `parent${p.slot}` as Consenter), 'pupil'];
  return people.map((who) => ({
    who,
    wijkteam: section[consentField(who, 'wijkteam')] === true,
    schoolContact: section[consentField(who, 'school')] === true,
    how: section[consentField(who, 'how')] as ConsentRecord['how'],
    date: section[consentField(who, 'date')] as string | undefined,
  }));
}

/** Whose consent the law asks for, by the pupil's age on the day of submission (Jeugdwet/WGBO). */
export function requiredConsenters(age: number): { parentsWithAuthority: boolean; pupil: boolean } {
  if (age < 12) return { parentsWithAuthority: true, pupil: false };
  if (age < 16) return { parentsWithAuthority: true, pupil: true };
  return { parentsWithAuthority: false, pupil: true };
}

export interface Missing {
  /** i18n key of what is missing. */
  key: string;
  params?: Record<string, string>;
  /** Card field to show it beside. */
  field?: string;
}

export type GateResult = { ok: true; basis: 'consent' | 'legalGround' } | { ok: false; missing: Missing[] };

/**
 * The consent gate: an aanmelding may only be sent with the consent the law asks for, or with a
 * recorded legal ground (acute safety, meldcode) and its explanation. Withdrawn consent counts as none.
 */
export function consentGate(args: {
  age: number;
  parents: Parent[];
  section: ConsentSection | undefined;
  withdrawn?: { who: Consenter; scope: ConsentScope }[];
}): GateResult {
  const section = args.section ?? {};
  const ground = (section.legalGround as LegalGround | undefined) ?? 'geen';
  if (ground !== 'geen') {
    return section.legalGroundExplanation
      ? { ok: true, basis: 'legalGround' }
      : { ok: false, missing: [{ key: 'consent.missing.legalGroundExplanation', field: 'legalGroundExplanation' }] };
  }
  const withdrawn = new Set((args.withdrawn ?? []).filter((w) => w.scope === 'wijkteam').map((w) => w.who));
  const records = new Map(consentRecords(section, args.parents).map((r) => [r.who, r]));
  const gave = (who: Consenter) => records.get(who)?.wijkteam === true && !withdrawn.has(who);
  const need = requiredConsenters(args.age);
  const missing: Missing[] = [];
  if (need.parentsWithAuthority) {
    const withAuthority = args.parents.filter((p) => p.authority === 'ja');
    if (withAuthority.length === 0) missing.push({ key: 'consent.missing.noAuthority' });
    for (const p of withAuthority) {
      if (!gave(`parent${p.slot}`)) missing.push({ key: 'consent.missing.parent', params: { name: p.name }, field: consentField(`parent${p.slot}`, 'wijkteam') });
    }
  }
  if (need.pupil && !gave('pupil')) missing.push({ key: 'consent.missing.pupil', field: consentField('pupil', 'wijkteam') });
  return missing.length === 0 ? { ok: true, basis: 'consent' } : { ok: false, missing };
}
