import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { makeUser } from '../support/activities.js';
import { actions, invokeCard, texts, slotChoices } from '../support/cards.js';
import { FakeGraph } from '../support/fakeGraph.js';
import { AGREEMENTS, PLAN, icsTo, lastCardTo, meet, updatesOf } from '../support/handoverFlow.js';
import { effectsSettled, startHarness, type Harness } from '../support/harness.js';
import { feijenoord, linkWijkteams, referralFlow } from '../support/referralFlow.js';

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const SMW_MAIL = 'sanne.smit@school.example';
const KARIM_MAIL = 'karim@wijkteam.example';
const MAILBOX = 'schakel@rotterdam.example';
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam
const fake = new FakeGraph();

let h: Harness;
const { click, takenOn, clickAndWait } = referralFlow(() => h);

beforeAll(async () => {
  await fake.start();
  h = await startHarness({
    env: {
      COORDINATOR_AAD_IDS: coordinator.aadObjectId,
      GRAPH_TENANT_ID: 'tenant-1',
      GRAPH_CLIENT_ID: 'client-1',
      GRAPH_CLIENT_SECRET: 'secret-1',
      GRAPH_BASE_URL: fake.graphUrl,
      GRAPH_MAIL_SENDER: MAILBOX,
    },
    clock,
    graph: { authorityHost: fake.authorityHost, trustedCa: fake.ca, retry: { baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1_000, maxTotalWaitMs: 1_000 } },
  });
  h.connector.rosters.set(feijenoord.id, [karim].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
  await linkWijkteams(h, coordinator);
  await meet(h, [
    { user: smw, email: SMW_MAIL },
    { user: karim, email: KARIM_MAIL },
  ]);
});
beforeEach(() => {
  fake.reset();
  fake.setSchedule(SMW_MAIL, [{ start: new Date('2026-11-24T07:30:00Z'), end: new Date('2026-11-24T09:00:00Z') }]); // Tue 08:30–10:00
  fake.setSchedule(KARIM_MAIL, [{ start: new Date('2026-11-26T11:00:00Z'), end: new Date('2026-11-26T13:00:00Z') }]); // Thu 12:00–14:00
});
afterAll(async () => {
  const errors = h?.bot.logs.find('unhandled error in turn') ?? [];
  await h?.stop();
  await fake.stop();
  expect(errors.map((e) => JSON.stringify(e.err))).toEqual([]);
});

const stored = async (referralId: string) => (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
const joined = (card: unknown) => texts(card).join(' ');
const ONLINE = { ...PLAN, meetingForm: 'online' };

async function planned(plan: Record<string, string> = ONLINE) {
  const { referralId, number } = await takenOn(smw, karim);
  const smwCard = lastCardTo(h, smw);
  const proposals = await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, plan, smwCard.activityId);
  return { referralId, number, proposals, smwCard, karimCard: lastCardTo(h, karim) };
}

describe('warme overdracht with Microsoft Graph', () => {
  it('asks free/busy of both professionals with the casusregisseur as organiser and proposes only free times', async () => {
    const { referralId, proposals } = await planned();
    const call = fake.calls.find((c) => c.path.endsWith('/calendar/getSchedule'));
    expect(call).toMatchObject({ method: 'POST', path: `/users/${KARIM_MAIL}/calendar/getSchedule`, authorized: true });
    expect(call?.headers.prefer).toBe('outlook.timezone="W. Europe Standard Time"');
    expect((call?.body as { schedules: string[] }).schedules).toEqual([KARIM_MAIL, SMW_MAIL]);
    expect((call?.body as { startTime: unknown }).startTime).toEqual({ dateTime: '2026-11-23T09:00:00', timeZone: 'W. Europe Standard Time' });
    expect(joined(proposals)).toContain("passen in de agenda's");
    const doc = await stored(referralId);
    expect(doc.handover?.proposalBasis).toBe('calendars');
    expect(doc.handover?.proposals.map((p) => p.start)).toEqual(['2026-11-24T09:00:00.000Z', '2026-11-26T13:00:00.000Z', '2026-12-01T07:30:00.000Z']);
  });

  it('falls back to working hours, and says so, when a calendar cannot be read', async () => {
    fake.failSchedule(SMW_MAIL);
    const { referralId, proposals } = await planned();
    expect(joined(proposals)).toContain("agenda's konden niet worden gelezen");
    expect((await stored(referralId)).handover?.proposals[0]?.start).toBe('2026-11-24T07:30:00.000Z');
  });

  it('books in the casusregisseur\'s calendar: online meeting, the SMW\'er and the parent\'s own e-mail as attendees, local times in the Windows zone', async () => {
    const { referralId, proposals, smwCard } = await planned();
    const booked = await clickAndWait(smw, proposals, VERBS.handoverBook, {}, smwCard.activityId);
    const create = fake.calls.find((c) => c.method === 'POST' && c.path === `/users/${KARIM_MAIL}/events`);
    expect(create?.status).toBe(201);
    const body = create?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      subject: 'Warme overdracht',
      start: { dateTime: '2026-11-24T10:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-11-24T11:00:00', timeZone: 'W. Europe Standard Time' },
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      attendees: [
        { emailAddress: { address: SMW_MAIL, name: 'Sanne Smit' }, type: 'required' },
        { emailAddress: { address: 'fatima@example.org', name: 'Fatima de Vries' }, type: 'required' },
      ],
      transactionId: `handover-${referralId}-1-0@schakel`,
    });
    expect(body).not.toHaveProperty('location');
    for (const detail of ['Noa', 'Regenboog', 'verzuim']) expect(JSON.stringify(body)).not.toContain(detail);
    const doc = await stored(referralId);
    expect(doc.state).toBe('handoverScheduled');
    expect(doc.handover?.meeting).toMatchObject({ via: 'graph', eventId: 'event-1', joinUrl: 'https://teams.example/l/meetup-join/event-1' });
    expect(JSON.stringify(booked)).toContain('https://teams.example/l/meetup-join/event-1');
    expect((await icsTo(h, smw)).filter((f) => f.text.includes(doc.number))).toEqual([]); // Graph sends the invitations
    expect(joined(updatesOf(h, karim, lastCardTo(h, karim).activityId).at(-1))).toContain('De warme overdracht is gepland.');

    const karimCard = lastCardTo(h, karim).activityId;
    const again = await clickAndWait(karim, booked, VERBS.handoverReschedule, {}, karimCard);
    const later = slotChoices(again)[2]!;
    await clickAndWait(karim, again, VERBS.handoverBook, { slotId: later }, karimCard);
    const patch = fake.calls.find((c) => c.method === 'PATCH');
    expect(patch).toMatchObject({ path: `/users/${KARIM_MAIL}/events/event-1`, status: 200 });
    expect(patch?.body).toEqual({
      start: { dateTime: '2026-12-01T08:30:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-12-01T09:30:00', timeZone: 'W. Europe Standard Time' },
    });
    expect(fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/events'))).toHaveLength(1);
    expect((await stored(referralId)).handover?.meeting).toMatchObject({ eventId: 'event-1', sequence: 1, start: '2026-12-01T07:30:00.000Z' });
  });

  it('cancels through Graph, which tells the attendees', async () => {
    const { referralId, number, proposals, karimCard } = await planned({ ...ONLINE, meetingForm: 'wijkteam' });
    const booked = await clickAndWait(karim, proposals, VERBS.handoverBook, {}, karimCard.activityId);
    const eventId = (await stored(referralId)).handover!.meeting!.eventId!;
    expect((fake.calls.find((c) => c.path === `/users/${KARIM_MAIL}/events`)?.body as Record<string, unknown>).location).toEqual({ displayName: 'bij het wijkteam' });
    await click(karim, booked, VERBS.handoverCancel);
    await effectsSettled(h.bot); // telling everyone follows as effects of the cancellation
    const cancel = fake.calls.find((c) => c.path === `/users/${KARIM_MAIL}/events/${eventId}/cancel`);
    expect(cancel?.status).toBe(202);
    expect((cancel?.body as { comment: string }).comment).toContain('gaat niet door');
    expect((await icsTo(h, smw)).filter((f) => f.text.includes(number))).toEqual([]);
    expect((await stored(referralId)).state).toBe('accepted');
  });

  it('a slow Graph (3 s) never holds the click: the click is answered from what was committed, and the card is updated in place after', async () => {
    fake.setLatency(3_000);
    const { referralId } = await takenOn(smw, karim);
    const smwCard = lastCardTo(h, smw);
    const asked = () => fake.calls.filter((c) => c.path.endsWith('/getSchedule') || c.path.endsWith('/events'));
    const searching = invokeCard(await click(smw, smwCard.card, VERBS.handoverPlan, ONLINE, h.bot, undefined, smwCard.activityId));
    // Answered before Graph answered anything: what is committed is the request and the search to do.
    expect(asked()).toEqual([]);
    expect(joined(searching)).toContain("Tijden worden gezocht in de agenda's");
    expect(slotChoices(searching)).toEqual([]);
    expect(actions(searching)).toEqual([]);
    expect((await stored(referralId)).outbox?.effects.filter((e) => e.kind === 'findSlots').map((e) => e.state.status)).toEqual(['pending']);
    await effectsSettled(h.bot);
    const proposals = updatesOf(h, smw, smwCard.activityId).at(-1);
    expect(slotChoices(proposals)).toHaveLength(3);
    expect(joined(proposals)).toContain("passen in de agenda's");

    const sending = invokeCard(await click(smw, proposals, VERBS.handoverBook, {}, h.bot, undefined, smwCard.activityId));
    expect(asked().filter((c) => c.path.endsWith('/events'))).toEqual([]);
    expect(joined(sending)).toContain('Uitnodiging wordt verstuurd voor dinsdag 24 november 2026, 10:00–11:00');
    expect((await stored(referralId)).state).toBe('accepted');
    await effectsSettled(h.bot);
    expect((await stored(referralId)).state).toBe('handoverScheduled');
    expect(joined(updatesOf(h, smw, smwCard.activityId).at(-1))).toContain('Gepland: dinsdag 24 november 2026, 10:00–11:00.');
  });

  it('Graph down while booking: the card says it tries again and nothing is booked; it books once Graph is back; a refusal offers the times again', async () => {
    const { referralId, proposals, smwCard } = await planned();
    fake.failNext(100, 503);
    const sending = invokeCard(await click(smw, proposals, VERBS.handoverBook, {}, h.bot, undefined, smwCard.activityId));
    expect(joined(sending)).toContain('Uitnodiging wordt verstuurd');
    await effectsSettled(h.bot);
    const waiting = updatesOf(h, smw, smwCard.activityId).at(-1);
    expect(joined(waiting)).toMatch(/De agenda reageert nog niet; nieuwe poging om \d\d:\d\d/);
    expect(slotChoices(waiting)).toEqual([]);
    expect((await stored(referralId)).state).toBe('accepted');
    fake.clearFaults();
    clock.set(new Date(clock.now().getTime() + 5 * 60_000)); // past the retry's time
    await effectsSettled(h.bot);
    expect((await stored(referralId)).state).toBe('handoverScheduled');
    expect(joined(updatesOf(h, smw, smwCard.activityId).at(-1))).toContain('Gepland:');
    expect(fake.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/events') && c.status === 201)).toHaveLength(1);

    // The calendar refuses (403): nothing booked, on the timeline, and the card offers the same times again.
    const other = await planned();
    fake.failNext(1, 403);
    const refused = await clickAndWait(smw, other.proposals, VERBS.handoverBook, {}, other.smwCard.activityId);
    expect(joined(refused)).toContain('De afspraak kon niet in de agenda worden gezet. Er is niets geboekt');
    expect(slotChoices(refused)).toHaveLength(3);
    expect(actions(refused).map((a) => a.verb)).toContain(VERBS.handoverBook);
    expect((await stored(other.referralId)).state).toBe('accepted');
    expect((await h.bot.schakel.deps.referrals.entries(other.referralId, 'timeline')).map((e) => e.action)).toContain('handover.bookingFailed');
  });

  it('after confirming, the parent gets a mail through Graph from the Schakel mailbox with only dates, times and who calls', async () => {
    const { referralId, number, proposals, karimCard } = await planned();
    const booked = await clickAndWait(karim, proposals, VERBS.handoverBook, {}, karimCard.activityId);
    const form = invokeCard(await click(karim, booked, VERBS.agreementsOpen));
    await click(karim, form, VERBS.agreementsConfirm, AGREEMENTS);
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    const send = fake.calls.filter((c) => c.path.endsWith('/sendMail'));
    expect(send.map((c) => [c.path, c.status])).toEqual([[`/users/${MAILBOX}/sendMail`, 202]]);
    const mail = fake.mails[0] as { message: { subject: string; body: { content: string }; toRecipients: { emailAddress: { address: string } }[] } };
    expect(mail.message.toRecipients.map((r) => r.emailAddress.address)).toEqual(['fatima@example.org']);
    expect(mail.message.body.content).toContain('vrijdag 15 januari 2027');
    expect(mail.message.body.content).toContain('Karim Wijkteam neemt contact met u op');
    for (const detail of ['Noa', 'Regenboog', 'verzuim', 'mentor', number, 'spanningen']) expect(JSON.stringify(mail)).not.toContain(detail);
    const doc = await stored(referralId);
    expect(doc.state).toBe('agreementsConfirmed');
    expect(doc.handover?.deliveries.map((d) => [d.recipient, d.channel, d.status])).toEqual([
      ['parent', 'email', 'sent'],
      ['smw', 'teams', 'sent'],
    ]);
    const outbox = await h.bot.schakel.store.containers.outbox.items.query({ query: 'SELECT * FROM c WHERE c.referralId = @id', parameters: [{ name: '@id', value: referralId }] }).fetchAll();
    expect(outbox.resources).toEqual([]);
  });
});
