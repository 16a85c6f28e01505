import { caseCard, type CaseTimelineEntry } from '../../cards/case/index.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import type { Referral } from '../domain/referral.js';
import { translator, type Lang } from '../i18n/index.js';
import type { BotDeps } from './deps.js';
import { wijkteamNamer } from './intakePosting.js';

/** What every case card of one referral is rendered from, read once per refresh. */
export interface CaseCardContext {
  timeline: CaseTimelineEntry[];
  wijkteamName: (id: string) => string;
}

/** The referral's latest timeline entries (usually kept with it: no read) and the wijkteam names. */
export async function caseCardContext(deps: BotDeps, referral: Referral): Promise<CaseCardContext> {
  return { timeline: await deps.referrals.recentTimelineOf(referral), wijkteamName: await wijkteamNamer(deps) };
}

/** One professional's live case card, rendered from the referral as it is now. */
export async function renderCaseCard(deps: BotDeps, referral: Referral, viewer: string, lang?: Lang, context?: CaseCardContext): Promise<AdaptiveCardJson> {
  const language = lang ?? (await deps.languageOf(viewer)) ?? 'nl';
  const { timeline, wijkteamName } = context ?? (await caseCardContext(deps, referral));
  return caseCard({
    tr: translator(language),
    lang: language,
    zone: deps.config.timeZone,
    now: deps.clock.now(),
    calendar: deps.calendar,
    norms: deps.serviceNorms,
    referral,
    viewer,
    wijkteamName,
    timeline,
  });
}
