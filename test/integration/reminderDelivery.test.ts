import { TeamsAdapter } from '@microsoft/teams-ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { OutboxMailSender, type OutboxDocument } from '../../src/notify/outbox.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { bucketOf, type ReminderDocument } from '../../src/store/reminders.js';
import { FakeConnector, countDeliveries } from '../support/fakeConnector.js';
import { MemoryDirectory } from '../support/memoryDirectory.js';
import { buildEngine, conversationOf, makeReminders, openTestStore, quietLog, seedDirectory, teamsRecipient } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let store: Store;
let connector: FakeConnector;
let directory: MemoryDirectory;
let clock: ManualClock;
let run = 0;

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
  connector.reset();
  directory = new MemoryDirectory();
  clock = new ManualClock('2026-11-18T07:30:00Z');
  run++;
});

async function stored(id: string, dueAt: string): Promise<ReminderDocument> {
  const { resource } = await store.containers.reminders.item(id, bucketOf(dueAt)).read<ReminderDocument>();
  if (!resource) throw new Error(`missing ${id}`);
  return resource;
}

describe('scheduler + sender against the fake connector', () => {
  it('delivers due reminders once, not early ones, and opens a 1:1 chat when none is stored', async () => {
    const users = [`u${run}a`, `u${run}b`, `u${run}c`];
    seedDirectory(directory, connector.url, users.slice(0, 2));
    // teams-ai's TeamsAdapter, as the bot uses it; the other tests use botbuilder's CloudAdapter it extends.
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock, adapter: new TeamsAdapter({}) });
    const due = makeReminders(2, new Date('2026-11-18T07:30:00Z'), () => users.map((u) => teamsRecipient(u)), `r${run}x`);
    const later = makeReminders(1, new Date('2026-11-19T07:30:00Z'), () => [teamsRecipient(users[0] as string)], `r${run}y`);
    await engine.reminders.save([...due, ...later]);

    const first = await engine.scheduler.tick();
    expect(first).toMatchObject({ claimed: 2, finished: 2, errors: 0 });
    const counts = countDeliveries(connector.calls);
    expect(counts.size).toBe(6);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The third user had no stored conversation: one was created and remembered.
    const created = connector.calls.filter((c) => c.method === 'POST' && c.path === '/v3/conversations');
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toMatchObject({ isGroup: false, members: [{ id: users[2] }], tenantId: 'tenant-1', channelData: { tenant: { id: 'tenant-1' } } });
    expect(directory.users.get(users[2] as string)?.conversation?.id).toMatch(/^a:/);

    const doc = await stored(due[0]!.id, due[0]!.dueAt);
    expect(doc.status).toBe('sent');
    expect(doc.lease.owner).toBe('');
    expect(doc.recipients.map((r) => [r.state, r.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
      ['delivered', 1],
    ]);
    const card = connector.sent(conversationOf(users[0] as string))[0] as { attachments: { content: { body: { text: string }[] } }[] };
    expect(card.attachments[0]?.content.body[0]?.text).toBe('Vandaag: Terugkoppeling');

    expect(await engine.scheduler.tick()).toMatchObject({ found: 0 });
    clock.set('2026-11-19T07:30:00Z');
    expect(await engine.scheduler.tick()).toMatchObject({ claimed: 1, finished: 1 });
    expect(countDeliveries(connector.calls).size).toBe(7);
  });

  it('honours Retry-After for the throttled conversation only: no request to it before the time has passed', async () => {
    const [slow, fast] = [`u${run}slow`, `u${run}fast`];
    seedDirectory(directory, connector.url, [slow, fast]);
    let throttledOnce = false;
    connector.policy = (req) => {
      if (!throttledOnce && req.path.startsWith(`/v3/conversations/${encodeURIComponent(conversationOf(slow))}/activities`)) {
        throttledOnce = true;
        return { status: 429, headers: { 'Retry-After': '1' } };
      }
      return undefined;
    };
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock });
    await engine.reminders.save([
      ...makeReminders(1, clock.now(), () => [teamsRecipient(slow)], `r${run}s`),
      ...makeReminders(1, clock.now(), () => [teamsRecipient(fast)], `r${run}f`),
    ]);
    await engine.scheduler.tick();

    const toSlow = connector.calls.filter((c) => c.conversationId === conversationOf(slow));
    expect(toSlow.map((c) => c.status)).toEqual([429, 200]);
    expect(toSlow[1]!.at - toSlow[0]!.at).toBeGreaterThanOrEqual(1000);
    const toFast = connector.calls.filter((c) => c.conversationId === conversationOf(fast));
    expect(toFast.map((c) => c.status)).toEqual([200]);
    expect(toFast[0]!.at - toSlow[0]!.at).toBeLessThan(900);
    const doc = await stored(`r${run}s0:fb:2026-11-18:d0`, clock.now().toISOString());
    expect(doc.recipients[0]).toMatchObject({ state: 'delivered', attempts: 2, failures: 0 });
  });

  it('retries 412, 500, 502, 503 and 504 with back-off and records the attempts', async () => {
    const user = `u${run}`;
    seedDirectory(directory, connector.url, [user]);
    const statuses = [412, 500, 502, 503, 504];
    connector.policy = (req) => (req.method === 'POST' && statuses.length > 0 ? { status: statuses.shift() as number } : undefined);
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock, sender: { maxFailures: 6 } });
    const [reminder] = makeReminders(1, clock.now(), () => [teamsRecipient(user)], `r${run}`);
    await engine.reminders.save([reminder!]);
    await engine.scheduler.tick();
    const calls = connector.calls.filter((c) => c.conversationId === conversationOf(user));
    expect(calls.map((c) => c.status)).toEqual([412, 500, 502, 503, 504, 200]);
    // Back-off grows: the gaps are jittered but each is at least half its (doubling) step of 50 ms.
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(500, 50 * 2 ** i) / 2 - 5));
    expect((await stored(reminder!.id, reminder!.dueAt)).recipients[0]).toMatchObject({ state: 'delivered', attempts: 6, failures: 5 });
  });

  it('dead-letters after the configured number of failures and reports it', async () => {
    const user = `u${run}`;
    seedDirectory(directory, connector.url, [user]);
    connector.policy = (req) => (req.method === 'POST' ? { status: 502 } : undefined);
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock, sender: { maxFailures: 3 } });
    const [reminder] = makeReminders(1, clock.now(), () => [teamsRecipient(user)], `r${run}`);
    await engine.reminders.save([reminder!]);
    await engine.scheduler.tick();
    expect(connector.calls.filter((c) => c.conversationId === conversationOf(user))).toHaveLength(3);
    const doc = await stored(reminder!.id, reminder!.dueAt);
    expect(doc.status).toBe('sent');
    expect(doc.recipients[0]).toMatchObject({ state: 'deadLettered', attempts: 3, failures: 3, lastError: 'http502:Injected' });
    expect(engine.problems).toEqual([expect.objectContaining({ type: 'deadLettered', reminderId: reminder!.id, mailed: false })]);
    expect(await engine.scheduler.tick()).toMatchObject({ found: 0 });
  });

  it('maps 403 and 404 to unreachable, falls back to e-mail where there is an address, and tells the caller', async () => {
    const [blocked, removed] = [`u${run}blocked`, `u${run}removed`];
    seedDirectory(directory, connector.url, [blocked, removed]);
    connector.policy = (req) => {
      if (req.path.includes(encodeURIComponent(conversationOf(blocked)))) return { status: 403, body: { error: { code: 'MessageWritesBlocked' } } };
      if (req.path.includes(encodeURIComponent(conversationOf(removed)))) return { status: 404, body: { error: { code: 'ConversationNotFound' } } };
      return undefined;
    };
    const mail = new OutboxMailSender(store.containers.outbox, clock, quietLog());
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock, mail });
    const [reminder] = makeReminders(1, clock.now(), () => [teamsRecipient(blocked, { email: 'ib@school.example' }), teamsRecipient(removed)], `r${run}`);
    await engine.reminders.save([reminder!]);
    await engine.scheduler.tick();

    const doc = await stored(reminder!.id, reminder!.dueAt);
    expect(doc.recipients.map((r) => [r.state, r.fallback, r.lastError])).toEqual([
      ['unreachable', 'email', 'http403:MessageWritesBlocked'],
      ['unreachable', undefined, 'http404:ConversationNotFound'],
    ]);
    // The fallback mail only reached the outbox (no Graph): the problem says so, never "sent".
    expect(engine.problems.map((p) => [p.type, p.recipientKey, p.mailed, p.mailReceipt])).toEqual([
      ['unreachable', `smw:${blocked}`, true, 'outbox'],
      ['unreachable', `smw:${removed}`, false, undefined],
    ]);
    const { resources } = await store.containers.outbox.items
      .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.referralId = @r', parameters: [{ name: '@r', value: reminder!.referralId }] })
      .fetchAll();
    expect(resources.map((m) => [m.id, m.to, m.subject])).toEqual([[`${reminder!.id}:smw:${blocked}`, 'ib@school.example', 'Herinnering: Terugkoppeling op woensdag 18 november 2026']]);
    expect(resources[0]?.html).toContain('Terugkoppeling');
    // A repeated fallback (e.g. after a crash) writes the same outbox document, not a second mail.
    await mail.send('ib@school.example', 'x', 'y', { referralId: reminder!.referralId, idempotencyKey: resources[0]!.id });
    const again = await store.containers.outbox.items
      .query({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.referralId = @r', parameters: [{ name: '@r', value: reminder!.referralId }] })
      .fetchAll();
    expect(again.resources).toEqual([1]);
  });

  it('does not count a failing directory (database) as a Teams failure: the reminder waits for its lease and is sent later', async () => {
    const user = `u${run}`;
    seedDirectory(directory, connector.url, [user]);
    const findUser = directory.findUser.bind(directory);
    directory.findUser = async () => {
      throw Object.assign(new Error('directory down'), { code: 503 });
    };
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock, sender: { maxFailures: 1 } });
    const [reminder] = makeReminders(1, clock.now(), () => [teamsRecipient(user)], `r${run}`);
    await engine.reminders.save([reminder!]);
    expect(await engine.scheduler.tick()).toMatchObject({ claimed: 1, errors: 1 });
    expect((await stored(reminder!.id, reminder!.dueAt)).recipients[0]).toMatchObject({ state: 'pending', attempts: 0 });
    expect(connector.calls).toHaveLength(0);

    directory.findUser = findUser;
    expect(await engine.scheduler.tick()).toMatchObject({ found: 0 }); // still leased
    clock.advance(30_000);
    expect(await engine.scheduler.tick()).toMatchObject({ claimed: 1, finished: 1 });
    expect((await stored(reminder!.id, reminder!.dueAt)).recipients[0]).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('delivers to e-mail recipients through the mail sender exactly once per reminder and person', async () => {
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock });
    const [reminder] = makeReminders(1, clock.now(), () => [{ key: 'parent:email:0', role: 'parent', channel: 'email', email: 'ouder@example.org' }], `r${run}`);
    await engine.reminders.save([reminder!]);
    await engine.scheduler.tick();
    expect(engine.mails).toEqual([{ to: 'ouder@example.org', subject: 'Herinnering: Terugkoppeling op woensdag 18 november 2026', key: `${reminder!.id}:parent:email:0` }]);
    expect((await stored(reminder!.id, reminder!.dueAt)).recipients[0]?.state).toBe('delivered');
    expect(connector.calls).toHaveLength(0);
  });

  it('records a reminder mail that only reached the local outbox as in the outbox, never as delivered', async () => {
    const mail = new OutboxMailSender(store.containers.outbox, clock, quietLog());
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock, mail });
    const [reminder] = makeReminders(1, clock.now(), () => [{ key: 'parent:email:0', role: 'parent', channel: 'email', email: 'ouder@example.org' }], `o${run}`);
    await engine.reminders.save([reminder!]);
    expect(await engine.scheduler.tick()).toMatchObject({ claimed: 1, finished: 1 });
    const recipient = (await stored(reminder!.id, reminder!.dueAt)).recipients[0];
    expect(recipient).toMatchObject({ state: 'inOutbox', attempts: 1 });
    expect(recipient?.deliveredAt).toBeUndefined();
    const { resources } = await store.containers.outbox.items
      .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.to = @to', parameters: [{ name: '@to', value: 'ouder@example.org' }] })
      .fetchAll();
    expect(resources.some((m) => m.subject.startsWith('Herinnering'))).toBe(true);
    // Final: a later tick does not send it again.
    await engine.scheduler.tick();
    expect(connector.calls).toHaveLength(0);
  });
});

describe('reminder store operations', () => {
  it('saves idempotently, cancels pending ones, revives a re-planned cancelled one, and skips done ones', async () => {
    const user = `u${run}`;
    seedDirectory(directory, connector.url, [user]);
    const engine = buildEngine({ container: store.containers.reminders, serviceUrl: connector.url, directory, clock });
    const [a, b, c] = makeReminders(3, clock.now(), () => [teamsRecipient(user)], `r${run}`);
    expect(await engine.reminders.save([a!, b!, c!])).toEqual({ created: 3, existing: 0 });
    expect(await engine.reminders.save([a!, b!, c!])).toEqual({ created: 0, existing: 3 });
    expect(await engine.reminders.cancel([a!, b!])).toBe(2);
    expect(await engine.reminders.save([b!])).toEqual({ created: 1, existing: 0 });
    expect(await engine.reminders.markDone(c!.id, bucketOf(c!.dueAt), `smw:${user}`)).toBe(true);
    await engine.scheduler.tick();
    expect([...countDeliveries(connector.calls).keys()]).toEqual([`${conversationOf(user)}|${b!.id}`]);
    expect((await stored(a!.id, a!.dueAt)).status).toBe('cancelled');
    expect((await stored(c!.id, c!.dueAt))).toMatchObject({ status: 'done', doneBy: `smw:${user}` });
    expect(await engine.reminders.cancel([b!])).toBe(0); // already sent
  });
});
