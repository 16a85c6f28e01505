import { DateTime } from 'luxon';
import { renderFormCard, type FormCardInput } from '../form/index.js';
import { agreementFields, planFields, planValues } from './fields.js';
import type { AdaptiveCardJson } from '../render.js';
import { fieldViews, type RawValues, type Translate } from '../referral/fields.js';
import { VERBS } from '../verbs.js';
import { agreementsToCardValues, confirmedAgreements, latestAgreements, type Agreements } from '../../src/domain/handover.js';
import { cancellationUnderWay, emptyHandover, failedBooking, handoverWork, justCancelled, parentStillToTell, type HandoverDelivery, type HandoverMeeting, type ParentNotice } from '../../src/domain/handoverFlow.js';
import { agreementsMail, meetingMail, type ParentMail } from '../parentMail/index.js';
import { linkBlocked } from '../../src/domain/parentLink.js';
import { pendingDeliveries } from '../../src/domain/agreementDelivery.js';
import type { Referral } from '../../src/domain/referral.js';
import { parentsOf } from '../../src/domain/sections/parents.js';
import type { FieldErrors } from '../../src/domain/validation.js';
import type { Lang } from '../../src/i18n/index.js';

/** Whose 1:1 card it is: the two professionals see the same facts, each with their own buttons. */
export type Viewer = 'smw' | 'caseManager';

export interface HandoverView {
  tr: Translate;
  lang: Lang;
  /** The time zone meetings are shown in. */
  zone: string;
  /** A signed link to the meeting's `.ics` (an "Uitnodiging downloaden" button); none without it. */
  invitationUrl?: (r: Referral, meeting: HandoverMeeting) => string;
  /** Schakel's own mail to parents only reaches the local outbox (no Graph mail): said before it happens. */
  parentMailOutbox?: boolean;
  /** Meetings are booked in Graph calendars, which invite the parent themselves. */
  graphCalendar?: boolean;
  /** The parent's link when it was issued just now (only its hash is stored): shown to the SMW'er to read out or text. */
  parentLinkUrl?: (r: Referral) => string | undefined;
}

export type Notice = { kind: 'good' | 'attention' | 'warning'; text: string };
type Fact = { title: string; value: string };

const noticeOf = (n?: Notice): FormCardInput['notice'] =>
  n ? { text: n.text, color: n.kind === 'good' ? 'Good' : n.kind === 'attention' ? 'Attention' : 'Warning', style: n.kind } : undefined;

/** "dinsdag 24 november 2026, 09:00–10:00" in the configured zone. */
export function meetingTime(v: HandoverView, start: string, end: string): string {
  const s = DateTime.fromISO(start, { zone: v.zone }).setLocale(v.lang);
  const e = DateTime.fromISO(end, { zone: v.zone });
  return `${s.toFormat('cccc d LLLL yyyy, HH:mm')}–${e.toFormat('HH:mm')}`;
}

const shortTime = (v: HandoverView, start: string, end: string) =>
  `${DateTime.fromISO(start, { zone: v.zone }).setLocale(v.lang).toFormat('ccc d LLL HH:mm')}–${DateTime.fromISO(end, { zone: v.zone }).toFormat('HH:mm')}`;

const localDate = (v: HandoverView, isoDate: string) => DateTime.fromISO(isoDate).setLocale(v.lang).toFormat('d LLLL yyyy');

/**
 * The planning form, prefilled with the last request or the referral's first parent. For the
 * SMW'er, a cancellation the parent still has to hear about comes first (mail text and button).
 */
export function planCard(v: HandoverView, r: Referral, extra: { values?: RawValues; errors?: FieldErrors; notice?: Notice; viewer?: Viewer } = {}): AdaptiveCardJson {
  const h = r.handover ?? emptyHandover();
  const values = extra.values ?? planValues(h.request, parentsOf(r.sections.parents)[0]);
  const data = { referralId: r.referralId };
  const cancelled = h.meeting ? undefined : h.cancelled.at(-1);
  const task = extra.viewer === 'smw' && cancelled ? meetingTask(v, r, cancelled, 'CANCEL') : undefined;
  // Just called off (no new round since): still being announced, or how everyone heard of it.
  const recent = justCancelled(r);
  const cancelNotice: Notice | undefined = !recent
    ? undefined
    : cancellationUnderWay(r)
      ? { kind: 'attention', text: v.tr('handover.cancelling') }
      : { kind: 'good', text: `${v.tr(recent.via === 'graph' && !recent.parent ? 'handover.cancelled.notice' : 'handover.cancelled.noticeIcal')}${parentSuffix(v, recent.parent)} ${v.tr('handover.cancelled.planNew')}` };
  return renderFormCard({
    title: v.tr('handover.plan.title', { number: r.number }),
    subtitle: v.tr('handover.plan.subtitle', { smw: r.smw.name, caseManager: r.caseManager?.name ?? '' }),
    notice: noticeOf(extra.notice ?? task?.notice ?? cancelNotice),
    fields: [...(task?.fields ?? []), ...fieldViews(planFields(v.tr), values, extra.errors ?? {}, v.tr)],
    footer: v.tr('handover.plan.footer'),
    actions: [
      { verb: VERBS.handoverPlan, title: v.tr('handover.plan.search'), style: 'positive', data },
      ...(h.meeting ? [{ verb: VERBS.handoverShow, title: v.tr('handover.keepMeeting'), data, validate: false }] : []),
      ...(task ? [task.action] : []),
    ],
  });
}

/** What a card says about how the parent was told, after the click's own news. */
export function parentSuffix(v: HandoverView, n: { status: ParentNotice['status'] | 'unreachable' } | undefined): string {
  return n && n.status !== 'done' ? ` ${v.tr(`handover.parentSuffix.${n.status}`)}` : '';
}

type CardField = ReturnType<typeof fieldViews>[number];
interface ParentTaskView {
  notice: Notice;
  fields: CardField[];
  action: { verb: string; title: string; style: 'positive'; data: Record<string, unknown>; validate: false };
}

/** The mail's text on the card, to copy: subject and body. */
function mailFields(v: HandoverView, mail: ParentMail): CardField[] {
  return [
    { kind: 'heading', label: v.tr('handover.task.mailText') },
    { kind: 'info', label: `${v.tr('handover.task.mailSubject')}: ${mail.subject}` },
    ...mail.text.split('\n\n').map((p) => ({ kind: 'info' as const, label: p })),
  ];
}

/**
 * The SMW'er's task when Schakel's message did not reach the parent: what happened (in the
 * outbox — not sent, failed, or no address), the mail's text to send themselves, and the button
 * that records they mailed or called.
 */
function parentTask(v: HandoverView, r: Referral, status: string, mail: ParentMail | undefined, data: Record<string, unknown>, about: 'agreements' | 'invitation' | 'cancellation'): ParentTaskView | undefined {
  if (!parentStillToTell({ status })) return undefined;
  const parent = r.handover?.request?.parent;
  const params = { name: parent?.name ?? '', email: parent?.email ?? '', phone: parent?.phone ? ` (${parent.phone})` : '', about: v.tr(`handover.task.about.${about}`) };
  const phoneOnly = status === 'todo';
  return {
    notice: { kind: 'attention', text: v.tr(phoneOnly ? (about === 'agreements' ? 'handover.task.phone' : 'handover.task.phoneMeeting') : `handover.task.${status}`, { ...params, phone: phoneOnly ? (parent?.phone ?? '') : params.phone }) },
    fields: !phoneOnly && mail ? mailFields(v, mail) : [],
    action: { verb: VERBS.parentInformed, title: v.tr(phoneOnly && about === 'agreements' ? 'handover.task.done' : 'handover.task.doneMail'), style: 'positive', data, validate: false },
  };
}

function meetingTask(v: HandoverView, r: Referral, m: HandoverMeeting, method: 'REQUEST' | 'CANCEL'): ParentTaskView | undefined {
  if (!m.parent) return undefined;
  const data = { referralId: r.referralId, meetingUid: m.uid, sequence: m.sequence };
  return parentTask(v, r, m.parent.status, meetingMail(v.zone, r, m, method), data, method === 'CANCEL' ? 'cancellation' : 'invitation');
}

/**
 * The 1:1 card of a professional, for the referral's current step: the planning form, the
 * proposals, the booked meeting, or the confirmed agreements with who was told.
 */
export function handoverCard(v: HandoverView, r: Referral, viewer: Viewer, notice?: Notice): AdaptiveCardJson {
  const h = r.handover ?? emptyHandover();
  const data = { referralId: r.referralId };
  const title = v.tr('handover.title', { number: r.number });
  if (r.state === 'agreementsConfirmed') return confirmedCard(v, r, viewer, notice);
  // Just cancelled (no search since): the planning form, with what the parent still has to hear.
  const subtitle = h.meeting
    ? v.tr('handover.proposals.moveSubtitle', { when: meetingTime(v, h.meeting.start, h.meeting.end) })
    : v.tr(v.parentMailOutbox && !v.graphCalendar ? 'handover.proposals.subtitleOutbox' : 'handover.proposals.subtitle');
  // Slow work under way (the runner updates this card when it is done): what is happening, no buttons.
  const work = handoverWork(r);
  if (work) {
    return renderFormCard({
      title,
      subtitle,
      notice: noticeOf(notice ?? { kind: 'attention', text: workText(v, r, work) }),
      facts: [...requestFacts(v, r), ...parentFacts(v, r, viewer)],
      footer: '',
      actions: [],
    });
  }
  if (h.proposals.length > 0 || (h.request && !h.meeting && !justCancelled(r))) {
    const basis = h.proposalBasis === 'calendars' ? 'handover.proposals.calendars' : 'handover.proposals.workingHours';
    const stateNotice: Notice | undefined =
      h.proposals.length === 0
        ? { kind: 'warning', text: v.tr('handover.proposals.none') }
        : failedBooking(r)
          ? { kind: 'warning', text: v.tr('handover.bookingFailedCard') }
          : h.calendarFailed
            ? { kind: 'warning', text: v.tr('handover.calendarFailed') }
            : undefined;
    return renderFormCard({
      title,
      subtitle,
      notice: noticeOf(notice ?? stateNotice),
      facts: [...requestFacts(v, r), ...parentFacts(v, r, viewer)],
      footer: v.tr(basis),
      // The proposals as one choice (first preselected) and one "Kies" button; the rest behind "Meer".
      fields: h.proposals.length > 0 ? [{ kind: 'radio', id: 'slotId', label: v.tr('handover.proposals.choose'), value: h.proposals[0]!.slotId, choices: h.proposals.map((p) => ({ title: shortTime(v, p.start, p.end), value: p.slotId })) }] : [],
      actions: h.proposals.length > 0 ? [{ verb: VERBS.handoverBook, title: v.tr('handover.proposals.book'), style: 'positive', data: { ...data, slotId: h.proposals[0]!.slotId } }] : [{ verb: VERBS.handoverEdit, title: v.tr('handover.proposals.other'), data, validate: false }],
      more: [
        ...enableAction(v, r, viewer),
        ...(h.proposals.length > 0 ? [{ verb: VERBS.handoverEdit, title: v.tr('handover.proposals.other'), data, validate: false }] : []),
        ...(h.meeting ? [{ verb: VERBS.handoverShow, title: v.tr('handover.keepMeeting'), data, validate: false }] : []),
      ],
      moreLabel: v.tr('cards.more'),
    });
  }
  if (!h.meeting) return planCard(v, r, { notice, viewer });
  const m = h.meeting;
  const task = viewer === 'smw' ? meetingTask(v, r, m, 'REQUEST') : undefined;
  return renderFormCard({
    title,
    subtitle: v.tr('handover.booked.subtitle'),
    notice: noticeOf(notice ?? task?.notice ?? bookedNotice(v, m)),
    facts: [
      { title: v.tr('handover.booked.when'), value: meetingTime(v, m.start, m.end) },
      ...requestFacts(v, r),
      ...(m.joinUrl ? [{ title: v.tr('handover.booked.join'), value: `[${v.tr('handover.booked.joinLink')}](${m.joinUrl})` }] : []),
      { title: v.tr('handover.booked.invitation'), value: v.tr(m.via === 'graph' ? 'handover.booked.viaGraph' : 'handover.booked.viaIcal') },
      ...(m.parent ? [{ title: v.tr('handover.delivery.parent'), value: v.tr(`handover.parentNotice.${m.parent.channel}.${m.parent.status}`) }] : []),
      ...parentFacts(v, r, viewer),
    ],
    fields: task?.fields ?? [],
    footer: v.tr(viewer === 'caseManager' ? 'handover.booked.footerCaseManager' : 'handover.booked.footerSmw', { number: r.number }),
    // The parent task is the one thing to do: moving and cancelling then wait behind "Meer".
    ...bookedActions(task ? [task.action] : viewer === 'caseManager' ? [{ verb: VERBS.agreementsOpen, title: v.tr('handover.agreements.open'), style: 'positive' as const, data, validate: false }] : [], [
      { verb: VERBS.handoverReschedule, title: v.tr('handover.booked.move'), data, validate: false },
      { verb: VERBS.handoverCancel, title: v.tr('handover.booked.cancel'), style: 'destructive' as const, data, validate: false },
      ...enableAction(v, r, viewer),
    ], Boolean(task), v.tr('cards.more')),
    links: m.via === 'ical' && v.invitationUrl ? [{ title: v.tr('handover.ical.download'), url: v.invitationUrl(r, m) }] : [],
  });
}

/** What the booked card says by itself: planned (or moved) and, truthfully, how the family heard of it. */
function bookedNotice(v: HandoverView, m: HandoverMeeting): Notice {
  const when = meetingTime(v, m.start, m.end);
  const key = m.sequence > 0 ? (m.via === 'graph' ? 'handover.moved.notice' : 'handover.moved.noticeIcal') : 'handover.booked.notice';
  return { kind: 'good', text: `${v.tr(key, { when })}${parentSuffix(v, m.parent)}` };
}

/** The confirmation's news for the casusregisseur: confirmed, and truthfully how the SMW'er and the parent were reached (or that it is on its way). */
function confirmedNotice(v: HandoverView, r: Referral, version: number): string {
  if (pendingDeliveries(r, version).length > 0) return `${v.tr('handover.confirmed.notice')} ${v.tr('handover.confirmed.sending')}`;
  const of = (recipient: 'smw' | 'parent') => r.handover?.deliveries.find((d) => d.agreementsVersion === version && d.recipient === recipient);
  const smw = of('smw');
  return [v.tr('handover.confirmed.notice'), ...(smw ? [v.tr(smw.status === 'sent' ? 'handover.confirmed.smwSent' : 'handover.confirmed.smwNotReached')] : [])].join(' ') + parentSuffix(v, of('parent'));
}

/** What the card waits for: the search, the invitation on its way, or a retry after the calendar did not answer. */
function workText(v: HandoverView, r: Referral, work: NonNullable<ReturnType<typeof handoverWork>>): string {
  if (work.state.status === 'retrying') return v.tr('handover.retrying', { time: DateTime.fromISO(work.state.nextAt, { zone: v.zone }).toFormat('HH:mm') });
  if (work.kind === 'findSlots') return v.tr(v.graphCalendar ? 'handover.searching' : 'handover.searchingHours');
  const slot = r.handover?.proposals.find((p) => p.slotId === work.slotId);
  return v.tr('handover.booking', { when: slot ? meetingTime(v, slot.start, slot.end) : '' });
}

type FormAction = NonNullable<FormCardInput['actions']>[number];

/** A row of at most three buttons: with a task first, the others go behind "Meer". */
function bookedActions(first: FormAction[], rest: FormAction[], behindMore: boolean, moreLabel: string): { actions: FormAction[]; more: FormAction[]; moreLabel: string } {
  // Never more than MAX_ACTIONS in the row: what does not fit waits behind "Meer".
  return behindMore || first.length + rest.length > MAX_ACTIONS ? { actions: first, more: rest, moreLabel } : { actions: [...first, ...rest], more: [], moreLabel };
}

function requestFacts(v: HandoverView, r: Referral): Fact[] {
  const req = r.handover?.request;
  if (!req) return [];
  const contact = [req.parent.email, req.parent.phone].filter(Boolean).join(' · ');
  return [
    { title: v.tr('handover.plan.form'), value: v.tr(`handover.form.${req.meetingForm}`) },
    { title: v.tr('handover.plan.duration'), value: v.tr('handover.minutes', { n: req.durationMinutes }) },
    { title: v.tr('handover.plan.pupilJoins'), value: v.tr(req.pupilJoins ? 'referral.yesNo.ja' : 'referral.yesNo.nee') },
    { title: v.tr('handover.plan.parentName'), value: `${req.parent.name}${contact ? ` (${contact})` : ''}` },
  ];
}

/** The formulier warme overdracht for the casusregisseur: the latest version, or what was typed. */
export function agreementsCard(v: HandoverView, r: Referral, extra: { values?: RawValues; errors?: FieldErrors; notice?: Notice } = {}): AdaptiveCardJson {
  const h = r.handover ?? emptyHandover();
  const latest = latestAgreements(h.agreements);
  // Presence pre-filled from the planning: a pupil who was to join the meeting is ticked as present.
  const present = h.request?.pupilJoins ? 'smw,caseManager,parent,pupil' : 'smw,caseManager,parent';
  const values = extra.values ?? (latest ? agreementsToCardValues(latest.agreements) : { present, parentsAgree: 'false', meetingHeld: 'false' });
  const subtitle = !latest
    ? v.tr('handover.agreements.new')
    : latest.confirmedAt
      ? v.tr('handover.agreements.confirmedNext', { version: latest.version, next: latest.version + 1 })
      : v.tr('handover.agreements.draft', { version: latest.version });
  const data = { referralId: r.referralId, revision: h.agreementsRevision };
  return renderFormCard({
    title: v.tr('handover.agreements.title', { number: r.number }),
    subtitle,
    notice: noticeOf(extra.notice),
    fields: fieldViews(agreementFields(), values, extra.errors ?? {}, v.tr),
    footer: v.tr(v.parentMailOutbox ? 'handover.agreements.footerOutbox' : 'handover.agreements.footer'),
    actions: [
      { verb: VERBS.agreementsConfirm, title: v.tr('handover.agreements.confirm'), style: 'positive', data },
      { verb: VERBS.agreementsSave, title: v.tr('handover.agreements.save'), data },
      { verb: VERBS.handoverShow, title: v.tr('handover.agreements.close'), data: { referralId: r.referralId }, validate: false },
    ],
  });
}

/** Read-only: the confirmed agreements, who was told, and the SMW'er's task when the parent still has to hear. */
function confirmedCard(v: HandoverView, r: Referral, viewer: Viewer, notice?: Notice): AdaptiveCardJson {
  const h = r.handover ?? emptyHandover();
  const record = confirmedAgreements(h.agreements);
  const data = { referralId: r.referralId };
  const version = record?.version ?? 0;
  const toParent = h.deliveries.find((d) => d.agreementsVersion === version && d.recipient === 'parent');
  const task = viewer === 'smw' && toParent && record ? parentTask(v, r, toParent.status, agreementsMail(r, record), { ...data, agreementsVersion: version }, 'agreements') : undefined;
  const newer = latestAgreements(h.agreements);
  return renderFormCard({
    title: v.tr('handover.confirmed.title', { number: r.number }),
    subtitle: v.tr('handover.confirmed.subtitle', { version, name: record?.confirmedBy?.name ?? '', date: record?.confirmedAt ? localDate(v, record.confirmedAt.slice(0, 10)) : '' }),
    notice: noticeOf(notice ?? task?.notice ?? (viewer === 'caseManager' && record ? { kind: 'good', text: confirmedNotice(v, r, version) } : undefined)),
    facts: [
      ...(record ? agreementFacts(v, record.agreements) : []),
      ...deliveryFacts(v, h.deliveries.filter((d) => d.agreementsVersion === version)),
      // Still on their way (effects not yet carried out): said as such, never as sent.
      // Without Graph mail the e-mail only reaches the outbox: "klaargezet", not "verstuurd".
      ...pendingDeliveries(r, version).filter((recipient) => recipient !== viewer).map((recipient) => ({ title: v.tr(`handover.delivery.${recipient}`), value: v.tr(recipient !== 'smw' && v.parentMailOutbox ? 'handover.delivery.pendingOutbox' : 'handover.delivery.pending') })),
      ...parentFacts(v, r, viewer),
    ],
    fields: task?.fields ?? [],
    footer: newer && newer.version !== version ? v.tr('handover.confirmed.newerDraft', { version: newer.version }) : v.tr('handover.confirmed.footer'),
    actions: withRoom([
      ...(task ? [task.action] : []),
      ...(viewer === 'caseManager' ? [{ verb: VERBS.agreementsOpen, title: v.tr('handover.agreements.change'), data, validate: false }] : []),
    ], enableAction(v, r, viewer)),
  });
}

function agreementFacts(v: HandoverView, a: Agreements): Fact[] {
  const roles = (list: string[]) => list.map((x) => v.tr(`handover.role.${x}`)).join(', ');
  return [
    { title: v.tr('handover.agreements.present'), value: roles(a.present) },
    ...a.feedback.map((f) => ({
      title: v.tr('handover.agreed.feedback.' + f.to),
      value: `${localDate(v, f.date)}${f.time ? ` ${f.time}` : ''}, ${v.tr(`handover.channel.${f.how}`)}`,
    })),
    { title: v.tr('handover.agreed.evaluation'), value: `${localDate(v, a.evaluation.date)} (${roles(a.evaluation.with)})` },
    { title: v.tr('handover.agreements.aftercareHeading'), value: `${a.aftercare.what} — ${v.tr(`handover.role.${a.aftercare.who}`)}, ${v.tr('handover.confirmed.until', { date: localDate(v, a.aftercare.until) })}` },
    { title: v.tr('handover.agreements.parentsAgree'), value: v.tr(a.parentsAgree ? 'referral.yesNo.ja' : 'referral.yesNo.nee') },
    ...(a.pupilAgrees === undefined ? [] : [{ title: v.tr('handover.agreements.pupilAgrees'), value: v.tr(a.pupilAgrees ? 'referral.yesNo.ja' : 'referral.yesNo.nee') }]),
    ...(a.otherAgreements ? [{ title: v.tr('handover.agreements.other'), value: a.otherAgreements }] : []),
  ];
}

function deliveryFacts(v: HandoverView, deliveries: HandoverDelivery[]): Fact[] {
  return deliveries.map((d) => ({
    title: v.tr(`handover.delivery.${d.recipient}`),
    value: v.tr(`handover.delivery.${d.channel}.${d.status}`),
  }));
}

/**
 * The parent's own voice on the card: whether they have a link (never the link itself: only its
 * hash is stored), when they said they can, and their answer to the agreements.
 */
function parentFacts(v: HandoverView, r: Referral, viewer: Viewer): Fact[] {
  const page = r.parentPage;
  const blocked = linkBlocked(r);
  const link = page?.link && !page.link.revokedAt ? page.link : undefined;
  const linkValue = blocked === 'legalGround'
    ? v.tr('parentLink.fact.legalGround')
    : link
      ? v.tr('parentLink.fact.active', { date: DateTime.fromISO(link.expiresAt, { zone: v.zone }).setLocale(v.lang).toFormat('d LLLL yyyy') })
      : v.tr('parentLink.fact.none');
  const url = viewer === 'smw' && !blocked ? v.parentLinkUrl?.(r) : undefined;
  const parent = r.handover?.request?.parent;
  const facts: Fact[] = !parent
    ? []
    : url
      ? [
          { title: v.tr('parentLink.fact'), value: url },
          { title: v.tr('parentLink.card.copyHeading'), value: v.tr('parentLink.card.copyText', { name: parent.name, url }) },
        ]
      : [{ title: v.tr('parentLink.fact'), value: linkValue }];
  const weekly = page?.availability?.weekly ?? [];
  if (weekly.length > 0) facts.push({ title: v.tr('parentLink.fact.availability'), value: weekly.map((w) => `${v.tr(`parentLink.day.${w.weekday}`)} ${v.tr(`handover.part.${w.part}`)}`).join(', ') });
  for (const a of page?.answers ?? []) {
    const date = DateTime.fromISO(a.at, { zone: v.zone }).setLocale(v.lang).toFormat('d LLLL yyyy');
    const value = a.kind === 'agree'
      ? v.tr('parentLink.fact.agreed', { version: a.agreementsVersion, date })
      : `${v.tr('parentLink.fact.question', { text: a.text ?? '' })} — ${a.reply ? v.tr('parentLink.fact.replied', { name: a.reply.by }) : v.tr('parentLink.fact.notReplied')}`;
    facts.push({ title: v.tr('parentLink.fact.answer'), value });
  }
  return facts;
}

/** At most three buttons in a card's visible row (the rest waits behind "Meer"); see test/cards/gallery.ts. */
const MAX_ACTIONS = 3;
type CardAction = NonNullable<FormCardInput['actions']>[number];
const withRoom = (actions: CardAction[], extra: CardAction[]): CardAction[] => (actions.length + extra.length <= MAX_ACTIONS ? [...actions, ...extra] : actions);

/** The casusregisseur's "Link voor ouders aanzetten" (legal ground), or the SMW'er's "Nieuwe link voor ouders" when none is active. */
function enableAction(v: HandoverView, r: Referral, viewer: Viewer) {
  const blocked = linkBlocked(r);
  const data = { referralId: r.referralId };
  if (viewer === 'caseManager' && blocked === 'legalGround') return [{ verb: VERBS.parentLinkEnable, title: v.tr('parentLink.enable'), data, validate: false }];
  // The SMW'er makes a link when there is none that works (revoked, expired, or from before restart-less issuing).
  const link = r.parentPage?.link;
  if (viewer === 'smw' && !blocked && (!link || link.revokedAt)) return [{ verb: VERBS.parentLinkRenew, title: v.tr('parentLink.card.renew'), data, validate: false }];
  return [];
}
