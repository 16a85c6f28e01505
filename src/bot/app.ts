import { randomUUID } from 'node:crypto';
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { trOf } from './context.js';
import type { BotDeps } from './deps.js';
import { registerConversations } from './features/conversations.js';
import { registerFallback, registerHelp } from './features/help.js';
import { registerReferralForm } from './features/referralForm.js';
import { registerIntake } from './features/intake.js';
import { registerCommands } from './features/commands.js';
import { registerConsent } from './features/consent.js';
import { registerClosing } from './features/closing.js';
import { registerFamilyData } from './features/familyData.js';
import { registerHandover } from './features/handover.js';
import { registerReminders } from './features/reminders.js';
import { registerReport } from './features/report.js';
import type { Config } from '../config.js';

export interface Bot {
  adapter: TeamsAdapter;
  app: Application;
}

/** Builds the adapter (Bot Framework auth from config) and the teams-ai Application with all features. */
export function createAdapter(config: Config): TeamsAdapter {
  const { bot } = config;
  return new TeamsAdapter(
    bot.appId
      ? { MicrosoftAppId: bot.appId, MicrosoftAppPassword: bot.appPassword, MicrosoftAppType: bot.appType, MicrosoftAppTenantId: bot.appTenantId }
      : {},
  );
}

export function createBot(deps: BotDeps, adapter: TeamsAdapter): Bot {
  const { bot } = deps.config;
  const app = new Application({
    adapter,
    botAppId: bot.appId ?? '',
    // No turn state is kept: every handler reloads what it needs from Cosmos (stateless instances).
    removeRecipientMention: true,
    // Handlers answer within a second; long work reports its own progress instead of typing dots.
    startTypingTimer: false,
    longRunningMessages: false,
  });

  registerConversations(app, deps);
  registerHelp(app);
  registerReferralForm(app, deps);
  registerIntake(app, deps);
  registerCommands(app, deps);
  registerConsent(app, deps);
  registerClosing(app, deps);
  registerFamilyData(app, deps);
  registerHandover(app, deps);
  registerReminders(app, deps);
  registerReport(app, deps);
  registerFallback(app);

  app.error(async (ctx, error) => {
    // A proactive send (continueConversation / createConversation) runs as a turn too: its caller
    // must see the failure (403, 404, 429) to record it, so it is not answered here.
    if (isProactive(ctx)) throw error;
    await onTurnError(ctx, error, deps);
  });
  return { adapter, app };
}

function isProactive(ctx: TurnContext): boolean {
  const { type, name } = ctx.activity;
  return type === ActivityTypes.Event && (name === 'ContinueConversation' || name === 'CreateConversation');
}

/** One place for bugs: log with a correlation id (no personal data) and answer politely. */
async function onTurnError(ctx: TurnContext, error: Error, deps: BotDeps): Promise<void> {
  const code = randomUUID().slice(0, 8);
  deps.log.error(
    { code, err: { name: error.name, message: error.message, stack: error.stack }, activityType: ctx.activity.type, name: ctx.activity.name },
    'unhandled error in turn',
  );
  const text = trOf(ctx)('error.generic', { code });
  try {
    if (ctx.activity.type === ActivityTypes.Invoke) {
      await ctx.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
      });
    } else {
      await ctx.sendActivity(text);
    }
  } catch (sendError) {
    deps.log.error({ code, err: { message: (sendError as Error).message } }, 'could not tell the user about the error');
  }
}
