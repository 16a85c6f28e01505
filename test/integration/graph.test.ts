import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createGraphGateway, GraphGatewayError, type CalendarEvent, type GraphGateway } from '../../src/meetings/graph.js';
import { FakeGraph } from '../support/fakeGraph.js';

const organizer = 'casusregisseur@wijkteam.example';
const smw = 'smw@school.example';
const log = createLogger('silent');

const event = (overrides: Partial<CalendarEvent> = {}): CalendarEvent => ({
  subject: 'Warme overdracht',
  start: new Date('2026-03-30T07:00:00Z'), // Monday 09:00 CEST, the day after the DST change
  end: new Date('2026-03-30T08:00:00Z'),
  timeZone: 'Europe/Amsterdam',
  isOnlineMeeting: true,
  attendees: [
    { email: smw, name: 'SMW Oost', type: 'required' },
    { email: 'ouder@gmail.example', name: 'Ouder', type: 'required' },
  ],
  body: '<p>Kennismaking met de casusregisseur.</p>',
  transactionId: 'handover-r1-v1',
  ...overrides,
});

describe('GraphGateway against a fake Graph', () => {
  const fake = new FakeGraph();
  let gateway: GraphGateway;

  beforeAll(async () => {
    await fake.start();
    const settings = { tenantId: 'tenant-1', clientId: 'client-1', clientSecret: 'secret-1', baseUrl: fake.graphUrl };
    const made = createGraphGateway(settings, log, {
      authorityHost: fake.authorityHost,
      trustedCa: fake.ca,
      retry: { baseDelayMs: 40, maxDelayMs: 200, maxRetryAfterMs: 5_000, maxTotalWaitMs: 5_000 },
    });
    if (!made) throw new Error('gateway not created');
    gateway = made;
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.stop());

  it('gets a token from the authority (client credentials, scope of the Graph origin) and reuses it', async () => {
    await gateway.getSchedule(organizer, [smw], new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z'), 'Europe/Amsterdam');
    await gateway.getSchedule(organizer, [smw], new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z'), 'Europe/Amsterdam');
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]).toMatchObject({
      tenant: 'tenant-1',
      client_id: 'client-1',
      grant_type: 'client_credentials',
      scope: `${fake.graphUrl}/.default`,
      secretGiven: 'true',
    });
    expect(fake.calls.map((c) => c.authorized)).toEqual([true, true]);
  });

  it('asks getSchedule in the Windows zone name and parses busy items back to instants', async () => {
    fake.setSchedule(smw, [
      { start: new Date('2026-03-27T08:00:00Z'), end: new Date('2026-03-27T09:00:00Z') }, // Fri 09:00 CET
      { start: new Date('2026-03-30T07:00:00Z'), end: new Date('2026-03-30T08:30:00Z'), status: 'tentative' }, // Mon 09:00 CEST
      { start: new Date('2026-03-30T10:00:00Z'), end: new Date('2026-03-30T11:00:00Z'), status: 'free' },
      { start: new Date('2026-03-31T10:00:00Z'), end: new Date('2026-03-31T11:00:00Z'), status: 'workingElsewhere' },
    ]);
    fake.setSchedule(organizer, [{ start: new Date('2026-03-31T12:00:00Z'), end: new Date('2026-03-31T13:00:00Z'), status: 'oof' }]);

    const busy = await gateway.getSchedule(organizer, [organizer, 'SMW@school.example'], new Date('2026-03-26T23:00:00Z'), new Date('2026-04-03T22:00:00Z'), 'Europe/Amsterdam');

    const call = fake.calls[0];
    expect(call).toMatchObject({ method: 'POST', path: `/users/${organizer}/calendar/getSchedule` });
    expect(call?.headers.prefer).toBe('outlook.timezone="W. Europe Standard Time"');
    expect(call?.body).toEqual({
      schedules: [organizer, 'SMW@school.example'],
      startTime: { dateTime: '2026-03-27T00:00:00', timeZone: 'W. Europe Standard Time' },
      endTime: { dateTime: '2026-04-04T00:00:00', timeZone: 'W. Europe Standard Time' },
      availabilityViewInterval: 30,
    });
    const iso = (list: { start: Date; end: Date }[] | undefined) => list?.map((i) => [i.start.toISOString(), i.end.toISOString()]);
    expect(iso(busy.get('SMW@school.example'))).toEqual([
      ['2026-03-27T08:00:00.000Z', '2026-03-27T09:00:00.000Z'],
      ['2026-03-30T07:00:00.000Z', '2026-03-30T08:30:00.000Z'],
    ]);
    expect(iso(busy.get(organizer))).toEqual([['2026-03-31T12:00:00.000Z', '2026-03-31T13:00:00.000Z']]);
  });

  it('refuses to guess when a schedule cannot be read', async () => {
    fake.failSchedule(smw);
    const result = gateway.getSchedule(organizer, [organizer, smw], new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z'), 'Europe/Amsterdam');
    await expect(result).rejects.toMatchObject({ name: 'GraphGatewayError', code: 'ErrorMailRecipientNotFound' });
  });

  it('creates an online event with an external parent as attendee and returns the join link', async () => {
    const created = await gateway.createEvent(organizer, event());
    expect(created).toEqual({ id: 'event-1', joinUrl: 'https://teams.example/l/meetup-join/event-1' });
    const call = fake.calls[0];
    expect(call).toMatchObject({ method: 'POST', path: `/users/${organizer}/events`, authorized: true });
    expect(call?.body).toEqual({
      subject: 'Warme overdracht',
      body: { contentType: 'HTML', content: '<p>Kennismaking met de casusregisseur.</p>' },
      start: { dateTime: '2026-03-30T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-03-30T10:00:00', timeZone: 'W. Europe Standard Time' },
      attendees: [
        { emailAddress: { address: smw, name: 'SMW Oost' }, type: 'required' },
        { emailAddress: { address: 'ouder@gmail.example', name: 'Ouder' }, type: 'required' },
      ],
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      allowNewTimeProposals: false,
      responseRequested: true,
      transactionId: 'handover-r1-v1',
    });
  });

  it('creates an event at a place without a join link', async () => {
    const created = await gateway.createEvent(organizer, event({ isOnlineMeeting: false, location: 'Wijkteam Feijenoord' }));
    expect(created).toEqual({ id: 'event-1' });
    expect(fake.calls[0]?.body).toMatchObject({ isOnlineMeeting: false, location: { displayName: 'Wijkteam Feijenoord' } });
    expect(fake.calls[0]?.body).not.toHaveProperty('onlineMeetingProvider');
  });

  it('moves and cancels an event', async () => {
    const { id } = await gateway.createEvent(organizer, event());
    await gateway.updateEvent(organizer, id, { start: new Date('2026-10-26T08:00:00Z'), end: new Date('2026-10-26T09:00:00Z'), timeZone: 'Europe/Amsterdam' });
    await gateway.cancelEvent(organizer, id, 'De afspraak wordt verzet.');
    expect(fake.calls.slice(1).map((c) => [c.method, c.path, c.status])).toEqual([
      ['PATCH', `/users/${organizer}/events/${id}`, 200],
      ['POST', `/users/${organizer}/events/${id}/cancel`, 202],
    ]);
    expect(fake.calls[1]?.body).toEqual({
      start: { dateTime: '2026-10-26T09:00:00', timeZone: 'W. Europe Standard Time' }, // CET after the October change
      end: { dateTime: '2026-10-26T10:00:00', timeZone: 'W. Europe Standard Time' },
    });
    expect(fake.calls[2]?.body).toEqual({ comment: 'De afspraak wordt verzet.' });
  });

  it('sends mail (202 accepted)', async () => {
    await gateway.sendMail(organizer, { to: [{ email: 'ouder@gmail.example', name: 'Ouder' }], subject: 'Warme overdracht', html: '<p>Uitnodiging</p>' });
    expect(fake.calls[0]).toMatchObject({ method: 'POST', path: `/users/${organizer}/sendMail`, status: 202 });
    expect(fake.mails).toEqual([
      {
        message: {
          subject: 'Warme overdracht',
          body: { contentType: 'HTML', content: '<p>Uitnodiging</p>' },
          toRecipients: [{ emailAddress: { address: 'ouder@gmail.example', name: 'Ouder' } }],
        },
        saveToSentItems: true,
      },
    ]);
  });

  it('sends a mail\'s files as file attachments (the parent\'s .ics)', async () => {
    const ics = 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n';
    await gateway.sendMail(organizer, {
      to: [{ email: 'ouder@gmail.example', name: 'Ouder' }],
      subject: 'Uitnodiging',
      html: '<p>x</p>',
      attachments: [{ name: 'warme-overdracht.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', contentBase64: Buffer.from(ics).toString('base64') }],
    });
    const sent = fake.mails.at(-1) as { message: { attachments: Record<string, string>[] } };
    expect(sent.message.attachments).toEqual([
      { '@odata.type': '#microsoft.graph.fileAttachment', name: 'warme-overdracht.ics', contentType: 'text/calendar; charset=utf-8; method=REQUEST', contentBytes: Buffer.from(ics).toString('base64') },
    ]);
  });

  it('honours Retry-After on 429 before retrying', async () => {
    fake.failNext(1, 429, { 'Retry-After': '1' });
    const created = await gateway.createEvent(organizer, event());
    expect(created.id).toBe('event-1');
    expect(fake.calls.map((c) => c.status)).toEqual([429, 201]);
    const [throttled, retried] = fake.calls;
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(retried?.body).toEqual(throttled?.body); // the same request again
  });

  it('retries 503 with back-off, also for sendMail', async () => {
    fake.failNext(2, 503);
    await gateway.sendMail(organizer, { to: [{ email: 'ouder@gmail.example', name: 'Ouder' }], subject: 'Warme overdracht', html: '<p>x</p>' });
    expect(fake.calls.map((c) => c.status)).toEqual([503, 503, 202]);
    expect(fake.mails).toHaveLength(1);
  });

  it('does not repeat sendMail after a 500 or 504 (the mail may be out), but does repeat an event create with a transactionId', async () => {
    fake.failNext(1, 504);
    await expect(gateway.sendMail(organizer, { to: [{ email: 'ouder@gmail.example', name: 'Ouder' }], subject: 's', html: 'h' })).rejects.toMatchObject({ status: 504 });
    expect(fake.calls).toHaveLength(1);

    fake.reset();
    fake.failNext(1, 504);
    await gateway.createEvent(organizer, event());
    expect(fake.calls.map((c) => c.status)).toEqual([504, 201]);
  });

  it('gives up within its limits and reports the failure', async () => {
    fake.failNext(10, 503);
    const started = Date.now();
    const result = gateway.getSchedule(organizer, [smw], new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z'), 'Europe/Amsterdam');
    await expect(result).rejects.toBeInstanceOf(GraphGatewayError);
    expect(fake.calls).toHaveLength(5); // the first try and four retries
    expect(Date.now() - started).toBeLessThan(2_000);

    fake.reset();
    fake.failNext(1, 429, { 'Retry-After': '120' }); // longer than allowed: fail now rather than hang a card action
    await expect(gateway.createEvent(organizer, event())).rejects.toMatchObject({ status: 429 });
    expect(fake.calls).toHaveLength(1);
  });
});
