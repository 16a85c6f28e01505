import type { Application } from '@microsoft/teams-ai';
import { DateTime } from 'luxon';
import { digestCard, type DigestEntry } from '../../../cards/digest/index.js';
import type { TeamsPort } from '../../effects/ports.js';
import { translator } from '../../i18n/index.js';
import { bucketOf, type ReminderDocument } from '../../store/reminders.js';
import { actorOf, langOfTurn, trOf } from '../context.js';
import type { BotDeps } from '../deps.js';

const DEFAULT_TIME = '08:00';

/** "8:30", "08.30", "0830" → "08:30"; undefined when it is no time of day. */
export function digestTime(raw: string | undefined): string | undefined {
  if (!raw) return DEFAULT_TIME;
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const [h, min] = [Number(m[1]), Number(m[2])];
  return h < 24 && min < 60 ? `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}` : undefined;
}

/** `overzicht aan [HH:MM]` and `overzicht uit`: the daily digest for the person who types it. */
export function registerDigest(app: Application, deps: BotDeps): void {
  app.message(/^\s*overzicht\s+(aan(\s+\S+)?|uit)\s*$/i, async (ctx) => {
    const tr = trOf(ctx);
    const actor = actorOf(ctx);
    if (!actor) return void (await ctx.sendActivity(tr('error.unknownUser')));
    const [, choice, raw] = /^\s*overzicht\s+(aan|uit)(?:\s+(\S+))?/i.exec(ctx.activity.text ?? '') ?? [];
    if (choice?.toLowerCase() === 'uit') {
      await deps.digests.unsubscribe(actor.aadObjectId);
      return void (await ctx.sendActivity(tr('digest.off')));
    }
    const time = digestTime(raw);
    if (!time) return void (await ctx.sendActivity(tr('digest.badTime')));
    await deps.digests.subscribe(actor.aadObjectId, time, langOfTurn(ctx), deps.clock.now());
    await ctx.sendActivity(tr('digest.isOn', { time }));
  });
}

/**
 * The daily digest job: on a working day, each person whose chosen time has come gets one card
 * with the open reminders (pending or sent, not done) addressed to them that are due by the end of
 * today: overdue ones, today's, and those sent about a date ahead. Who is due is one single-partition query; the reminders are one query over the day
 * buckets the scheduler reads, for everyone at once, grouped by recipient. Each person's digest
 * is claimed (IfMatch) before it is sent, so it goes once per day whatever the instances; a send
 * that fails gives the claim back for a later pass. Returns how many digests were sent.
 */
export function dailyDigest(deps: BotDeps, teams: TeamsPort): () => Promise<number> {
  return async () => {
    const now = deps.clock.now();
    const zone = deps.config.timeZone;
    const today = deps.calendar.localDate(now);
    if (!deps.calendar.isWorkingDay(today)) return 0;
    const due = await deps.digests.due(today, DateTime.fromJSDate(now, { zone }).toFormat('HH:mm'));
    if (due.length === 0) return 0;
    const endOfToday = DateTime.fromISO(today, { zone }).plus({ days: 1 }).startOf('day').toUTC().toISO() as string;
    const lookback = deps.config.reminders.lookbackDays;
    const buckets = Array.from({ length: lookback + 2 }, (_, i) => bucketOf(DateTime.fromISO(today, { zone: 'utc' }).minus({ days: lookback - i }).toISO() as string));
    const open = await deps.reminderStore.openDueBy(buckets, endOfToday);
    const byPerson = groupByRecipient(open);
    let sent = 0;
    for (const found of due) {
      const person = found.doc;
      if (!(await deps.digests.claim(found, today, now))) continue;
      const tr = translator(person.lang);
      const card = digestCard({ tr, lang: person.lang, zone, today, entries: byPerson.get(person.aadObjectId) ?? [] });
      const msg = { attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
      let result = await teams.toPerson(person.aadObjectId, msg);
      // Teams' per-chat limit asked for a short wait (real time): wait once; a longer one is left to the next pass.
      const wait = !result.ok && result.throttled ? (result.retryAfterMs ?? 1_000) : undefined;
      if (wait !== undefined && wait <= 5_000) {
        await new Promise((r) => setTimeout(r, wait));
        result = await teams.toPerson(person.aadObjectId, msg);
      }
      if (result.ok) sent++;
      else {
        deps.log.warn({ actor: person.aadObjectId, reason: result.reason }, 'daily digest not delivered');
        await deps.digests.release(person.aadObjectId, today, person.lastDay);
      }
    }
    return sent;
  };
}

function groupByRecipient(docs: ReminderDocument[]): Map<string, DigestEntry[]> {
  const out = new Map<string, DigestEntry[]>();
  for (const doc of docs) {
    for (const r of doc.recipients) {
      if (!r.aadObjectId || r.teamsChannelKey) continue;
      const list = out.get(r.aadObjectId) ?? [];
      // One entry per reminder, even when the person is addressed twice (two roles).
      if (!list.some((e) => e.doc.id === doc.id)) list.push({ doc, recipientKey: r.key });
      out.set(r.aadObjectId, list);
    }
  }
  return out;
}
