import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../../cards/render.js';
import type { Now } from '../domain/draft.js';
import type { Actor } from '../domain/types.js';
import { langOf, translator, type Lang } from '../i18n/index.js';
import type { BotDeps } from './deps.js';

/** The tenant of an activity as Teams sends it (channelData first, then the conversation). */
export function tenantOf(ctx: TurnContext): string | undefined {
  const data = ctx.activity.channelData as { tenant?: { id?: string } } | undefined;
  return data?.tenant?.id ?? ctx.activity.conversation?.tenantId ?? undefined;
}

/** The acting person, from the authenticated activity only. Undefined when Teams did not say who. */
export function actorOf(ctx: TurnContext): Actor | undefined {
  const from = ctx.activity.from;
  const tenantId = tenantOf(ctx);
  if (!from?.aadObjectId || !tenantId) return undefined;
  return { aadObjectId: from.aadObjectId, name: from.name ?? '', tenantId, teamsUserId: from.id };
}

export function langOfTurn(ctx: TurnContext): Lang {
  return langOf(ctx.activity.locale ?? undefined);
}

export function trOf(ctx: TurnContext) {
  return translator(langOfTurn(ctx));
}

export function nowOf(deps: BotDeps): Now {
  const at = deps.clock.now();
  return { at, today: deps.calendar.localDate(at) };
}

/** One formatter per time zone: building an `Intl.DateTimeFormat` costs far more than using it. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** Local time of day for "saved at" notices. */
export function localTime(deps: BotDeps, at: Date): string {
  const zone = deps.config.timeZone;
  let format = timeFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('nl-NL', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
    timeFormats.set(zone, format);
  }
  return format.format(at);
}

/**
 * Answers an `Action.Execute` with a card that replaces the one clicked, for the person who
 * clicked. Sending the invoke response ourselves keeps teams-ai from calling updateActivity,
 * which it does for cards with `refresh` and which loops on Teams' automatic refreshes.
 */
export async function respondWithCard(ctx: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } },
  });
}

/** Answers an `Action.Execute` with a short message instead of a card. */
export async function respondWithMessage(ctx: TurnContext, text: string): Promise<void> {
  await ctx.sendActivity({
    type: ActivityTypes.InvokeResponse,
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  });
}
