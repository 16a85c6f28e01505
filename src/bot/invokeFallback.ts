import { ActivityTypes, INVOKE_RESPONSE_KEY, type TurnContext } from 'botbuilder';
import { trOf } from './context.js';

/**
 * Answers an invoke no handler answered, the way Teams expects, instead of botbuilder's 501:
 * an unknown `Action.Execute` verb gets a short message in place of the card, a task module a
 * message, a messaging-extension query an empty result, anything else an empty 200.
 */
export async function answerUnhandledInvoke(ctx: TurnContext): Promise<void> {
  if (ctx.activity.type !== ActivityTypes.Invoke || ctx.turnState.get(INVOKE_RESPONSE_KEY)) return;
  await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: fallbackBody(ctx) } });
}

function fallbackBody(ctx: TurnContext): Record<string, unknown> {
  const name = typeof ctx.activity.name === 'string' ? ctx.activity.name : '';
  const text = trOf(ctx)('error.badAction');
  if (name === 'adaptiveCard/action') return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
  if (name === 'task/fetch' || name === 'task/submit') return { task: { type: 'message', value: text } };
  if (name.startsWith('composeExtension/')) return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments: [] } };
  return {};
}
