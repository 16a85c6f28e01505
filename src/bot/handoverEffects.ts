import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import type { AdaptiveCardJson } from '../../cards/render.js';
import type { AgreementsRecord } from '../domain/agreementHistory.js';
import { toParentAvailability, type PlanRequest } from '../domain/handover.js';
import type { BookingPlan, HandoverDelivery, HandoverMeeting, Invitation, ParentNotice, Proposals } from '../domain/handoverFlow.js';
import type { Referral } from '../domain/referral.js';
import { findSlots, searchRange, type Interval } from '../domain/slots.js';
import { translator, type Lang } from '../i18n/index.js';
import { buildInvitation, type InvitationAttendee } from '../meetings/ical.js';
import { handoverCancellationText, handoverInvitationText } from '../meetings/invitationText.js';
import { renderFormCard } from '../../cards/form/index.js';
import { textAttachment, type MailAttachment } from '../notify/mail.js';
import { agreementsMail, agreementsMailFor, escapeHtml, meetingMail } from '../../cards/parentMail/index.js';
import { familyInvitee, type AgreementRecipient } from '../domain/referralParties.js';
import { caseRefOf } from '../domain/referral.js';
import type { PortResult, TeamsPort } from '../effects/ports.js';
import type { OutboundMessage } from '../notify/sender.js';
import type { BotDeps } from './deps.js';
import { handoverCard, meetingTime, type HandoverView, type Viewer } from '../../cards/handover/index.js';

/** How far ahead slots are searched, in working days (until it becomes a service-norm setting). */
export const SEARCH_HORIZON_WORKING_DAYS = 10;

/**
 * The view for a card sent to `aadObjectId` outside a turn (by the effect runner): in the
 * language of their Teams client, as the cards their own clicks answer with.
 */
export async function viewFor(deps: BotDeps, aadObjectId: string): Promise<HandoverView> {
  return viewOf(deps, (await deps.languageOf(aadObjectId)) ?? 'nl');
}

export function viewOf(deps: BotDeps, lang: Lang): HandoverView {
  return {
    tr: translator(lang),
    lang,
    zone: deps.config.timeZone,
    invitationUrl: (r, meeting) => invitationUrl(deps, r, meeting),
    parentMailOutbox: deps.mail.receipt === 'outbox',
    graphCalendar: Boolean(deps.meetings),
    parentLinkUrl: (r) => deps.parentLinks.recentUrl(r, deps.clock.now()),
  };
}

export const cardActivity = (card: AdaptiveCardJson): Partial<Activity> => MessageFactory.attachment(CardFactory.adaptiveCard(card));
/** A card as a message for the one path into Teams (`TeamsPort`). */
export const cardMessage = (card: object): OutboundMessage => ({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });

export function viewerOf(referral: Referral, aadObjectId: string): Viewer {
  return referral.caseManager?.aadObjectId === aadObjectId ? 'caseManager' : 'smw';
}

/**
 * The professionals' e-mail addresses for Graph: stored on the referral when the planning cards
 * were sent, else looked up now in the roster of their 1:1 chat with the bot.
 */
export async function professionalEmails(deps: BotDeps, r: Referral): Promise<{ smw?: string; caseManager?: string }> {
  const smw = r.smw.email ?? (await deps.profiles.emailOf(r.smw.aadObjectId));
  const cm = r.caseManager ? (r.caseManager.email ?? (await deps.profiles.emailOf(r.caseManager.aadObjectId))) : undefined;
  return { ...(smw ? { smw } : {}), ...(cm ? { caseManager: cm } : {}) };
}

export interface FoundProposals extends Proposals {
  /** Graph is configured but the calendars could not be read (the card says so). */
  calendarFailed: boolean;
}

/**
 * Up to three slots: with Graph, outside the busy time of both professionals (getSchedule with the
 * casusregisseur as organiser); without Graph, or when that fails, within working hours only.
 */
export async function findProposals(deps: BotDeps, r: Referral, request: PlanRequest): Promise<FoundProposals> {
  const from = deps.clock.now();
  const zone = deps.config.timeZone;
  let busy: Interval[] = [];
  let basis: Proposals['basis'] = 'workingHours';
  let calendarFailed = false;
  if (deps.meetings) {
    const emails = await professionalEmails(deps, r);
    if (emails.smw && emails.caseManager) {
      const range = searchRange(from, deps.calendar, SEARCH_HORIZON_WORKING_DAYS);
      try {
        const schedules = await deps.meetings.getSchedule(emails.caseManager, [emails.caseManager, emails.smw], range.start, range.end, zone);
        busy = [...schedules.values()].flat();
        basis = 'calendars';
      } catch (err) {
        deps.log.warn({ referralId: r.referralId, err: { message: (err as Error).message } }, 'free/busy unavailable: proposing within working hours');
        calendarFailed = true;
      }
    } else {
      deps.log.warn({ referralId: r.referralId, smw: Boolean(emails.smw), caseManager: Boolean(emails.caseManager) }, 'e-mail address unknown: proposing within working hours');
      calendarFailed = true;
    }
  }
  const slots = findSlots({
    from,
    calendar: deps.calendar,
    horizonWorkingDays: SEARCH_HORIZON_WORKING_DAYS,
    parents: toParentAvailability(request.availability, zone),
    busy,
    durationMinutes: request.durationMinutes,
  });
  return { slots, basis, calendarFailed };
}

/** What a booking sent, so a booking that then loses a race can be undone. */
export interface SentInvitation extends Invitation {
  /** A new Graph event was created (to cancel if the booking is not saved). */
  createdEvent?: { organizer: string; eventId: string };
}

/**
 * Puts the meeting in the casusregisseur's calendar through Graph (create, or update when it
 * moves); Graph then invites the SMW'er and the parent. Without Graph (or without the
 * casusregisseur's address) the invitation is an iCalendar file sent after saving.
 */
export async function sendInvitation(deps: BotDeps, r: Referral, plan: BookingPlan): Promise<SentInvitation> {
  const uid = plan.meeting?.uid ?? `handover-${r.referralId}-${plan.slot.slotId}@schakel`;
  const request = r.handover?.request;
  if (!deps.meetings || !request) return { via: 'ical', uid };
  const emails = await professionalEmails(deps, r);
  if (!emails.caseManager) {
    deps.log.warn({ referralId: r.referralId }, 'casusregisseur has no known e-mail address: iCalendar invitation instead of Graph');
    return { via: 'ical', uid };
  }
  const start = new Date(plan.slot.start);
  const end = new Date(plan.slot.end);
  const zone = deps.config.timeZone;
  if (plan.meeting?.via === 'graph' && plan.meeting.eventId) {
    await deps.meetings.updateEvent(emails.caseManager, plan.meeting.eventId, { start, end, timeZone: zone });
    return { via: 'graph', uid, eventId: plan.meeting.eventId, ...(plan.meeting.joinUrl ? { joinUrl: plan.meeting.joinUrl } : {}) };
  }
  const text = handoverInvitationText(request.meetingForm);
  const invitee = familyInvitee(r, deps.calendar.localDate(deps.clock.now()));
  const attendees = [
    ...(emails.smw ? [{ email: emails.smw, name: r.smw.name, type: 'required' as const }] : []),
    ...(invitee?.email ? [{ email: invitee.email, name: invitee.name, type: 'required' as const }] : []),
  ];
  const online = request.meetingForm === 'online';
  const created = await deps.meetings.createEvent(emails.caseManager, {
    subject: text.summary,
    body: `<p>${escapeHtml(text.description)}</p>`,
    start,
    end,
    timeZone: zone,
    isOnlineMeeting: online,
    ...(online ? {} : { location: translator('nl')(`handover.form.${request.meetingForm}`) }),
    attendees,
    transactionId: uid,
  });
  return { via: 'graph', uid, eventId: created.id, ...(created.joinUrl ? { joinUrl: created.joinUrl } : {}), createdEvent: { organizer: emails.caseManager, eventId: created.id } };
}

/** The iCalendar text for the booked (REQUEST) or cancelled (CANCEL) meeting. */
export function icsOf(deps: BotDeps, r: Referral, meeting: HandoverMeeting, method: 'REQUEST' | 'CANCEL'): string {
  const request = r.handover?.request;
  const text = handoverInvitationText(request?.meetingForm ?? 'school');
  const organizerEmail = r.caseManager?.email ?? r.smw.email ?? 'noreply@schakel.invalid';
  const invitee = familyInvitee(r, deps.calendar.localDate(deps.clock.now()));
  const attendees: InvitationAttendee[] = [
    ...(r.smw.email ? [{ name: r.smw.name, email: r.smw.email }] : []),
    ...(r.caseManager?.email ? [{ name: r.caseManager.name, email: r.caseManager.email }] : []),
    ...(invitee?.email ? [{ name: invitee.name, email: invitee.email }] : []),
  ];
  return buildInvitation({
    uid: meeting.uid,
    start: new Date(meeting.start),
    end: new Date(meeting.end),
    timeZone: deps.config.timeZone,
    summary: text.summary,
    description: method === 'CANCEL' ? handoverCancellationText() : text.description,
    ...(request?.meetingForm === 'online' || !request ? {} : { location: translator('nl')(`handover.form.${request.meetingForm}`) }),
    organizer: { name: r.caseManager?.name ?? r.smw.name, email: organizerEmail },
    attendees,
    method,
    sequence: meeting.sequence,
    stamp: deps.clock.now(),
  });
}

/** Signed download of the iCalendar file of a meeting: id `<referralId>:<uid>`. */
export const ICS_KIND = 'ics';
const ICS_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(.{1,200})$/i;
const DAY_SECONDS = 24 * 3600;

/**
 * The meeting an invitation link is about, as it stands now: booked or moved (REQUEST, its
 * latest SEQUENCE) or called off (CANCEL). An older link therefore always gives the current truth.
 */
export function invitationOf(r: Referral, uid: string): { meeting: HandoverMeeting; method: 'REQUEST' | 'CANCEL' } | undefined {
  const h = r.handover;
  if (h?.meeting?.uid === uid) return { meeting: h.meeting, method: 'REQUEST' };
  const cancelled = h?.cancelled.filter((m) => m.uid === uid).at(-1);
  return cancelled ? { meeting: cancelled, method: 'CANCEL' } : undefined;
}

/**
 * The `.ics` behind signed links: built when the link is opened, from the stored referral's
 * meeting. A token that is not valid gets 404 without anything of the meeting; an erased
 * referral or an unknown meeting too.
 */
export function registerInvitationDownloads(deps: BotDeps): void {
  deps.downloads.register(ICS_KIND, async (id) => {
    const [, referralId, uid] = ICS_ID.exec(id) ?? [];
    if (!referralId || !uid) return undefined;
    const stored = await deps.referrals.get(referralId);
    const found = stored && invitationOf(stored.doc, uid);
    if (!stored || !found) return undefined;
    return {
      body: icsOf(deps, stored.doc, found.meeting, found.method),
      contentType: `text/calendar; charset=utf-8; method=${found.method}`,
      fileName: 'warme-overdracht.ics',
    };
  });
}

/** A link to the meeting's `.ics`, valid until a week after the meeting (at least a day). */
export function invitationUrl(deps: BotDeps, r: Referral, meeting: HandoverMeeting): string {
  const untilEnd = Math.ceil((Date.parse(meeting.end) - deps.clock.now().getTime()) / 1000);
  const ttl = Math.min(60 * DAY_SECONDS, Math.max(DAY_SECONDS, untilEnd + 7 * DAY_SECONDS));
  return deps.downloads.url(ICS_KIND, `${r.referralId}:${meeting.uid}`, ttl);
}

/**
 * The message with the invitation (or cancellation) for a professional: date and time, and a
 * button that downloads the `.ics` from a signed link. Teams shows bot files in personal chat
 * only through its file-consent flow, and `data:` URLs not at all, so the file is never attached.
 */
export function invitationMessage(deps: BotDeps, lang: Lang, r: Referral, meeting: HandoverMeeting, method: 'REQUEST' | 'CANCEL'): OutboundMessage {
  const v = viewOf(deps, lang);
  const when = meetingTime(v, meeting.start, meeting.end);
  const text = v.tr(method === 'REQUEST' ? 'handover.ical.message' : 'handover.ical.cancelMessage', { number: r.number, when });
  const card = renderFormCard({
    title: v.tr('handover.title', { number: r.number }),
    subtitle: text,
    links: [{ title: v.tr(method === 'REQUEST' ? 'handover.ical.download' : 'handover.ical.downloadCancel'), url: invitationUrl(deps, r, meeting) }],
  });
  return { attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }], summary: text };
}

/** The `.ics` as a mail attachment. */
export function icsAttachment(deps: BotDeps, r: Referral, meeting: HandoverMeeting, method: 'REQUEST' | 'CANCEL'): MailAttachment {
  return textAttachment('warme-overdracht.ics', `text/calendar; charset=utf-8; method=${method}`, icsOf(deps, r, meeting, method));
}

/**
 * The parent's mail with the invitation (booked or moved) or the cancellation, the `.ics`
 * attached: only who, when and how, never the pupil or the reason. Says what really happened:
 * sent, only in the outbox, failed — or, without an e-mail address, a call for the SMW'er.
 */
export async function tellParentAboutMeeting(deps: BotDeps, r: Referral, meeting: HandoverMeeting, method: 'REQUEST' | 'CANCEL'): Promise<ParentNotice> {
  const at = deps.clock.now().toISOString();
  // A pupil of 16 or older decides alone: without their consent the invitation goes to them, not to the parents.
  const invitee = familyInvitee(r, deps.calendar.localDate(deps.clock.now()));
  if (!invitee?.email) return { channel: 'phone', status: 'todo', at };
  const mail = meetingMail(deps.config.timeZone, r, meeting, method, invitee.name);
  try {
    const receipt = await deps.mail.send(invitee.email, mail.subject, mail.html, {
      referralId: r.referralId,
      idempotencyKey: `${meeting.uid}-${method.toLowerCase()}-${meeting.sequence}`,
      attachments: [icsAttachment(deps, r, meeting, method)],
    });
    return { channel: 'email', status: receipt, at };
  } catch (err) {
    deps.log.warn({ referralId: r.referralId, method, err: { message: (err as Error).message } }, 'meeting mail to parent failed');
    return { channel: 'email', status: 'failed', at };
  }
}

/**
 * Calls a Graph meeting off: Graph sends the cancellation to its attendees (parent included).
 * False without a Graph event or when Graph fails: then Schakel tells everyone itself (effects).
 */
export async function cancelledThroughGraph(deps: BotDeps, r: Referral, meeting: HandoverMeeting): Promise<boolean> {
  if (meeting.via !== 'graph' || !meeting.eventId || !deps.meetings) return false;
  const emails = await professionalEmails(deps, r);
  if (!emails.caseManager) return false;
  try {
    await deps.meetings.cancelEvent(emails.caseManager, meeting.eventId, handoverCancellationText());
    return true;
  } catch (err) {
    deps.log.warn({ referralId: r.referralId, err: { message: (err as Error).message } }, 'calendar event could not be cancelled: sending iCalendar cancellation');
    return false;
  }
}

/** Mails the parent, or sets the SMW'er's phone task when there is no e-mail address. */
export async function informParent(deps: BotDeps, r: Referral, record: AgreementsRecord, parentLink?: string): Promise<HandoverDelivery> {
  const at = deps.clock.now().toISOString();
  const email = r.handover?.request?.parent.email;
  const base = { agreementsVersion: record.version, recipient: 'parent' as const, at };
  if (!email) return { ...base, channel: 'phone', status: 'todo' };
  const mail = agreementsMail(r, record, parentLink);
  try {
    // Only in the outbox is not sent: the cards and the timeline say so, and the SMW'er gets the text.
    const receipt = await deps.mail.send(email, mail.subject, mail.html, { referralId: r.referralId, idempotencyKey: `handover-${r.referralId}-v${record.version}-parent` });
    return { ...base, channel: 'email', status: receipt };
  } catch (err) {
    deps.log.warn({ referralId: r.referralId, err: { message: (err as Error).message } }, 'agreements mail to parent failed');
    return { ...base, channel: 'email', status: 'failed' };
  }
}

/** The school contact's card in Teams: the case as number, initials and school, and the agreed moments. */
export function schoolContactAgreementsCard(zone: string, r: Referral, record: AgreementsRecord): AdaptiveCardJson {
  const tr = translator('nl');
  const a = record.agreements;
  const date = (iso: string) => new Date(`${iso}T12:00:00Z`).toLocaleDateString('nl-NL', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: zone });
  const ref = caseRefOf(r);
  return renderFormCard({
    title: tr('handover.schoolContact.title', { number: r.number }),
    subtitle: tr('handover.schoolContact.intro'),
    facts: [
      { title: tr('handover.schoolContact.case'), value: `${ref.initials}, ${ref.school}` },
      ...a.feedback.map((f) => ({ title: tr(`handover.agreed.feedback.${f.to}`), value: `${date(f.date)}${f.time ? ` ${f.time}` : ''}, ${tr(`handover.channel.${f.how}`)}` })),
      { title: tr('handover.agreed.evaluation'), value: date(a.evaluation.date) },
      { title: tr('handover.agreed.aftercare'), value: `${date(a.aftercare.until)} (${tr(`handover.role.${a.aftercare.who}`)})` },
      { title: tr('handover.role.caseManager'), value: r.caseManager?.name ?? '' },
      { title: tr('handover.role.smw'), value: r.smw.name },
    ],
  });
}

/**
 * Sends the confirmed agreements to one recipient besides the SMW'er and the parent (see
 * `agreementRecipients`): the school contact in Teams (through the one rate-limited path) or by
 * e-mail, the pupil by e-mail, or a task for the SMW'er when there is no address. Returns what
 * happened; the domain tells the SMW'er about one that was not reached. Throttled by Teams: that
 * answer, so the effect waits instead of recording a failure.
 */
export async function informOtherParty(deps: BotDeps, teams: TeamsPort, r: Referral, record: AgreementsRecord, { role, channel }: AgreementRecipient): Promise<HandoverDelivery | PortResult | undefined> {
  if (role !== 'schoolContact' && role !== 'pupil') return undefined;
  const at = deps.clock.now().toISOString();
  const base = { agreementsVersion: record.version, recipient: role, at };
  if (channel.kind === 'teams') {
    const sent = await teams.toPerson(channel.aadObjectId, cardMessage(schoolContactAgreementsCard(deps.config.timeZone, r, record)));
    if (!sent.ok && sent.throttled) return sent;
    return { ...base, channel: 'teams', status: sent.ok ? 'sent' : sent.retryable ? 'failed' : 'unreachable' };
  }
  if (channel.kind === 'email') {
    const mail = agreementsMailFor(r, record, { role, name: channel.name });
    try {
      const receipt = await deps.mail.send(channel.email, mail.subject, mail.html, { referralId: r.referralId, idempotencyKey: `handover-${r.referralId}-v${record.version}-${role}` });
      return { ...base, channel: 'email', status: receipt };
    } catch (err) {
      deps.log.warn({ referralId: r.referralId, role, err: { name: (err as Error).name } }, 'agreements mail failed');
      return { ...base, channel: 'email', status: 'failed' };
    }
  }
  return { ...base, channel: 'phone', status: 'todo' };
}

/**
 * Sends the SMW'er the confirmed agreements as a read-only card; returns how it went and the
 * card's id, or Teams' answer when it asked to wait (the effect then waits, nothing is recorded).
 */
export async function sendAgreementsToSmw(deps: BotDeps, teams: TeamsPort, r: Referral, version: number): Promise<{ delivery: HandoverDelivery; activityId?: string } | PortResult> {
  const card = handoverCard(await viewFor(deps, r.smw.aadObjectId), r, 'smw');
  const sent = await teams.toPerson(r.smw.aadObjectId, cardMessage(card));
  if (!sent.ok && sent.throttled) return sent;
  const delivery: HandoverDelivery = { agreementsVersion: version, recipient: 'smw', channel: 'teams', status: sent.ok ? 'sent' : sent.retryable ? 'failed' : 'unreachable', at: deps.clock.now().toISOString() };
  return { delivery, ...(sent.ok && sent.activityId ? { activityId: sent.activityId } : {}) };
}
