import type { Application } from '@microsoft/teams-ai';
import { COMMAND_RULES, COMMANDS, type Command } from '../../domain/accessMatrix.js';
import { actorOf, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

/** Commands only coordinators may use (every cell of their row is the coordinator's). */
const coordinatorOnly = (c: Command) => Object.keys(COMMAND_RULES[c].cells).join() === 'coordinator';

/**
 * `help` (also `hulp`, `?`): what this person can do, from the access matrix — a coordinator also
 * sees the coordinator commands; `help alles` shows everything, marked; `tijdreis` only in local mode.
 */
export function registerHelp(app: Application, deps: BotDeps, localMode = false): void {
  app.message(/^\s*(help|hulp|\?)(\s+(alles|meer|all|more))?\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const all = /\s(alles|meer|all|more)\s*$/i.test(ctx.activity.text ?? '');
    const actor = actorOf(ctx);
    const coordinator = actor ? await deps.coordinators.has(actor.aadObjectId) : false;
    const line = (c: Command) => `- ${tr(`help.cmd.${c}`)}`;
    const everyone = COMMANDS.filter((c) => !coordinatorOnly(c) && c !== 'help' && c !== 'tijdreis').map(line);
    const extra = COMMANDS.filter(coordinatorOnly).map(line);
    const parts = [tr('help.intro'), everyone.join('\n')];
    if (coordinator || all) parts.push(`${tr(coordinator ? 'help.coordinator' : 'help.coordinatorOnly')}\n\n${extra.join('\n')}`);
    // `tijdreis` exists only in local mode (time travel to see reminders arrive).
    if (localMode) parts.push(tr('help.timeTravel'));
    parts.push(line('help'), tr('help.outro'));
    await ctx.sendActivity(parts.join('\n\n'));
  });
}

/** Anything not understood gets a pointer to `help` instead of silence. */
export function registerFallback(app: Application): void {
  app.activity('message', async (ctx) => {
    await ctx.sendActivity(trOf(ctx)('help.unknown'));
  });
}
