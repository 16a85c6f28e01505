import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { BotDeps } from './deps.js';
import { trustOf } from '../server/trust.js';
import { statusOf } from '../store/documents.js';

/** A roster read again when a person is not found in a cache older than this (new team members). */
const RECHECK_AFTER_MS = 60_000;

/**
 * Whether a person is a member of the Teams team linked to a wijkteam: the wijkteam's members
 * are its team's members. The roster is cached in Cosmos (ROSTER_CACHE_MINUTES) and read again
 * through the Teams roster API when stale, or when someone is missing from an older cache.
 */
export async function isWijkteamMember(ctx: TurnContext, deps: BotDeps, wijkteamId: string | undefined, aadObjectId: string): Promise<boolean> {
  if (!wijkteamId) return false;
  const channel = await deps.settings.channel(wijkteamId);
  if (!channel) return false;
  const now = deps.clock.now().getTime();
  const cache = await deps.settings.roster(channel.teamId);
  const age = cache ? now - new Date(cache.fetchedAt).getTime() : Infinity;
  if (cache && age < deps.config.rosterCacheMinutes * 60_000) {
    if (cache.members.includes(aadObjectId)) return true;
    if (age < RECHECK_AFTER_MS) return false;
  }
  // The roster is read through the clicker's service URL: only a trusted one may answer it.
  if (!trustOf(deps.config).isTrusted(ctx.activity.serviceUrl)) {
    deps.log.warn({ teamId: channel.teamId }, 'roster not read: untrusted serviceUrl');
    return false;
  }
  const members: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await TeamsInfo.getPagedTeamMembers(ctx, channel.teamId, 500, token);
      for (const m of page.members) if (m.aadObjectId) members.push(m.aadObjectId);
      token = page.continuationToken || undefined;
    } while (token);
  } catch (err) {
    // A failed read leaves the cache as it was: the last good roster still answers.
    deps.log.warn({ teamId: channel.teamId, status: statusOf(err) ?? null, err: { name: (err as Error).name } }, 'wijkteam roster read failed');
    return cache ? cache.members.includes(aadObjectId) : false;
  }
  await deps.settings.saveRoster(channel.teamId, members, new Date(now));
  deps.log.debug({ teamId: channel.teamId, members: members.length }, 'wijkteam roster read');
  return members.includes(aadObjectId);
}
