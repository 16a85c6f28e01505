/**
 * Effects and click latency, over HTTP against the real bot (embedded database, fake Bot
 * Connector, fake Graph):
 *  a) from commit to effect done: the submit's intake post — from the referral's `submittedAt`
 *     (the decision's time, committed with it) to the post reaching the connector; p50/p95;
 *  b) click latency of planning the warme overdracht (`handover.plan`) and booking a slot
 *     (`handover.book`) without Graph, and with a fake Graph that answers every request after
 *     `BENCH_GRAPH_DELAY_MS` (default 3,000 ms). When Graph work runs after the click as an
 *     effect, both columns should be alike; when it runs in the click, the delay shows in it.
 * Prints figures; asserts nothing.
 *   npx tsx bench/effects.ts        (BENCH_EFFECTS_N=20 submits, BENCH_CLICKS_N=10 plan+book per mode)
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VERBS } from '../cards/verbs.js';
import { cardAction, makeUser, type TeamsUser } from '../test/support/activities.js';
import { action, cardOf } from '../test/support/cards.js';
import { FakeGraph } from '../test/support/fakeGraph.js';
import { PLAN, lastCardTo, meet } from '../test/support/handoverFlow.js';
import { effectsSettled, startHarness, type Harness } from '../test/support/harness.js';
import { channelConversation, feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../test/support/referralFlow.js';

const SUBMITS = Number(process.env.BENCH_EFFECTS_N ?? 20);
const CLICKS = Number(process.env.BENCH_CLICKS_N ?? 10);
const GRAPH_DELAY_MS = Number(process.env.BENCH_GRAPH_DELAY_MS ?? 3_000);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0)} ms  p95 ${pct(xs, 95).toFixed(0)} ms  (n=${xs.length})`;

/** A proxy in front of the fake Graph that answers every request `delayMs` late. */
async function slowProxy(target: string, delayMs: number): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const out = request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => res.writeHead(502).end());
        out.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const coordinator = makeUser('Coördinator');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Amrani');
const SMW_MAIL = 'sanne.smit@school.example';
const KARIM_MAIL = 'karim@wijkteam.example';

async function prepared(h: Harness): Promise<void> {
  h.connector.rosters.set(feijenoord.id, [{ id: karim.id, aadObjectId: karim.aadObjectId, name: karim.name }]);
  await linkWijkteams(h, coordinator);
  await meet(h, [
    { user: smw, email: SMW_MAIL },
    { user: karim, email: KARIM_MAIL },
  ]);
}

async function timedPress(h: Harness, user: TeamsUser, verb: string, data: Record<string, unknown>, replyToId?: string): Promise<number> {
  const started = performance.now();
  const res = await h.bot.send(cardAction(user, verb, data, h.connector.url, { replyToId }));
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`${verb} answered ${res.status}`);
  return ms;
}

/** Submit → intake post: the time from the committed decision to the post at the connector. */
async function intakeEffect(): Promise<number[]> {
  const h = await startHarness({ env: { COORDINATOR_AAD_IDS: coordinator.aadObjectId, LOG_LEVEL: 'silent' } });
  try {
    await prepared(h);
    const { fillAll, click, postsIn } = referralFlow(() => h);
    const out: number[] = [];
    for (let i = 0; i < SUBMITS + 2; i++) {
      const review = await fillAll(smw);
      const referralId = String(action(review, VERBS.submit).data.referralId);
      const before = postsIn(feijenoordChannel).length;
      await click(smw, review, VERBS.submit);
      await effectsSettled(h.bot, 120_000);
      const post = postsIn(feijenoordChannel)[before];
      const submittedAt = (await h.bot.schakel.deps.referrals.get(referralId))?.doc.submittedAt;
      if (!post || !submittedAt) throw new Error('the submit posted no intake card');
      if (i >= 2) out.push(post.at - Date.parse(submittedAt));
    }
    return out;
  } finally {
    await h.stop();
  }
}

/** Plan and book clicks on fresh taken-on referrals; with `graph`, Graph answers `GRAPH_DELAY_MS` late. */
async function clicks(withGraph: boolean): Promise<{ plan: number[]; book: number[]; graphCalls: number }> {
  const fake = withGraph ? await new FakeGraph().start() : undefined;
  const proxy = fake ? await slowProxy(fake.graphUrl, GRAPH_DELAY_MS) : undefined;
  const env: Record<string, string> = { COORDINATOR_AAD_IDS: coordinator.aadObjectId, LOG_LEVEL: 'silent' };
  if (proxy) Object.assign(env, { GRAPH_TENANT_ID: 'tenant-1', GRAPH_CLIENT_ID: 'client-1', GRAPH_CLIENT_SECRET: 'secret-1', GRAPH_BASE_URL: proxy.url, GRAPH_MAIL_SENDER: 'schakel@servicepunt.example' });
  const h = await startHarness({
    env,
    ...(fake ? { graph: { authorityHost: fake.authorityHost, trustedCa: fake.ca, retry: { baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1_000, maxTotalWaitMs: 30_000 } } } : {}),
  });
  try {
    await prepared(h);
    const { fillAll, click, postsIn } = referralFlow(() => h);
    const plan: number[] = [];
    const book: number[] = [];
    for (let i = 0; i < CLICKS + 1; i++) {
      // Submitted and taken on (the 1:1 chats' Teams limits may hold effects back for seconds: wait longer than the tests do).
      const review = await fillAll(smw);
      const referralId = String(action(review, VERBS.submit).data.referralId);
      await click(smw, review, VERBS.submit);
      await effectsSettled(h.bot, 120_000);
      const post = postsIn(feijenoordChannel).at(-1);
      if (!post) throw new Error('no intake post');
      await click(karim, cardOf(post.body), VERBS.intakeTakeOn, {}, h.bot, channelConversation(feijenoordChannel), post.responseId);
      await effectsSettled(h.bot, 120_000);
      const planning = lastCardTo(h, smw);
      const p = await timedPress(h, smw, VERBS.handoverPlan, { referralId, ...PLAN, meetingForm: 'online' }, planning.activityId);
      await effectsSettled(h.bot, 120_000);
      const slot = (await h.bot.schakel.deps.referrals.get(referralId))?.doc.handover?.proposals[0]?.slotId;
      if (!slot) throw new Error('no slot proposed');
      const karimCard = lastCardTo(h, karim);
      const b = await timedPress(h, karim, VERBS.handoverBook, { referralId, slotId: slot }, karimCard.activityId);
      await effectsSettled(h.bot, 120_000);
      const state = (await h.bot.schakel.deps.referrals.get(referralId))?.doc.state;
      if (state !== 'handoverScheduled') throw new Error(`after booking the referral is ${state}`);
      // The first round fetches the Graph token and warms the process: not counted.
      if (i >= 1) {
        plan.push(p);
        book.push(b);
      }
    }
    return { plan, book, graphCalls: fake?.calls.length ?? 0 };
  } finally {
    await h.stop();
    proxy?.server.close();
    await fake?.stop();
  }
}

const intake = await intakeEffect();
process.stdout.write(`a) submit → intake post at the connector (commit to effect done): ${fmt(intake)}\n`);
const without = await clicks(false);
const slow = await clicks(true);
process.stdout.write(`b) click latency without Graph:            plan ${fmt(without.plan)};  book ${fmt(without.book)}\n`);
process.stdout.write(`   click latency, Graph answering ${GRAPH_DELAY_MS} ms late: plan ${fmt(slow.plan)};  book ${fmt(slow.book)}  (${slow.graphCalls} Graph requests)\n`);
process.stdout.write(`   ratio slow/without p95: plan ${(pct(slow.plan, 95) / pct(without.plan, 95)).toFixed(1)}, book ${(pct(slow.book, 95) / pct(without.book, 95)).toFixed(1)} (aim ≈ 1: Graph work after the click)\n`);
