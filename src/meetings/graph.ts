import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import type { Config } from '../config.js';
import type { Interval } from '../domain/slots.js';
import type { Logger } from '../log.js';
import { createGraphClient, graphCredential } from './graphHttp.js';
import { fromGraphDateTime, toGraphDateTime, toWindowsZone, type GraphDateTime } from './graphTime.js';
import type { RetryOptions } from './retryPolicy.js';

/** Someone invited to a meeting; parents are invited by their private e-mail address. */
export interface EventAttendee {
  email: string;
  name: string;
  type: 'required' | 'optional';
}

/** A calendar event in the organiser's mailbox; Graph sends the invitations itself. */
export interface CalendarEvent {
  subject: string;
  start: Date;
  end: Date;
  /** IANA zone the times are shown in, e.g. Europe/Amsterdam. */
  timeZone: string;
  /** Adds a Teams meeting link. */
  isOnlineMeeting: boolean;
  location?: string;
  attendees: EventAttendee[];
  /** HTML body; no pupil details (it reaches the parents). */
  body: string;
  /** Idempotency key: Graph creates no second event for a retried create with the same id. */
  transactionId?: string;
}

export interface CreatedEvent {
  id: string;
  joinUrl?: string;
}

/** Free/busy and meetings through the organiser's calendar (application permissions). */
export interface CalendarGateway {
  /** Busy intervals per requested address (SMTP addresses of the professionals). */
  getSchedule(organizerUserId: string, schedules: string[], start: Date, end: Date, timeZone: string): Promise<Map<string, Interval[]>>;
  createEvent(organizerUserId: string, event: CalendarEvent): Promise<CreatedEvent>;
  /** Moves or changes a meeting; Graph sends the update to the attendees. Give `timeZone` with `start`/`end`. */
  updateEvent(organizerUserId: string, eventId: string, changes: Partial<CalendarEvent>): Promise<void>;
  /** Cancels a meeting the organiser owns; Graph sends the cancellation with the comment. */
  cancelEvent(organizerUserId: string, eventId: string, comment?: string): Promise<void>;
}

export interface MailMessage {
  to: { email: string; name: string }[];
  subject: string;
  html: string;
  /** Files, base64 (Graph fileAttachment `contentBytes`). */
  attachments?: { name: string; contentType: string; contentBase64: string }[];
}

export interface MailGateway {
  /** Accepted for delivery (202), which is not delivered. */
  sendMail(fromUserId: string, message: MailMessage): Promise<void>;
}

/** A Graph call that failed after retries; carries no personal data. */
export class GraphGatewayError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
  ) {
    super(`Graph ${operation} failed${status ? ` with ${status}` : ''}${code ? ` (${code})` : ''}`);
    this.name = 'GraphGatewayError';
  }
}

/** Statuses that mean "this person is not available"; free and workingElsewhere do not block. */
const BUSY = new Set(['busy', 'tentative', 'oof', 'unknown']);

interface ScheduleInformation {
  scheduleId: string;
  scheduleItems?: { status: string; start: GraphDateTime; end: GraphDateTime }[];
  error?: { responseCode?: string };
}

/** The one real implementation of both gateways, over @microsoft/microsoft-graph-client. */
export class GraphGateway implements CalendarGateway, MailGateway {
  constructor(
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  async getSchedule(organizerUserId: string, schedules: string[], start: Date, end: Date, timeZone: string): Promise<Map<string, Interval[]>> {
    const windowsZone = toWindowsZone(timeZone);
    const answer = (await this.call('getSchedule', () =>
      this.client
        .api(`/users/${encodeURIComponent(organizerUserId)}/calendar/getSchedule`)
        .header('Prefer', `outlook.timezone="${windowsZone}"`)
        .post({
          schedules,
          startTime: toGraphDateTime(start, timeZone),
          endTime: toGraphDateTime(end, timeZone),
          availabilityViewInterval: 30,
        }),
    )) as { value?: ScheduleInformation[] };
    const busy = new Map<string, Interval[]>(schedules.map((s) => [s, []]));
    for (const info of answer.value ?? []) {
      if (info.error) throw new GraphGatewayError('getSchedule', undefined, info.error.responseCode ?? 'scheduleUnavailable');
      const key = schedules.find((s) => s.toLowerCase() === info.scheduleId.toLowerCase()) ?? info.scheduleId;
      const items = (info.scheduleItems ?? [])
        .filter((item) => BUSY.has(item.status.toLowerCase()))
        .map((item) => ({ start: fromGraphDateTime(item.start), end: fromGraphDateTime(item.end) }));
      busy.set(key, items);
    }
    this.log.debug({ schedules: schedules.length, busyItems: [...busy.values()].reduce((n, l) => n + l.length, 0) }, 'graph getSchedule');
    return busy;
  }

  async createEvent(organizerUserId: string, event: CalendarEvent): Promise<CreatedEvent> {
    const created = (await this.call('createEvent', () =>
      this.client.api(`/users/${encodeURIComponent(organizerUserId)}/events`).post({
        ...eventBody(event),
        allowNewTimeProposals: false,
        responseRequested: true,
        ...(event.transactionId ? { transactionId: event.transactionId } : {}),
      }),
    )) as { id: string; onlineMeeting?: { joinUrl?: string } | null };
    this.log.info({ online: event.isOnlineMeeting, attendees: event.attendees.length }, 'graph event created');
    const joinUrl = created.onlineMeeting?.joinUrl;
    return { id: created.id, ...(joinUrl ? { joinUrl } : {}) };
  }

  async updateEvent(organizerUserId: string, eventId: string, changes: Partial<CalendarEvent>): Promise<void> {
    await this.call('updateEvent', () => this.client.api(eventPath(organizerUserId, eventId)).patch(eventBody(changes)));
  }

  async cancelEvent(organizerUserId: string, eventId: string, comment?: string): Promise<void> {
    await this.call('cancelEvent', () =>
      this.client.api(`${eventPath(organizerUserId, eventId)}/cancel`).post(comment ? { comment } : {}),
    );
  }

  async sendMail(fromUserId: string, message: MailMessage): Promise<void> {
    await this.call('sendMail', () =>
      this.client.api(`/users/${encodeURIComponent(fromUserId)}/sendMail`).post({
        message: {
          subject: message.subject,
          body: { contentType: 'HTML', content: message.html },
          toRecipients: message.to.map((r) => ({ emailAddress: { address: r.email, name: r.name } })),
          ...(message.attachments?.length
            ? { attachments: message.attachments.map((a) => ({ '@odata.type': '#microsoft.graph.fileAttachment', name: a.name, contentType: a.contentType, contentBytes: a.contentBase64 })) }
            : {}),
        },
        saveToSentItems: true,
      }),
    );
    this.log.info({ recipients: message.to.length }, 'graph mail accepted');
  }

  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (err) {
      if (err instanceof GraphError) {
        this.log.warn({ operation, status: err.statusCode, code: err.code }, 'graph call failed');
        throw new GraphGatewayError(operation, err.statusCode || undefined, err.code ?? undefined);
      }
      throw err;
    }
  }
}

const eventPath = (userId: string, eventId: string) => `/users/${encodeURIComponent(userId)}/events/${encodeURIComponent(eventId)}`;

/** Graph's event JSON for the fields present in `e`. */
function eventBody(e: Partial<CalendarEvent>): Record<string, unknown> {
  if ((e.start || e.end) && !e.timeZone) throw new RangeError('timeZone is required with start or end');
  const zone = e.timeZone ?? 'UTC';
  return {
    ...(e.subject !== undefined ? { subject: e.subject } : {}),
    ...(e.body !== undefined ? { body: { contentType: 'HTML', content: e.body } } : {}),
    ...(e.start ? { start: toGraphDateTime(e.start, zone) } : {}),
    ...(e.end ? { end: toGraphDateTime(e.end, zone) } : {}),
    ...(e.location !== undefined ? { location: { displayName: e.location } } : {}),
    ...(e.attendees
      ? { attendees: e.attendees.map((a) => ({ emailAddress: { address: a.email, name: a.name }, type: a.type })) }
      : {}),
    ...(e.isOnlineMeeting !== undefined
      ? { isOnlineMeeting: e.isOnlineMeeting, ...(e.isOnlineMeeting ? { onlineMeetingProvider: 'teamsForBusiness' } : {}) }
      : {}),
  };
}

/**
 * sendMail cannot be repeated safely after a 5xx (the mail may be out); an event create can when
 * it carries a transactionId, which `createEvent` callers should always give.
 */
function isIdempotent(method: string, url: string): boolean {
  return !(method === 'POST' && /\/sendMail(\?|$)/.test(url));
}

/** Options a test (or a national cloud) needs beyond the environment. */
export interface GraphGatewayOptions {
  authorityHost?: string;
  trustedCa?: string;
  retry?: Partial<RetryOptions>;
}

/** The gateway for the configured tenant (config.graph), or undefined when Graph is off. */
export function createGraphGateway(settings: Config['graph'], log: Logger, options: GraphGatewayOptions = {}): GraphGateway | undefined {
  if (!settings) return undefined;
  const credential = graphCredential({ ...settings, authorityHost: options.authorityHost, trustedCa: options.trustedCa });
  const client = createGraphClient({ baseUrl: settings.baseUrl, credential, retry: options.retry, log, isIdempotent });
  return new GraphGateway(client, log);
}
