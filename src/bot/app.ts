import { randomUUID } from 'node:crypto';
// Deep imports: the package index also loads its AI modules (openai, gpt-tokenizer), which
// Schakel does not use: ~12 MB of heap and ~0.2 s of start-up less.
import { Application } from '@microsoft/teams-ai/lib/Application.js';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter.js';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { trOf } from './context.js';
import type { BotDeps } from './deps.js';
import { registerConversations } from './features/conversations.js';
import { registerGate } from './gate.js';
import { registerCoordinators } from './features/coordinators.js';
import { registerFallback, registerHelp } from './features/help.js';
import { registerDigest } from './features/digest.js';
import { registerReferralForm } from './features/referralForm.js';
import { registerIntake } from './features/intake.js';
import { registerCommands } from './features/commands.js';
import { registerConsent } from './features/consent.js';
import { registerClosing } from './features/closing.js';
import { registerFamilyData } from './features/familyData.js';
import { registerHandover } from './features/handover.js';
import { registerParentLink } from './features/parentLink.js';
import { registerReminders } from './features/reminders.js';
import { registerTimeTravel } from './features/timeTravel.js';
import { registerReport } from './features/report.js';
import { registerReassign } from './features/reassign.js';
import { registerDeliveryProblems } from './deliveryProblems.js';
import type { Config } from '../config.js';
import type { ServiceUrlTrust } from '../server/trust.js';
import { guardConnectorCalls } from './connector.js';
import { refuseBadTokensAs401 } from './authentication.js';

export interface Bot {
  adapter: TeamsAdapter;
  app: Application;
}

/**
 * Where incoming Bot Framework tokens are checked against, for a test of the authenticated door
 * on loopback (OpenID metadata and keys served locally). Never read from the environment.
 */
export interface ChannelAuthOverride {
  openIdMetadataUrl: string;
  tokenIssuer: string;
}

/**
 * Builds the adapter (Bot Framework auth from config). Its connector calls go only to trusted
 * service URLs and end within CONNECTOR_TIMEOUT_MS (see connector.ts).
 */
export function createAdapter(config: Config, trust: ServiceUrlTrust, channelAuth?: ChannelAuthOverride): TeamsAdapter {
  const { bot } = config;
  const adapter = new TeamsAdapter(
    bot.appId
      ? {
          MicrosoftAppId: bot.appId,
          MicrosoftAppPassword: bot.appPassword,
          MicrosoftAppType: bot.appType,
          MicrosoftAppTenantId: bot.appTenantId,
          ...(channelAuth
            ? {
                // Setting one endpoint makes botbuilder take all of them from here: public cloud values
                // except where the token is checked.
                ToBotFromChannelOpenIdMetadataUrl: channelAuth.openIdMetadataUrl,
                ToBotFromChannelTokenIssuer: channelAuth.tokenIssuer,
                ToBotFromEmulatorOpenIdMetadataUrl: channelAuth.openIdMetadataUrl,
                ToChannelFromBotLoginUrl: `https://login.microsoftonline.com/${bot.appTenantId ?? 'botframework.com'}`,
                ToChannelFromBotOAuthScope: 'https://api.botframework.com',
                OAuthUrl: 'https://api.botframework.com',
                CallerId: 'urn:botframework:azure',
                ValidateAuthority: true,
              }
            : {}),
        }
      : {},
  );
  guardConnectorCalls(adapter, trust, bot.connectorTimeoutMs);
  refuseBadTokensAs401(adapter);
  return adapter;
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
  // Before any feature: the access matrix answers first for every card action and command.
  registerGate(app, deps);
  registerHelp(app, deps, Boolean(deps.timeTravel));
  registerReferralForm(app, deps);
  registerIntake(app, deps);
  registerCommands(app, deps);
  registerDigest(app, deps);
  registerConsent(app, deps);
  registerClosing(app, deps);
  registerFamilyData(app, deps);
  registerHandover(app, deps);
  registerParentLink(app, deps);
  registerReminders(app, deps);
  registerDeliveryProblems(app, deps);
  registerCoordinators(app, deps);
  registerTimeTravel(app, deps);
  registerReport(app, deps);
  registerReassign(app, deps);
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
