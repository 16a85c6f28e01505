import type { Application } from '@microsoft/teams-ai';
import { DateTime } from 'luxon';
import { actorOf, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

const UNITS: Record<string, number> = { m: 60_000, min: 60_000, u: 3_600_000, h: 3_600_000, uur: 3_600_000, d: 86_400_000, dag: 86_400_000, dagen: 86_400_000, w: 604_800_000, week: 604_800_000, weken: 604_800_000 };

/** `+2d`, `+3u`, `+30m`, `2026-12-08 08:30` (local time; without a time 08:00). Undefined when not understood. */
export function travelTarget(arg: string, now: Date, timeZone: string): Date | undefined {
  const relative = /^\+\s*(\d{1,4})\s*([a-z]+)$/i.exec(arg);
  if (relative) {
    const unit = UNITS[(relative[2] ?? '').toLowerCase()];
    return unit ? new Date(now.getTime() + Number(relative[1]) * unit) : undefined;
  }
  const absolute = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?$/.exec(arg);
  if (!absolute) return undefined;
  const at = DateTime.fromISO(`${absolute[1]}T${(absolute[2] ?? '08').padStart(2, '0')}:${absolute[3] ?? '00'}`, { zone: timeZone });
  return at.isValid ? at.toJSDate() : undefined;
}

function localText(at: Date, timeZone: string, lang: 'nl' | 'en'): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).setLocale(lang === 'nl' ? 'nl' : 'en-GB').toFormat(lang === 'nl' ? "cccc d LLLL yyyy 'om' HH:mm" : "cccc d LLLL yyyy 'at' HH:mm");
}

/**
 * `tijdreis`: moves the clock forward in local mode so reminders and escalations can be seen
 * without waiting days. Outside local mode (COSMOS_ENDPOINT set, or production) it does not
 * exist: answered as any unknown text, and the attempt is logged.
 */
export function registerTimeTravel(app: Application, deps: BotDeps): void {
  app.message(/^\s*tijdreis\b/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    const travel = deps.timeTravel;
    if (!travel || deps.config.cosmos.endpoint || deps.config.env === 'production') {
      deps.log.warn({ audit: 'timeTravel.refused', actor: actor?.aadObjectId, env: deps.config.env, azure: Boolean(deps.config.cosmos.endpoint) }, 'tijdreis refused: local mode only');
      return void (await ctx.sendActivity(tr('help.unknown')));
    }
    const lang = (ctx.activity.locale ?? '').toLowerCase().startsWith('en') ? 'en' : 'nl';
    const arg = (ctx.activity.text ?? '').replace(/^\s*tijdreis\b/i, '').trim();
    const zone = deps.config.timeZone;
    const target = travelTarget(arg, deps.clock.now(), zone);
    if (!target) return void (await ctx.sendActivity(tr('timeTravel.usage')));
    try {
      travel.travelTo(target);
    } catch (err) {
      if (err instanceof RangeError) return void (await ctx.sendActivity(tr('timeTravel.backwards', { now: localText(deps.clock.now(), zone, lang) })));
      throw err;
    }
    deps.log.info({ audit: 'timeTravel.moved', actor: actor?.aadObjectId, to: target.toISOString() }, 'tijdreis: clock moved forward');
    await ctx.sendActivity(tr('timeTravel.moved', { when: localText(deps.clock.now(), zone, lang), zone }));
    // In the background: the answer does not wait for the sends (a turn should end within seconds).
    void travel.runDue().catch((err: unknown) => deps.log.error({ err: { message: (err as Error).message } }, 'tijdreis: running due reminders failed'));
  });
}
