import { caseCard } from '../../cards/case/index.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import type { Referral } from '../domain/referral.js';
import { translator, type Lang } from '../i18n/index.js';
import type { BotDeps } from './deps.js';
import { wijkteamNamer } from './intakePosting.js';

/**
 * One professional's live case card, rendered from the referral as it is now: its timeline is
 * read from the referral's own partition (one single-partition query), the rest from the document.
 */
export async function renderCaseCard(deps: BotDeps, referral: Referral, viewer: string, lang?: Lang): Promise<AdaptiveCardJson> {
  const language = lang ?? (await deps.languageOf(viewer)) ?? 'nl';
  const timeline = await deps.referrals.entries(referral.referralId, 'timeline');
  return caseCard({
    tr: translator(language),
    lang: language,
    zone: deps.config.timeZone,
    now: deps.clock.now(),
    calendar: deps.calendar,
    norms: deps.serviceNorms,
    referral,
    viewer,
    wijkteamName: await wijkteamNamer(deps),
    timeline,
  });
}
