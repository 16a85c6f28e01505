import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { isOpen } from '../../src/domain/effects.js';
import type { Referral } from '../../src/domain/referral.js';
import type { Store } from '../../src/store/cosmos.js';
import { cardAction, installationUpdate, makeUser, personalConversationId, type TeamsUser } from '../support/activities.js';
import { action, cardOf } from '../support/cards.js';
import { exited, openMarks as marksLeft, sleep, startCrashRig, type Child, type CrashChildren, type CrashRig } from '../support/crashChild.js';
import type { FakeConnector } from '../support/fakeConnector.js';
import { AGREEMENTS, PLAN } from '../support/handoverFlow.js';
import type { Harness } from '../support/harness.js';
import { channelConversation, feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../support/referralFlow.js';

/**
 * SIGKILLs of a bot process while it takes a case on, books the warme overdracht and confirms
 * the agreements (the submit has its own crash test). After a restart every committed effect is
 * carried out, repeats stay within what was in flight, and no referral is half-done.
 */
const KILLS = 12;
const PER_RUN = 3;
const DATABASE = 'schakel-case-crash';
const PHASES = ['takeOn', 'book', 'confirm'] as const;
type Phase = (typeof PHASES)[number];

const coordinator = makeUser('Coördinator Servicepunt');
// One SMW'er and one casusregisseur per case of a run: Teams' per-chat limits then do not set the pace.
const smws = Array.from({ length: PER_RUN }, (_, i) => makeUser(`SMW ${i}`));
const members = Array.from({ length: PER_RUN }, (_, i) => makeUser(`Casusregisseur ${i}`));
let connector: FakeConnector;
let store: Store;
let children: CrashChildren;
let current: Child;
const asHarness = () => ({ connector, bot: { send: (a: object) => current.send(a) } }) as unknown as Harness;
const { fillAll } = referralFlow(asHarness);

/** Dates of the agreements some weeks from today (the child runs on the real clock). */
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const agreements = { ...AGREEMENTS, feedback0Date: inDays(30), feedback1Date: inDays(37), evaluationDate: inDays(60), aftercareUntil: inDays(120) };

let rig: CrashRig;
beforeAll(async () => {
  rig = await startCrashRig(DATABASE, coordinator.aadObjectId);
  ({ connector, store, children } = rig);
});
afterAll(async () => rig?.close());

const stored = async (id: string): Promise<Referral> => (await store.containers.referrals.item(id, id).read<Referral>()).resource!;

const openMarks = () => marksLeft(store);

/** Waits until the live instance carried out everything committed so far. */
async function settled(): Promise<void> {
  const until = Date.now() + 60_000;
  while ((await openMarks()) > 0) {
    if (Date.now() > until) throw new Error('effects not carried out within 60 s');
    await sleep(100);
  }
}

/** The intake post of a referral in the wijkteam's channel (the last successful one). */
function intakePost(number: string) {
  const post = connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === feijenoordChannel && JSON.stringify(c.body).includes(number)).at(-1);
  if (!post?.responseId) throw new Error(`no intake post for ${number}`);
  return { activityId: post.responseId, card: cardOf(post.body) };
}

const cardOfPerson = (r: Referral, user: TeamsUser) => r.handover?.cards.find((c) => c.aadObjectId === user.aadObjectId)?.activityId;

/** The click the kill interrupts, for one referral in the phase it has reached. */
async function clickFor(phase: Phase, r: Referral, member: TeamsUser) {
  if (phase === 'takeOn') {
    const post = intakePost(r.number);
    return cardAction(member, VERBS.intakeTakeOn, action(post.card, VERBS.intakeTakeOn).data, connector.url, { conversation: channelConversation(feijenoordChannel), replyToId: post.activityId });
  }
  if (phase === 'book') return cardAction(member, VERBS.handoverBook, { referralId: r.referralId, slotId: r.handover!.proposals[0]!.slotId }, connector.url, { replyToId: cardOfPerson(r, member) });
  return cardAction(member, VERBS.agreementsConfirm, { referralId: r.referralId, revision: r.handover!.agreementsRevision, ...agreements }, connector.url, { replyToId: cardOfPerson(r, member) });
}

/** Brings fresh referrals (with a live instance, no kill) to the step before `phase`. */
async function prepare(phase: Phase): Promise<{ smw: TeamsUser; member: TeamsUser; referralId: string }[]> {
  const out: { smw: TeamsUser; member: TeamsUser; referralId: string }[] = [];
  // The instance that took over finishes what the killed one left first: its messages must not
  // land in the middle of filling in the next forms (which read the last card sent).
  await settled();
  for (const [i, smw] of smws.entries()) {
    const review = await fillAll(smw);
    const referralId = String(action(review, VERBS.submit).data.referralId);
    await current.send(cardAction(smw, VERBS.submit, action(review, VERBS.submit).data, connector.url));
    out.push({ smw, member: members[i]!, referralId });
  }
  await settled();
  if (phase === 'takeOn') return out;
  for (const { referralId, member } of out) await current.send(await clickFor('takeOn', await stored(referralId), member));
  await settled();
  for (const { smw, referralId } of out) {
    const r = await stored(referralId);
    await current.send(cardAction(smw, VERBS.handoverPlan, { referralId, ...PLAN }, connector.url, { replyToId: cardOfPerson(r, smw) }));
  }
  await settled();
  if (phase === 'book') return out;
  for (const { referralId, member } of out) await current.send(await clickFor('book', await stored(referralId), member));
  await settled();
  return out;
}

/** Successful messages (posts) into a person's 1:1 chat that mention a referral number. */
const postsTo = (user: TeamsUser, number: string, marker: string) =>
  connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === personalConversationId(user) && JSON.stringify(c.body).includes(number) && JSON.stringify(c.body).includes(marker)).length;

describe('crash safety of take-on, booking and confirming', () => {
  it(`${KILLS} SIGKILLs during take-on, booking and confirm: every committed effect is carried out, repeats only what was in flight, nothing half-done`, async () => {
    let standby = children.start();
    current = await standby;
    connector.rosters.set(feijenoord.id, members.map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
    await linkWijkteams(asHarness(), coordinator);
    for (const user of [...members, ...smws]) await current.send(installationUpdate(user, connector.url));

    const rounds: { phase: Phase; referralIds: string[] }[] = [];
    let kills = 0;
    for (let run = 0; run < KILLS; run++) {
      const phase = PHASES[run % PHASES.length]!;
      const cases = await prepare(phase);
      const clicks = await Promise.all(cases.map(async ({ referralId, member }) => clickFor(phase, await stored(referralId), member)));
      standby = children.start();
      const calls = connector.calls.length;
      const sent = clicks.map((a) => current.send(a).catch(() => undefined));
      // Half the runs die at a random moment, half while the runner is talking to Teams.
      if (run % 2 === 0) await sleep(Math.random() * 40);
      else await connector.waitFor((c) => c.length > calls, 10_000).then(() => sleep(Math.random() * 60), () => undefined);
      current.process.kill('SIGKILL');
      await exited(current.process);
      await Promise.all(sent);
      kills++;
      rounds.push({ phase, referralIds: cases.map((c) => c.referralId) });
      current = await standby;
    }
    // The last instance finishes what the killed ones committed.
    await settled();
    await sleep(300);

    let committed = 0;
    let notCommitted = 0;
    let repeats = 0;
    for (const { phase, referralIds } of rounds) {
      for (const id of referralIds) {
        const r = await stored(id);
        // Whatever happened: nothing left to carry out, every entry written.
        expect((r.outbox?.effects.filter(isOpen) ?? []).map((e) => `${e.kind}:${JSON.stringify(e.state)}:${e.dueAt}`), `${phase} ${r.number} ${r.state} ${r.outbox?.nextAt}`).toEqual([]);
        expect(r.outbox?.entries ?? []).toEqual([]);
        if (phase === 'takeOn') {
          expect(['submitted', 'accepted']).toContain(r.state);
          if (r.state === 'submitted') {
            notCommitted++;
            expect(r.caseManager).toBeUndefined();
            continue;
          }
          committed++;
          // Both planning cards went out, each once but for what a kill had in flight.
          const member = members.find((u) => u.aadObjectId === r.caseManager?.aadObjectId)!;
          expect(r.handover?.cards.map((c) => c.aadObjectId).sort()).toEqual([member.aadObjectId, r.smw.aadObjectId].sort());
          const planning = postsTo(member, r.number, '"handover.plan"');
          expect(planning).toBeGreaterThanOrEqual(1);
          repeats += planning - 1;
        } else if (phase === 'book') {
          const asked = r.outbox?.effects.some((e) => e.kind === 'bookMeeting');
          if (!asked) {
            notCommitted++;
            expect(r.state).toBe('accepted');
            expect(r.handover?.meeting).toBeUndefined();
            continue;
          }
          committed++;
          // Asked for, so carried out to the end: booked, the invitation announced, the family's notice recorded.
          expect(r.state).toBe('handoverScheduled');
          expect(r.handover?.meeting?.via).toBe('ical');
          expect(r.handover?.meeting?.parent?.status).toBe('outbox');
          const invitations = postsTo(members.find((u) => u.aadObjectId === r.caseManager?.aadObjectId)!, r.number, 'agenda-bestand');
          expect(invitations).toBeGreaterThanOrEqual(1);
          repeats += invitations - 1;
        } else {
          expect(['handoverScheduled', 'agreementsConfirmed']).toContain(r.state);
          if (r.state === 'handoverScheduled') {
            notCommitted++;
            expect(r.handover?.deliveries).toEqual([]);
            continue;
          }
          committed++;
          // Confirmed, so everyone who receives the agreements got them (recorded once each).
          const recipients = r.handover?.deliveries.map((d) => d.recipient) ?? [];
          expect(recipients).toEqual(expect.arrayContaining(['parent', 'smw']));
          expect(new Set(recipients).size).toBe(recipients.length);
          const cards = postsTo(smws.find((u) => u.aadObjectId === r.smw.aadObjectId)!, r.number, 'Afspraken warme overdracht');
          expect(cards).toBeGreaterThanOrEqual(1);
          repeats += cards - 1;
        }
      }
    }
    expect(committed).toBeGreaterThan(0);
    expect(repeats).toBeLessThanOrEqual(kills * PER_RUN);
    expect(await openMarks()).toBe(0);
    console.log(`case crash: ${kills} kills (take-on, booking, confirm), ${committed} committed and carried out, ${notCommitted} not committed, ${repeats} repeated sends`);

    current.process.kill('SIGTERM');
    await exited(current.process);
  }, 300_000);
});
