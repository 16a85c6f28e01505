import { CardFactory, MessageFactory } from 'botbuilder';
import { recordIntakePost } from '../domain/intake.js';
import type { Referral } from '../domain/referral.js';
import type { Actor } from '../domain/types.js';
import { translator } from '../i18n/index.js';
import { decideAndSave } from './actions.js';
import type { BotDeps } from './deps.js';
import { intakeCard } from '../../cards/intake/index.js';

/** Names of wijkteams for cards, from the stored table. */
export async function wijkteamNamer(deps: BotDeps): Promise<(id: string) => string> {
  const map = await deps.settings.districtMap();
  return (id) => map?.wijkteam(id)?.name ?? id;
}

/**
 * Posts the intake card in the channel of the referral's wijkteam and remembers where, so later
 * actions update it in place. False when that wijkteam has no linked channel yet: the referral
 * stays submitted and is posted when a coordinator links the channel.
 */
export async function postIntake(deps: BotDeps, referral: Referral, actor: Actor): Promise<boolean> {
  const wijkteamId = referral.routing?.wijkteamId;
  const channel = wijkteamId ? await deps.settings.channel(wijkteamId) : undefined;
  if (!channel) {
    deps.log.warn({ referralId: referral.referralId, wijkteam: wijkteamId }, 'wijkteam has no linked channel: intake card not posted yet');
    return false;
  }
  const tr = translator('nl');
  const today = deps.calendar.localDate(deps.clock.now());
  const card = intakeCard(tr, referral, today, await wijkteamNamer(deps));
  const activityId = await deps.messenger.postToChannel(channel, MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  await decideAndSave(deps, referral.referralId, actor, (current, now) => {
    if (!current || current.state !== 'submitted' || current.routing?.wijkteamId !== wijkteamId) return { ok: true, value: current as Referral, events: [], unchanged: true };
    return {
      ok: true,
      value: { ...recordIntakePost(current, { wijkteamId: channel.wijkteamId, conversationId: channel.channelId, activityId, postedAt: now.at.toISOString() }), updatedAt: now.at.toISOString() },
      events: [{ type: 'timeline', entry: 'intakePosted', detail: { wijkteam: channel.wijkteamId } }],
    };
  });
  return true;
}
