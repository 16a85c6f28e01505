import { z } from 'zod';
import { renderFormCard, type FieldViewInput } from '../form/index.js';
import type { AdaptiveCardJson } from '../render.js';
import { fieldViews, type FieldDef, type RawValues, type Translate } from './fields.js';
import { SECTIONS } from './sections.js';
import { VERBS } from '../verbs.js';
import { SECTION_IDS, type Referral, type SectionId } from '../../src/domain/referral.js';
import type { Wijkteam } from '../../src/domain/routing.js';
import type { Missing } from '../../src/domain/sections/consent.js';
import type { InstrumentOptions } from '../../src/domain/sections/safety.js';
import type { FieldErrors } from '../../src/domain/validation.js';
import { reviewFacts } from './summary.js';

export type Notice = { kind: 'saved' | 'attention' | 'warning'; text: string };

/**
 * What the form's and the review's buttons carry besides the inputs: ids, the section and the
 * version. Nothing else is trusted; the inputs are read per section by its field list.
 */
export const ReferralFormActionSchema = z.object({
  referralId: z.string().uuid(),
  version: z.coerce.number().int().min(0),
  section: z.enum([...SECTION_IDS, 'review']),
});

/** "Verder invullen" and "Aanpassen": the referral only. */
export const ResumeActionSchema = z.object({ referralId: z.string().uuid() });

const NOTICE_STYLE = {
  // Green text on a white card: the light green "good" container made green text hard to read.
  saved: { color: 'Good', style: 'default' },
  attention: { color: 'Attention', style: 'attention' },
  warning: { color: 'Warning', style: 'warning' },
} as const;

const noticeOf = (n?: Notice) => (n ? { text: n.text, ...NOTICE_STYLE[n.kind] } : undefined);
const STEPS = SECTION_IDS.length + 1;

export interface ReferralFormView {
  referralId: string;
  version: number;
  referral?: Referral;
  section: SectionId;
  values: RawValues;
  errors?: FieldErrors;
  notice?: Notice;
  instruments: InstrumentOptions;
  /** Today in the school's time zone (yyyy-MM-dd): the default of a consent date. */
  today?: string;
}

function subtitle(tr: Translate, step: number, referral?: Referral): string {
  return referral ? tr('referral.step', { step, of: STEPS, number: referral.number }) : tr('referral.stepNew', { step, of: STEPS });
}

/** What fieldViews gives an input without its own maxLength. */
const DEFAULT_MAX_LENGTH = 500;
const MAX_CHARS_ERROR = 'v.maxChars:';

/**
 * A value longer than its field may hold is shown cut to the field's length with "Maximaal N
 * tekens" beside it, so the card stays within Teams' size budget and everything else is kept.
 */
function fitValues(defs: FieldDef[], values: RawValues, errors: FieldErrors): { values: RawValues; errors: FieldErrors } {
  const fitted: RawValues = { ...values };
  const withLimits: FieldErrors = { ...errors };
  for (const d of defs) {
    const max = d.maxLength ?? DEFAULT_MAX_LENGTH;
    const value = fitted[d.id];
    const tooLong = value !== undefined && value.length > max;
    if (tooLong) fitted[d.id] = value.slice(0, max);
    if (tooLong || withLimits[d.id] === 'v.tooLong') withLimits[d.id] = `${MAX_CHARS_ERROR}${max}`;
  }
  return { values: fitted, errors: withLimits };
}

/** Resolves the length errors of {@link fitValues}; every other key as the catalogue has it. */
function withLengthErrors(tr: Translate): Translate {
  return (key, params) => (key.startsWith(MAX_CHARS_ERROR) ? tr('v.maxChars', { max: key.slice(MAX_CHARS_ERROR.length) }) : tr(key, params));
}

/** One section of the aanmeldformulier as a card; action data carries only ids, the section and the version. */
export function referralFormCard(tr: Translate, view: ReferralFormView): AdaptiveCardJson {
  const section = SECTIONS[view.section];
  const defs = section.fields({ referral: view.referral, instruments: view.instruments });
  const fitted = fitValues(defs, view.values, view.errors ?? {});
  const step = SECTION_IDS.indexOf(view.section) + 1;
  const data = { referralId: view.referralId, version: view.version, section: view.section };
  const actions = [
    { verb: VERBS.sectionSave, title: tr(step === SECTION_IDS.length ? 'referral.saveReview' : 'referral.saveNext'), style: 'positive' as const, data },
    ...(step > 1 ? [{ verb: VERBS.sectionBack, title: tr('referral.back'), data }] : []),
    { verb: VERBS.sectionLater, title: tr('referral.later'), data },
  ];
  return renderFormCard({
    title: `${tr('referral.title')} — ${tr(section.titleKey)}`,
    subtitle: subtitle(tr, step, view.referral),
    notice: noticeOf(view.notice),
    fields: fieldViews(defs, fitted.values, fitted.errors, withLengthErrors(tr), view.today),
    footer: tr('referral.privacyFooter'),
    actions,
  });
}

export interface ReviewView {
  referral: Referral;
  routed?: { wijkteamId: string; district: string };
  wijkteams: Wijkteam[];
  chosenWijkteam?: string;
  blockers: Missing[];
  notice?: Notice;
}

/** "Controleren en versturen": everything at a glance (1:1 chat only), what is missing, and the wijkteam. */
export function reviewCard(tr: Translate, view: ReviewView): AdaptiveCardJson {
  const r = view.referral;
  const data = { referralId: r.referralId, version: r.version, section: 'review' };
  const fields: FieldViewInput[] = [];
  if (view.routed) {
    const name = view.wijkteams.find((w) => w.id === view.routed?.wijkteamId)?.name ?? view.routed.wijkteamId;
    fields.push({ kind: 'info', label: tr('review.routed', { wijkteam: name, district: view.routed.district }) });
  }
  fields.push({
    kind: 'choice',
    id: 'wijkteamId',
    label: tr(view.routed ? 'review.wijkteamOverride' : 'review.wijkteamChoose'),
    value: view.chosenWijkteam ?? view.routed?.wijkteamId ?? '',
    choices: view.wijkteams.map((w) => ({ title: w.name, value: w.id })),
    error: view.blockers.some((b) => b.field === 'wijkteamId') ? tr('submit.missing.wijkteam') : '',
  });
  for (const b of view.blockers.filter((b) => b.field !== 'wijkteamId')) {
    fields.push({ kind: 'info', label: `⚠ ${tr(b.key, b.key === 'submit.missing.section' ? { section: tr(`referral.${b.params?.section}.title`) } : b.params)}` });
  }
  return renderFormCard({
    title: `${tr('referral.title')} — ${tr('review.title')}`,
    subtitle: tr('referral.step', { step: STEPS, of: STEPS, number: r.number }),
    notice: noticeOf(view.notice),
    facts: reviewFacts(tr, r),
    fields,
    footer: tr('review.footer'),
    actions: [
      { verb: VERBS.submit, title: tr('review.submit'), style: 'positive', data },
      { verb: VERBS.sectionBack, title: tr('referral.back'), data },
      { verb: VERBS.sectionLater, title: tr('referral.later'), data },
    ],
  });
}

/** The card after "Later verder": what is kept and how to continue. */
export function laterCard(tr: Translate, referral: Referral, time: string): AdaptiveCardJson {
  return renderFormCard({
    title: `${tr('referral.title')} — ${referral.number}`,
    notice: { text: tr('referral.keptForLater', { time }), color: 'Good', style: 'good' },
    actions: [{ verb: VERBS.resume, title: tr('referral.resume'), style: 'positive', data: { referralId: referral.referralId }, validate: false }],
  });
}
