import type { Application } from '@microsoft/teams-ai';
import { TurnContext } from 'botbuilder';
import type { ConversationRecord } from '../../store/conversations.js';
import { tenantOf, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';
import { trustOf } from '../../server/trust.js';

/**
 * Keeps the conversation references proactive messages need: on install, on members added and
 * on the first message in a personal chat (so users who installed before we stored still work).
 */
export function registerConversations(app: Application, deps: BotDeps): void {
  app.activity('installationUpdate', async (ctx) => {
    await remember(ctx, deps);
    const action = (ctx.activity as { action?: string }).action;
    if (action === 'add' && ctx.activity.conversation?.conversationType === 'personal') {
      await ctx.sendActivity(trOf(ctx)('welcome.personal'));
    }
  });
  app.conversationUpdate('membersAdded', async (ctx) => {
    const botAdded = ctx.activity.membersAdded?.some((m) => m.id === ctx.activity.recipient.id);
    if (botAdded || ctx.activity.conversation?.conversationType === 'personal') await remember(ctx, deps);
  });
  app.turn('beforeTurn', async (ctx) => {
    if (ctx.activity.type === 'message' && ctx.activity.conversation?.conversationType === 'personal') {
      const known = ctx.activity.from?.aadObjectId ? await deps.conversations.personal(ctx.activity.from.aadObjectId) : undefined;
      const locale = ctx.activity.locale ?? undefined;
      if (!known || known.serviceUrl !== ctx.activity.serviceUrl || known.conversationId !== ctx.activity.conversation.id || known.locale !== locale) {
        await remember(ctx, deps);
      }
    }
    return true;
  });
}

async function remember(ctx: TurnContext, deps: BotDeps): Promise<void> {
  // The door refuses such activities already; a stored reference is never replaced from one.
  if (!trustOf(deps.config).isTrusted(ctx.activity.serviceUrl)) {
    deps.log.warn({ type: ctx.activity.type }, 'conversation reference not stored: untrusted serviceUrl');
    return;
  }
  const record = recordOf(ctx, deps.clock.now());
  if (!record) {
    deps.log.warn({ type: ctx.activity.type }, 'conversation reference not stored: tenant or user missing');
    return;
  }
  await deps.conversations.save(record);
  deps.log.debug({ kind: record.kind, conversation: record.conversationId }, 'conversation reference stored');
}

function recordOf(ctx: TurnContext, now: Date): ConversationRecord | undefined {
  const a = ctx.activity;
  const ref = TurnContext.getConversationReference(a);
  const tenantId = tenantOf(ctx);
  const conversationId = ref.conversation?.id;
  if (!tenantId || !conversationId || !ref.serviceUrl || !ref.bot?.id) return undefined;
  const type = a.conversation?.conversationType;
  const channelData = a.channelData as { team?: { id?: string }; channel?: { id?: string } } | undefined;
  const base = {
    tenantId,
    serviceUrl: ref.serviceUrl,
    conversationId,
    conversationType: type,
    botId: ref.bot.id,
    botName: ref.bot.name,
    updatedAt: now.toISOString(),
  };
  if (type === 'personal') {
    const user = a.from?.aadObjectId ? a.from : undefined;
    if (!user?.aadObjectId) return undefined;
    return { ...base, id: `personal:${user.aadObjectId}`, userId: user.aadObjectId, kind: 'personal', teamsUserId: user.id, locale: a.locale ?? undefined };
  }
  if (type === 'channel' && channelData?.team?.id) {
    const channelId = channelData.channel?.id ?? conversationId;
    return { ...base, id: `channel:${channelId}`, userId: `team:${channelData.team.id}`, kind: 'channel', teamId: channelData.team.id, channelId };
  }
  return { ...base, id: `group:${conversationId}`, userId: `group:${conversationId}`, kind: 'groupChat' };
}
