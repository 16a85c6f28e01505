import type { Application } from '@microsoft/teams-ai';
import { actorOf, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `coördinatoren`, `coördinator toevoegen <id>`, `coördinator verwijderen <id>`: coordinators
 * manage coordinators (the gate lets only coordinators reach this). Configured ids stay; every
 * change is written to the security log.
 */
export function registerCoordinators(app: Application, deps: BotDeps): void {
  app.message(/^\s*co[öo]rdinator(en)?\b/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    if (!actor) return void (await ctx.sendActivity(tr('error.unknownUser')));
    if (ctx.activity.conversation?.conversationType !== 'personal') return void (await ctx.sendActivity(tr('coordinators.personalOnly')));
    const [, verb, id = ''] = /^\s*co[öo]rdinator(?:en)?\s+(toevoegen|verwijderen)\s*(\S*)\s*$/i.exec(ctx.activity.text ?? '') ?? [];
    if (!verb) {
      const { configured, added } = await deps.coordinators.list();
      const none = tr('coordinators.none');
      return void (await ctx.sendActivity(tr('coordinators.list', { configured: configured.join(', ') || none, added: added.join(', ') || none })));
    }
    if (!GUID.test(id)) return void (await ctx.sendActivity(tr('coordinators.badId')));
    const subject = id.toLowerCase();
    const adding = verb.toLowerCase() === 'toevoegen';
    if (!adding && subject === actor.aadObjectId.toLowerCase()) return void (await ctx.sendActivity(tr('coordinators.self')));
    const at = deps.clock.now();
    const change = adding ? await deps.coordinators.add(subject, actor.aadObjectId, at) : await deps.coordinators.remove(subject, actor.aadObjectId, at);
    if (change === 'added' || change === 'removed') {
      await deps.securityLog.write({ action: `coordinator.${change}`, outcome: 'changed', actor: actor.aadObjectId, tenantId: actor.tenantId, detail: { subject } }, at);
      deps.log.info({ actor: actor.aadObjectId, subject, change }, 'coordinators changed');
    }
    await ctx.sendActivity(tr(`coordinators.${change}`, { id: subject }));
  });
}
