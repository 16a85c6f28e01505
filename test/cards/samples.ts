import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator } from '../../src/i18n/index.js';
import { referralFormCard } from '../../src/bot/views/referralForm.js';

/** Every card the bot can send, rendered with sample data, per language. Add new cards here. */
export function sampleCards(): Record<string, AdaptiveCardJson> {
  const out: Record<string, AdaptiveCardJson> = {};
  for (const lang of ['nl', 'en'] as const) {
    const tr = translator(lang);
    out[`${lang}/referral-pupil-empty`] = referralFormCard(tr, { referralId: '0f8fad5b-d9cb-469f-a165-70867728950e', version: 0, section: 'pupil', values: {} });
    out[`${lang}/referral-pupil-errors`] = referralFormCard(tr, {
      referralId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      version: 3,
      number: 'AM-7K3QX2',
      section: 'pupil',
      values: { firstNames: 'Noa', postcode: 'abc', interpreterNeeded: 'true', gender: 'meisje' },
      errors: { postcode: 'v.postcode', surname: 'v.required' },
      notice: { kind: 'attention', text: tr('refusal.invalid') },
    });
  }
  return out;
}
