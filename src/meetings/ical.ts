import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalAttendeeRole, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';

/** Someone with an e-mail address in an invitation. */
export interface InvitationParty {
  name: string;
  email: string;
}

export interface InvitationAttendee extends InvitationParty {
  /** Default false: everyone invited to a warme overdracht is needed. */
  optional?: boolean;
}

/**
 * One iTIP message about the warme overdracht. `summary` and `description` travel to parents'
 * mailboxes: keep them to "Warme overdracht", who and how (see `handoverInvitationText`), never
 * pupil details.
 */
export interface InvitationInput {
  /** Stable per meeting: a reschedule or cancellation reuses it. */
  uid: string;
  start: Date;
  end: Date;
  /** IANA zone the times are shown in; default Europe/Amsterdam. */
  timeZone?: string;
  summary: string;
  location?: string;
  description?: string;
  /** Join link of an online meeting. */
  url?: string;
  organizer: InvitationParty;
  attendees: InvitationAttendee[];
  /** REQUEST for a new or moved meeting, CANCEL to call it off. */
  method: 'REQUEST' | 'CANCEL';
  /** Must grow with every change of the same `uid` (0 for the first request). */
  sequence: number;
  /** When this message was created (DTSTAMP); default now. */
  stamp?: Date;
}

/**
 * RFC 5545 text of an invitation or cancellation, with DTSTART/DTEND as local times plus a
 * VTIMEZONE, so calendar clients show 09:00 on both sides of a DST change.
 */
export function buildInvitation(input: InvitationInput): string {
  if (!Number.isInteger(input.sequence) || input.sequence < 0) throw new RangeError('sequence must be a non-negative integer');
  if (input.end <= input.start) throw new RangeError('end must be after start');
  const zone = input.timeZone ?? 'Europe/Amsterdam';
  const cancel = input.method === 'CANCEL';
  // No calendar-level zone: ical-generator would then write DTSTAMP as local time without 'Z',
  // while RFC 5545 requires UTC. The generator still emits a VTIMEZONE for the event's zone.
  const calendar = ical({
    prodId: { company: 'Schakel', product: 'Warme overdracht', language: 'NL' },
    method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  const event = calendar.createEvent({
    id: input.uid,
    sequence: input.sequence,
    stamp: input.stamp ?? new Date(),
    // Luxon values in the target zone: with a native Date and a zone, ical-generator would
    // print the process's local wall-clock time under the TZID.
    start: DateTime.fromJSDate(input.start).setZone(zone),
    end: DateTime.fromJSDate(input.end).setZone(zone),
    timezone: zone,
    summary: input.summary,
    ...(input.location ? { location: input.location } : {}),
    ...(input.description ? { description: input.description } : {}),
    ...(input.url ? { url: input.url } : {}),
    organizer: { name: input.organizer.name, email: input.organizer.email },
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  for (const a of input.attendees) {
    event.createAttendee({
      name: a.name,
      email: a.email,
      role: a.optional ? ICalAttendeeRole.OPT : ICalAttendeeRole.REQ,
      rsvp: !cancel,
    });
  }
  return calendar.toString();
}
