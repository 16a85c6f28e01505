import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../src/domain/calendar.js';
import { ManualClock } from '../../src/domain/clock.js';
import { isRefusal, planAgreementReminders, reminderPolicy, rescheduleAgreement, snoozeReminder, type PlanContext } from '../../src/domain/reminders.js';
import { DEFAULT_SERVICE_NORMS, normRemindersOnEvent } from '../../src/domain/serviceNorms.js';
import type { AgreedDate, Party } from '../../src/domain/types.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { FakeConnector, countDeliveries, reminderIdOf } from '../support/fakeConnector.js';
import { MemoryDirectory, personalReference } from '../support/memoryDirectory.js';
import { buildEngine, conversationOf, openTestStore, seedDirectory, type Engine } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let store: Store;
let connector: FakeConnector;
let clock: ManualClock;
let ctx: PlanContext;
let engine: Engine;
let directory: MemoryDirectory;
let run = 0;

const parties = (r: number): Party[] => [
  { role: 'smw', professional: { aadObjectId: `smw${r}`, name: 'S' } },
  { role: 'caseManager', professional: { aadObjectId: `cm${r}`, name: 'C' } },
  { role: 'wijkteam', professional: { aadObjectId: `wt${r}`, name: 'W' } },
  { role: 'parent', contact: { name: 'P', email: 'ouder@example.org' } },
];

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint);
  connector = await new FakeConnector().start();
});

afterAll(async () => {
  await store.close();
  await connector.stop();
  await cosmos.close();
});

beforeEach(() => {
  run++;
  connector.reset();
  clock = new ManualClock('2026-11-09T09:00:00Z'); // Monday
  ctx = { calendar: new WorkingCalendar('Europe/Amsterdam'), policy: reminderPolicy(), clock };
  directory = new MemoryDirectory();
  seedDirectory(directory, connector.url, [`smw${run}`, `cm${run}`, `wt${run}`]);
  engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock });
});

/** Skips time to `iso` and runs one scheduler round; returns what arrived as `conversation|reminderId`. */
async function at(iso: string): Promise<string[]> {
  const before = connector.calls.length;
  clock.set(iso);
  await engine.scheduler.tick();
  return connector.calls
    .slice(before)
    .filter((c) => c.status < 300 && reminderIdOf(c.body))
    .map((c) => `${c.conversationId}|${reminderIdOf(c.body)}`);
}

describe('reminder flows through store and scheduler, skipping time', () => {
  it('plans, reschedules (old reminders cancelled, new ones sent) and snoozes', async () => {
    const agreed: AgreedDate = { agreementId: 'fb', kind: 'feedback', date: '2026-11-18', responsible: 'caseManager', parties: ['smw', 'parent'], label: 'Terugkoppeling' };
    const input = { referralId: `ref${run}`, agreedDates: [agreed], parties: parties(run) };
    await engine.reminders.save(planAgreementReminders(input, ctx).reminders);

    const moved = rescheduleAgreement(input, 'fb', { date: '2026-11-25' }, 'caseManager', ctx);
    if (isRefusal(moved)) throw new Error(moved.refused);
    expect(await engine.reminders.cancel(moved.cancel)).toBe(2);
    await engine.reminders.save(moved.create);
    expect(moved.event.notify).toEqual(['smw', 'parent']);

    expect(await at('2026-11-16T07:30:00Z')).toEqual([]); // the old early reminder was cancelled
    expect(await at('2026-11-18T07:30:00Z')).toEqual([]); // and the old on-the-day one
    expect(await at('2026-11-23T07:29:00Z')).toEqual([]);
    expect(await at('2026-11-23T07:30:00Z')).toEqual([`${conversationOf(`cm${run}`)}|ref${run}:fb:2026-11-25:d-2`]);
    const onDay = await at('2026-11-25T07:30:00Z');
    expect(onDay.sort()).toEqual([`${conversationOf(`cm${run}`)}|ref${run}:fb:2026-11-25:d0`, `${conversationOf(`smw${run}`)}|ref${run}:fb:2026-11-25:d0`].sort());
    expect(engine.mails.map((m) => m.to)).toEqual(['ouder@example.org']);

    // The SMW'er snoozes the on-the-day reminder to the next working day.
    const sent = await engine.reminders.get(`ref${run}:fb:2026-11-25:d0`, '2026-11-25');
    clock.set('2026-11-25T10:00:00Z');
    const snoozed = snoozeReminder(sent!.doc, `smw:smw${run}`, { kind: 'nextWorkingDay' }, ctx);
    if (isRefusal(snoozed)) throw new Error(snoozed.refused);
    await engine.reminders.save([snoozed, snoozed]); // a repeated click is one reminder
    expect(await at('2026-11-26T07:29:00Z')).toEqual([]);
    expect(await at('2026-11-26T07:30:00Z')).toEqual([`${conversationOf(`smw${run}`)}|${snoozed.id}`]);
    expect([...countDeliveries(connector.calls).values()].every((n) => n === 1)).toBe(true);
  });

  it('escalates a missed service norm to the one who must act, then to the SMW and the coordinator channel; the end event cancels', async () => {
    directory.channels.set('coordinator', personalReference(connector.url, `19:coordinators${run}@thread.tacv2`, 'x'));
    const submitted = { type: 'submitted', at: new Date('2026-11-20T13:00:00Z') };
    clock.set(submitted.at);
    const planned = normRemindersOnEvent(DEFAULT_SERVICE_NORMS, `ref${run}`, [], submitted, parties(run), ctx);
    await engine.reminders.save(planned.create);

    expect(await at('2026-11-27T22:00:00Z')).toEqual([]); // last day of the norm
    expect(await at('2026-11-30T07:30:00Z')).toEqual([`${conversationOf(`wt${run}`)}|ref${run}:norm:accept:2026-11-20:e1`]);
    const card = connector.sent(conversationOf(`wt${run}`)).at(-1) as { attachments: { content: { body: { text: string }[] } }[] };
    expect(card.attachments[0]?.content.body[0]?.text).toBe(
      'De termijn voor "Aanmelding accepteren" is verstreken (uiterlijk vrijdag 27 november 2026). Wilt u dit vandaag oppakken?',
    );

    // Accepted on Monday afternoon: the second step is cancelled.
    const accepted = { type: 'accepted', at: new Date('2026-11-30T13:00:00Z') };
    clock.set(accepted.at);
    const ended = normRemindersOnEvent(DEFAULT_SERVICE_NORMS, `ref${run}`, [submitted], accepted, parties(run), ctx);
    expect(await engine.reminders.cancel(ended.cancel)).toBe(1);
    expect(await at('2026-12-01T07:30:00Z')).toEqual([]);
  });

  it('sends the second escalation step to the coordinator channel when the norm stays missed', async () => {
    directory.channels.set('coordinator', personalReference(connector.url, `19:coordinators${run}@thread.tacv2`, 'x'));
    const submitted = { type: 'submitted', at: new Date('2026-11-20T13:00:00Z') };
    clock.set(submitted.at);
    await engine.reminders.save(normRemindersOnEvent(DEFAULT_SERVICE_NORMS, `ref${run}`, [], submitted, parties(run), ctx).create);
    await at('2026-11-30T07:30:00Z');
    expect((await at('2026-12-01T07:30:00Z')).sort()).toEqual(
      [`${conversationOf(`smw${run}`)}|ref${run}:norm:accept:2026-11-20:e2`, `19:coordinators${run}@thread.tacv2|ref${run}:norm:accept:2026-11-20:e2`].sort(),
    );
  });

  it('runs as a loop: start delivers without tick calls, stop waits for the round in progress', async () => {
    const agreed: AgreedDate = { agreementId: 'ev', kind: 'evaluation', date: '2026-11-09', time: '14:00', responsible: 'smw', parties: [], label: 'Evaluatie' };
    await engine.reminders.save(planAgreementReminders({ referralId: `ref${run}`, agreedDates: [agreed], parties: parties(run) }, { ...ctx, clock: new ManualClock('2026-11-01T00:00:00Z') }).reminders);
    engine.scheduler.start();
    await connector.waitFor((calls) => calls.some((c) => reminderIdOf(c.body) === `ref${run}:ev:2026-11-09T1400:d0`), 5_000);
    await engine.scheduler.stop();
    const count = connector.calls.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(connector.calls.length).toBe(count);
  });
});
