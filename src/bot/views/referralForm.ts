import { renderFormCard } from '../../../cards/form/index.js';
import type { AdaptiveCardJson } from '../../../cards/render.js';
import { fieldViews, type RawValues, type Translate } from '../../../cards/referral/fields.js';
import { SECTIONS } from '../../../cards/referral/sections.js';
import { VERBS } from '../../../cards/verbs.js';
import type { SectionId } from '../../domain/referral.js';
import type { FieldErrors } from '../../domain/validation.js';

export const SECTION_ORDER: SectionId[] = ['pupil'];

export type Notice = { kind: 'saved' | 'attention' | 'warning'; text: string };

export interface ReferralFormView {
  referralId: string;
  version: number;
  number?: string;
  section: SectionId;
  values: RawValues;
  errors?: FieldErrors;
  notice?: Notice;
}

const NOTICE_STYLE = {
  saved: { color: 'Good', style: 'good' },
  attention: { color: 'Attention', style: 'attention' },
  warning: { color: 'Warning', style: 'warning' },
} as const;

/** One section of the aanmeldformulier as a card; data carries only ids, the section and the version. */
export function referralFormCard(tr: Translate, view: ReferralFormView): AdaptiveCardJson {
  const section = SECTIONS[view.section];
  const step = SECTION_ORDER.indexOf(view.section) + 1;
  const data = { referralId: view.referralId, version: view.version, section: view.section };
  return renderFormCard({
    title: `${tr('referral.title')} — ${tr(section.titleKey)}`,
    subtitle: view.number
      ? tr('referral.step', { step, of: SECTION_ORDER.length, number: view.number })
      : tr('referral.stepNew', { step, of: SECTION_ORDER.length }),
    notice: view.notice ? { text: view.notice.text, ...NOTICE_STYLE[view.notice.kind] } : undefined,
    fields: fieldViews(section.fields, view.values, view.errors ?? {}, tr),
    footer: tr('referral.privacyFooter'),
    actions: [{ verb: VERBS.sectionSave, title: tr('referral.save'), style: 'positive', data }],
  });
}
