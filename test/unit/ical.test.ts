import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInvitation, type InvitationInput } from '../../src/meetings/ical.js';
import { handoverInvitationText } from '../../src/meetings/invitationText.js';

/** Parses with ical.js (an independent implementation), resolving TZIDs from the file's own VTIMEZONE. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

const base = (overrides: Partial<InvitationInput> = {}): InvitationInput => ({
  uid: 'handover-r1@schakel',
  start: new Date('2026-03-27T08:00:00Z'), // Friday 09:00 CET
  end: new Date('2026-03-27T09:00:00Z'),
  summary: 'Warme overdracht',
  location: 'Op school',
  description: 'Kennismaking met de casusregisseur',
  organizer: { name: 'Casusregisseur Wijkteam', email: 'casusregisseur@wijkteam.example' },
  attendees: [
    { name: 'SMW Oost', email: 'smw@school.example' },
    { name: 'Ouder', email: 'ouder@gmail.example' },
    { name: 'IB-er', email: 'ib@school.example', optional: true },
  ],
  method: 'REQUEST',
  sequence: 0,
  stamp: new Date('2026-03-20T12:00:00Z'),
  ...overrides,
});

describe('buildInvitation', () => {
  const processZone = process.env.TZ;
  // A server in another zone must not change the times written (ical-generator formats native Dates in process time).
  beforeAll(() => {
    process.env.TZ = 'America/New_York';
  });
  afterAll(() => {
    if (processZone === undefined) delete process.env.TZ;
    else process.env.TZ = processZone;
  });

  it('writes local times with TZID Europe/Amsterdam on both sides of the March DST change', () => {
    const friday = parse(buildInvitation(base()));
    const monday = parse(buildInvitation(base({ start: new Date('2026-03-30T07:00:00Z'), end: new Date('2026-03-30T08:30:00Z') })));

    for (const { vevent } of [friday, monday]) {
      expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Amsterdam');
      expect(vevent.getFirstProperty('dtend')?.getParameter('tzid')).toBe('Europe/Amsterdam');
    }
    expect(friday.event.startDate.toString()).toBe('2026-03-27T09:00:00');
    expect(monday.event.startDate.toString()).toBe('2026-03-30T09:00:00');
    expect(monday.event.endDate.toString()).toBe('2026-03-30T10:30:00');
    // The VTIMEZONE lets an independent parser recover the exact instants.
    expect(friday.event.startDate.toJSDate().toISOString()).toBe('2026-03-27T08:00:00.000Z');
    expect(monday.event.startDate.toJSDate().toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(monday.event.endDate.toJSDate().toISOString()).toBe('2026-03-30T08:30:00.000Z');
  });

  it('carries a VTIMEZONE with summer and winter rules', () => {
    const { calendar } = parse(buildInvitation(base()));
    const tz = calendar.getFirstSubcomponent('vtimezone');
    expect(tz?.getFirstPropertyValue('tzid')).toBe('Europe/Amsterdam');
    expect(tz?.getAllSubcomponents('daylight')).toHaveLength(1);
    expect(tz?.getAllSubcomponents('standard')).toHaveLength(1);
  });

  it('is a REQUEST with UID, SEQUENCE, a UTC DTSTAMP, organizer and every attendee', () => {
    const { calendar, vevent, event } = parse(buildInvitation(base()));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(event.uid).toBe('handover-r1@schakel');
    expect(event.sequence).toBe(0);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event.summary).toBe('Warme overdracht');
    expect(event.location).toBe('Op school');
    const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
    expect(stamp.zone?.tzid).toBe('UTC');
    expect(stamp.toJSDate().toISOString()).toBe('2026-03-20T12:00:00.000Z');

    const organizer = vevent.getFirstProperty('organizer');
    expect(String(organizer?.getFirstValue()).toLowerCase()).toBe('mailto:casusregisseur@wijkteam.example');
    expect(organizer?.getParameter('cn')).toBe('Casusregisseur Wijkteam');

    const attendees = vevent.getAllProperties('attendee').map((p) => ({
      email: String(p.getFirstValue()).replace(/^mailto:/i, ''),
      name: p.getParameter('cn'),
      role: p.getParameter('role'),
      rsvp: p.getParameter('rsvp'),
    }));
    expect(attendees).toEqual([
      { email: 'smw@school.example', name: 'SMW Oost', role: 'REQ-PARTICIPANT', rsvp: 'TRUE' },
      { email: 'ouder@gmail.example', name: 'Ouder', role: 'REQ-PARTICIPANT', rsvp: 'TRUE' },
      { email: 'ib@school.example', name: 'IB-er', role: 'OPT-PARTICIPANT', rsvp: 'TRUE' },
    ]);
  });

  it('cancels with METHOD:CANCEL, STATUS:CANCELLED, the same UID and a higher SEQUENCE', () => {
    const { calendar, vevent, event } = parse(buildInvitation(base({ method: 'CANCEL', sequence: 1 })));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.uid).toBe('handover-r1@schakel');
    expect(event.sequence).toBe(1);
    expect(vevent.getAllProperties('attendee').map((p) => p.getParameter('rsvp'))).toEqual(['FALSE', 'FALSE', 'FALSE']);
  });

  it('keeps the join link of an online meeting', () => {
    const { vevent } = parse(buildInvitation(base({ url: 'https://teams.example/l/meetup-join/abc' })));
    expect(vevent.getFirstPropertyValue('url')).toBe('https://teams.example/l/meetup-join/abc');
  });

  it('refuses a negative sequence and an end before the start', () => {
    expect(() => buildInvitation(base({ sequence: -1 }))).toThrow(RangeError);
    expect(() => buildInvitation(base({ end: new Date('2026-03-27T07:00:00Z') }))).toThrow(RangeError);
  });
});

describe('handoverInvitationText', () => {
  it('says what and how, in Dutch by default', () => {
    expect(handoverInvitationText('online')).toEqual({
      summary: 'Warme overdracht',
      description: expect.stringContaining('online via Teams'),
    });
    expect(handoverInvitationText('home', 'en').description).toContain("at the parents' home");
  });
});
