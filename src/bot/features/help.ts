import type { Application } from '@microsoft/teams-ai';
import { trOf } from '../context.js';

/** `help` (also `hulp`, `?`): what Schakel can do, in the user's language; `tijdreis` only in local mode. */
export function registerHelp(app: Application, localMode = false): void {
  app.message(/^\s*(help|hulp|\?)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    await ctx.sendActivity(localMode ? `${tr('help.text')}\n\n${tr('help.timeTravel')}` : tr('help.text'));
  });
}

/** Anything not understood gets a pointer to `help` instead of silence. */
export function registerFallback(app: Application): void {
  app.activity('message', async (ctx) => {
    await ctx.sendActivity(trOf(ctx)('help.unknown'));
  });
}
