import { caseCard, type CaseTimelineEntry } from '../../cards/case/index.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { RECENT_TIMELINE, type Referral } from '../domain/referral.js';
import { RECENT_TIMELINE_SINCE } from '../store/referrals.js';
import { translator, type Lang } from '../i18n/index.js';
import type { BotDeps } from './deps.js';
import { wijkteamNamer } from './intakePosting.js';

/** What every case card of one referral is rendered from, read once per refresh. */
export interface CaseCardContext {
  timeline: CaseTimelineEntry[];
  wijkteamName: (id: string) => string;
}

/**
 * The referral's latest timeline entries and the wijkteam names. The entries come with the
 * referral when it holds all that matter (three, or all it ever had: see
 * {@link RECENT_TIMELINE_SINCE}); otherwise the timeline is read (one point read).
 */
export async function caseCardContext(deps: BotDeps, referral: Referral): Promise<CaseCardContext> {
  // Created since: none kept means none written.
  const recent = referral.recentTimeline ?? [];
  const complete = recent.length >= RECENT_TIMELINE || referral.createdAt >= RECENT_TIMELINE_SINCE;
  const timeline = complete ? [...recent].reverse() : await deps.referrals.latestEntries(referral.referralId, 'timeline', RECENT_TIMELINE, referral.createdAt);
  return { timeline, wijkteamName: await wijkteamNamer(deps) };
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
