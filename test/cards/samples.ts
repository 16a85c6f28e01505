import type { AdaptiveCardJson } from '../../cards/render.js';
import { translator } from '../../src/i18n/index.js';
import { referralFormCard, reviewCard, submittedCard, laterCard } from '../../src/bot/views/referralForm.js';
import { declineForm, declinedCard, detailsCard, intakeCard, redirectForm } from '../../src/bot/views/intake.js';
import { SECTION_IDS } from '../../src/domain/referral.js';
import { makeFullReferral } from '../support/factories.js';

const instruments = { etmOutcomes: ['Geen zorgen', 'Ernstige zorgen'], lirikOutcomes: ['Laag risico', 'Hoog risico'] };
const wijkteams = [
  { id: 'wt-feijenoord', name: 'Wijkteam Feijenoord' },
  { id: 'wt-charlois', name: 'Wijkteam Charlois' },
];

/** Every card the bot can send, rendered with sample data, per language. Add new cards here. */
export function sampleCards(): Record<string, AdaptiveCardJson> {
  const out: Record<string, AdaptiveCardJson> = {};
  const referral = makeFullReferral();
  const submitted = { ...referral, state: 'submitted' as const, routing: { wijkteamId: 'wt-feijenoord', source: 'postcode' as const, district: 'Feijenoord' }, acceptBy: '2026-11-30' };
  const namer = (id: string) => wijkteams.find((w) => w.id === id)?.name ?? id;
  for (const lang of ['nl', 'en'] as const) {
    const tr = translator(lang);
    out[`${lang}/referral-pupil-empty`] = referralFormCard(tr, { referralId: referral.referralId, version: 0, section: 'pupil', values: {}, instruments });
    out[`${lang}/referral-pupil-errors`] = referralFormCard(tr, {
      referralId: referral.referralId,
      version: 3,
      referral,
      section: 'pupil',
      values: { firstNames: 'Noa', postcode: 'abc', interpreterNeeded: 'true', gender: 'meisje' },
      errors: { postcode: 'v.postcode', surname: 'v.required' },
      notice: { kind: 'attention', text: tr('refusal.invalid') },
      instruments,
    });
    for (const section of SECTION_IDS) {
      out[`${lang}/referral-${section}`] = referralFormCard(tr, { referralId: referral.referralId, version: 5, referral, section, values: {}, instruments });
    }
    out[`${lang}/review`] = reviewCard(tr, { referral, routed: { wijkteamId: 'wt-feijenoord', district: 'Feijenoord' }, wijkteams, blockers: [{ key: 'consent.missing.pupil', field: 'consentPupilWijkteam' }] });
    out[`${lang}/review-unrouted`] = reviewCard(tr, { referral, wijkteams, blockers: [{ key: 'submit.missing.wijkteam', field: 'wijkteamId' }] });
    out[`${lang}/later`] = laterCard(tr, referral, '10:15');
    out[`${lang}/submitted`] = submittedCard(tr, submitted, 'Wijkteam Feijenoord', false);
    out[`${lang}/intake`] = intakeCard(tr, submitted, '2026-11-23', namer);
    out[`${lang}/intake-taken`] = intakeCard(tr, { ...submitted, state: 'accepted', caseManager: { aadObjectId: 'x', name: 'Karim' } }, '2026-11-23', namer);
    out[`${lang}/intake-details`] = detailsCard(tr, submitted);
    out[`${lang}/intake-redirect`] = redirectForm(tr, submitted, wijkteams, {}, { redirectReason: 'v.required' });
    out[`${lang}/intake-decline`] = declineForm(tr, submitted);
    out[`${lang}/declined`] = declinedCard(tr, { ...submitted, state: 'declined', decline: { reason: 'Past niet', advice: 'Bel het CJG', by: { aadObjectId: 'x', name: 'Karim' }, at: '2026-11-23T10:00:00Z' } });
  }
  return out;
}
