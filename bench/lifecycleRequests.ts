/**
 * Database requests per user action over a referral's whole lifecycle, counted at the database
 * server: aanmelden, the five sections, the submit, the take-on, planning the warme overdracht,
 * booking a slot, confirming the agreements, a reminder marked done, the evaluation marked held
 * (→ nazorg), closing (`afsluiten`), and the `mijn casussen`, `status` and `concepten` commands.
 * Each action counts its own turn plus every effect it commits, waited for until nothing is due.
 * The scheduler's reminder fan-out is not a user action: it is counted on its own lines, outside
 * the total. Every query without a partition key is flagged. Prints, asserts nothing.
 *
 * Each step finds what it needs in the referral's stored state (or in the cards the bot sent),
 * never in the click's immediate answer, so the walk holds whether work runs in the click or
 * after it as an effect.
 *   npx tsx bench/lifecycleRequests.ts        (TRACE=1 lists every request)
 */
import type { IncomingMessage } from 'node:http';
import { startLocalCosmos } from '../src/store/localCosmos.js';
import { VERBS } from '../cards/verbs.js';
import { ManualClock } from '../src/domain/clock.js';
import type { Referral } from '../src/domain/referral.js';
import { cardAction, makeUser, message, personalConversationId, type TeamsUser } from '../test/support/activities.js';
import { action, cardOf, invokeCard } from '../test/support/cards.js';
import { FORM } from '../test/support/factories.js';
import { FakeConnector } from '../test/support/fakeConnector.js';
import { AGREEMENTS, PLAN, lastCardTo, meet } from '../test/support/handoverFlow.js';
import { startBot, type Harness } from '../test/support/harness.js';
import { channelConversation, feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../test/support/referralFlow.js';

function kindOf(req: IncomingMessage): string {
  const h = req.headers;
  if (h['x-ms-cosmos-is-query-plan-request']) return 'query plan';
  if (h['x-ms-documentdb-isquery'] === 'True' || h['x-ms-documentdb-query'] === 'True' || String(h['content-type']).includes('query+json')) {
    return h['x-ms-documentdb-partitionkey'] ? 'query (one partition)' : 'CROSS-PARTITION query';
  }
  if (req.method === 'GET') return 'point read';
  if (req.method === 'POST') return h['x-ms-cosmos-is-batch-request'] ? 'batch' : 'create/upsert';
  if (req.method === 'PUT') return 'replace';
  if (req.method === 'PATCH') return 'patch';
  return req.method?.toLowerCase() ?? '?';
}

export interface StepRow {
  step: string;
  total: number;
  detail: string;
  cross: number;
  user: boolean;
}

/** Walks one referral through its lifecycle and returns the requests per step. */
export async function lifecycleRequests(): Promise<StepRow[]> {
  let counting = false;
  const counts = new Map<string, number>();
  const cross: string[] = [];
  const onRequest = (req: IncomingMessage) => {
    if (!counting) return;
    const kind = kindOf(req);
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (kind.startsWith('CROSS')) cross.push(decodeURIComponent(req.url ?? ''));
    if (process.env.TRACE) process.stdout.write(`  ${kind} ${req.method} ${decodeURIComponent(req.url ?? '')}\n`);
  };
  const cosmos = await startLocalCosmos({ onRequest });
  const endpoint = cosmos.endpoint;
  const connector = await new FakeConnector().start();
  const coordinator = makeUser('Coördinator');
  const smw = makeUser('Sanne Smit');
  const karim = makeUser('Karim Amrani');
  const clock = new ManualClock('2026-12-08T08:00:00Z'); // a Tuesday, 09:00 in Rotterdam (after REMINDER_INDEX_SINCE and TIMELINE_LOG_SINCE)
  // The runner's own loop stays quiet (the walk drives it), so nothing lands in another step's window.
  const bot = await startBot(endpoint, 'bench', { COORDINATOR_AAD_IDS: coordinator.aadObjectId, LOG_LEVEL: 'silent', EFFECTS_INTERVAL_MS: '3600000' }, clock);
  const h = { bot, connector } as unknown as Harness;
  connector.rosters.set(feijenoord.id, [{ id: karim.id, aadObjectId: karim.aadObjectId, name: karim.name }]);
  await linkWijkteams(h, coordinator);
  await meet(h, [
    { user: smw, email: 'sanne.smit@school.example' },
    { user: karim, email: 'karim@wijkteam.example' },
  ]);
  const { openForm, click, postsIn } = referralFlow(() => h);
  const { effects, store, deps } = bot.schakel;

  /** Until no effect is due: the runner's in-process runs, then its loop (the check itself is not counted). */
  async function settle(): Promise<void> {
    // Teams' per-chat limits can hold an effect back for a while (real time): wait, up to a minute.
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      await effects.idle();
      const was = counting;
      counting = false;
      const { resources } = await store.containers.effects.items
        .query<number>({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.nextAt <= @now', parameters: [{ name: '@now', value: clock.now().toISOString() }] })
        .fetchAll();
      counting = was;
      if ((resources[0] ?? 0) === 0) return;
      // Held back by Teams' limits: the runner wakes itself when the slot is free (as in production); not its loop.
      if (effects.waiting() > 0) continue;
      await effects.tick();
    }
    throw new Error('effects did not settle');
  }

  const rows: StepRow[] = [];
  async function step<T>(name: string, fn: () => Promise<T>, user = true): Promise<T> {
    await settle();
    counts.clear();
    cross.length = 0;
    if (process.env.TRACE) process.stdout.write(`== ${name}\n`);
    counting = true;
    const out = await fn();
    await settle();
    counting = false;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    rows.push({ step: name, total, detail: [...counts].map(([k, v]) => `${k} ${v}`).join(', '), cross: cross.length, user });
    return out;
  }
  const stored = async (referralId: string): Promise<Referral> => {
    const found = await deps.referrals.get(referralId);
    if (!found) throw new Error('referral not stored');
    return found.doc;
  };
  const expectState = async (referralId: string, state: Referral['state'], after: string) => {
    const s = (await stored(referralId)).state;
    if (s !== state) throw new Error(`after ${after} the referral is ${s}, expected ${state}`);
  };
  /** A card button pressed with the data the card would carry (the referral's id and the step's inputs). */
  const press = async (user: TeamsUser, verb: string, data: Record<string, unknown>, replyToId?: string) => {
    const res = await bot.send(cardAction(user, verb, data, connector.url, { replyToId }));
    if (res.status !== 200) throw new Error(`${verb} answered ${res.status}`);
    return res.body;
  };
  const isReminderCard = (a: Record<string, unknown>) => JSON.stringify(a.attachments ?? []).includes(VERBS.reminderDone);
  const remindersTo = (user: TeamsUser) => connector.sent(personalConversationId(user)).filter(isReminderCard).map((a) => cardOf(a));

  let card: unknown = await step('aanmelden', () => openForm(smw));
  for (const section of ['pupil', 'parents', 'request', 'safety', 'consent'] as const) {
    card = await step(`section ${section}`, async () => invokeCard(await click(smw, card, VERBS.sectionSave, FORM[section])));
  }
  await step('submit (+ intake post, reminders)', () => click(smw, card, VERBS.submit));
  const post = postsIn(feijenoordChannel).at(-1);
  if (!post) throw new Error('no intake post in the channel');
  const intake = (post.body.attachments as { content: unknown }[])[0]!.content;
  const referralId = String(action(intake, VERBS.intakeTakeOn).data.referralId);
  const number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(post.body))?.[0] ?? '';
  await step('take-on (+ channel card, planning cards)', () => click(karim, intake, VERBS.intakeTakeOn, {}, bot, channelConversation(feijenoordChannel), post.responseId));
  await expectState(referralId, 'accepted', 'the take-on');

  const planning = lastCardTo(h, smw);
  await step('plan the warme overdracht', () => press(smw, VERBS.handoverPlan, { referralId, ...PLAN }, planning.activityId));
  const slot = (await stored(referralId)).handover?.proposals[0]?.slotId;
  if (!slot) throw new Error('no slot proposed after planning');
  const karimCard = lastCardTo(h, karim);
  await step('book a slot', () => press(karim, VERBS.handoverBook, { referralId, slotId: slot }, karimCard.activityId));
  await expectState(referralId, 'handoverScheduled', 'booking');
  // Opening the form is a view: its card carries what the confirm button sends along.
  const form = invokeCard(await step('open the agreements form', () => press(karim, VERBS.agreementsOpen, { referralId })));
  await step('confirm the agreements', () => press(karim, VERBS.agreementsConfirm, { ...action(form, VERBS.agreementsConfirm).data, ...AGREEMENTS }));
  await expectState(referralId, 'agreementsConfirmed', 'confirming the agreements');

  // The evaluation's day: the scheduler sends the reminders due by then (not a user action).
  const pending = await bot.schakel.reminders.reminders.pendingOfReferral(referralId);
  const evaluation = pending.find((r) => r.subject.agreementId === 'evaluation' && r.kind === 'agreementOnDay');
  if (!evaluation) throw new Error('no evaluation reminder planned');
  clock.set(new Date(new Date(evaluation.dueAt).getTime() + 60_000));
  const before = remindersTo(karim).length;
  await step('(scheduler: reminders due by the evaluation day)', () => bot.schakel.reminders.scheduler.tick(), false);
  const sent = remindersTo(karim).slice(before);
  const reminderOf = (c: unknown) => String(action(c, VERBS.reminderDone).data.reminderId);
  const agreementOf = async (c: unknown) => {
    const { reminderId, bucket } = action(c, VERBS.reminderDone).data;
    return (await bot.schakel.reminders.reminders.get(String(reminderId), String(bucket)))?.doc.subject.agreementId;
  };
  let other: unknown;
  for (const c of sent) if (!other && (await agreementOf(c)) !== 'evaluation') other = c;
  const evaluationCard = sent.find((c) => reminderOf(c) === evaluation.id);
  if (!evaluationCard) throw new Error('no evaluation reminder card sent');
  if (other) await step('a reminder marked done (terugkoppeling)', () => click(karim, other, VERBS.reminderDone));
  await step('evaluation held (reminder done → nazorg)', () => click(karim, evaluationCard, VERBS.reminderDone));
  await expectState(referralId, 'aftercare', 'the evaluation');

  await step('mijn casussen', () => bot.send(message(karim, 'mijn casussen', connector.url)));
  await step(`status ${number}`, () => bot.send(message(karim, `status ${number}`, connector.url)));
  await step('concepten', () => bot.send(message(smw, 'concepten', connector.url)));

  // The nazorg's end: the scheduler asks "Afsluiten?"; the SMW'er's click closes the referral.
  const prompt = (await bot.schakel.reminders.reminders.pendingOfReferral(referralId)).find((r) => r.kind === 'closePrompt');
  if (!prompt) throw new Error('no close prompt planned');
  clock.set(new Date(new Date(prompt.dueAt).getTime() + 60_000));
  const smwBefore = connector.sent(personalConversationId(smw)).length;
  await step('(scheduler: the close prompt)', () => bot.schakel.reminders.scheduler.tick(), false);
  const ask = connector
    .sent(personalConversationId(smw))
    .slice(smwBefore)
    .map((a) => { try { return cardOf(a); } catch { return undefined; } })
    .find((c) => c && JSON.stringify(c).includes(VERBS.close));
  if (!ask) throw new Error('no close prompt sent to the SMW\'er');
  await step('afsluiten', () => click(smw, ask, VERBS.close));
  await expectState(referralId, 'closed', 'closing');

  await bot.stop();
  await connector.stop();
  await cosmos.close();
  return rows;
}

export function printRows(rows: StepRow[]): void {
  const width = Math.max(...rows.map((r) => r.step.length));
  for (const r of rows) process.stdout.write(`${r.step.padEnd(width)}  ${String(r.total).padStart(3)} requests${r.cross ? `  [${r.cross} CROSS-PARTITION]` : ''}  (${r.detail})\n`);
  const user = rows.filter((r) => r.user);
  const sum = user.reduce((a, r) => a + r.total, 0);
  process.stdout.write(`Lifecycle total over the ${user.length} user actions: ${sum} requests (aim ≤ 100), ${user.reduce((a, r) => a + r.cross, 0)} cross-partition queries on user actions (aim 0)\n`);
}

if (process.argv[1]?.endsWith('lifecycleRequests.ts')) printRows(await lifecycleRequests());
