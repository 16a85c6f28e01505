import type { Application } from '@microsoft/teams-ai';
import { trOf } from '../context.js';

/** `help` (also `hulp`, `?`): what Schakel can do, in the user's language. */
export function registerHelp(app: Application): void {
  app.message(/^\s*(help|hulp|\?)\s*$/i, async (ctx) => {
    await ctx.sendActivity(trOf(ctx)('help.text'));
  });
}

/** Anything not understood gets a pointer to `help` instead of silence. */
export function registerFallback(app: Application): void {
  app.activity('message', async (ctx) => {
    await ctx.sendActivity(trOf(ctx)('help.unknown'));
  });
}
