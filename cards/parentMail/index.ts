import { DateTime } from 'luxon';
import type { AgreementsRecord } from '../../src/domain/agreementHistory.js';
import type { HandoverMeeting } from '../../src/domain/handoverFlow.js';
import type { Referral } from '../../src/domain/referral.js';
import { translator } from '../../src/i18n/index.js';
import { handoverCancellationText } from '../../src/meetings/invitationText.js';

/**
 * The parent's mails, in Dutch: only dates, times, who will contact them and how — never the
 * pupil, the school, the reason or any free text. The same text goes into the mail and onto the
 * SMW'er's card when the mail only waits in the outbox (to copy and send themselves).
 */
export interface ParentMail {
  subject: string;
  html: string;
  /** Plain text of the body, paragraphs separated by blank lines (lists as "- " lines). */
  text: string;
}

const tr = translator('nl');

/** Paragraphs (a string) and lists (string[]) as HTML and as text. */
function compose(subject: string, blocks: (string | string[])[]): ParentMail {
  const html = blocks.map((b) => (Array.isArray(b) ? `<ul>${b.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>` : `<p>${escapeHtml(b)}</p>`)).join('');
  const text = blocks.map((b) => (Array.isArray(b) ? b.map((i) => `- ${i}`).join('\n') : b)).join('\n\n');
  return { subject, html, text };
}

/** "dinsdag 24 november 2026, 08:30–09:30" in the given zone. */
function when(zone: string, m: HandoverMeeting): string {
  const s = DateTime.fromISO(m.start, { zone }).setLocale('nl');
  return `${s.toFormat('cccc d LLLL yyyy, HH:mm')}–${DateTime.fromISO(m.end, { zone }).toFormat('HH:mm')}`;
}

/** After a confirmation: the dated moments that concern the parent and who will contact them. */
export function agreementsMail(r: Referral, record: AgreementsRecord, parentLink?: string): ParentMail {
  const request = r.handover?.request;
  const a = record.agreements;
  const date = (iso: string) => DateTime.fromISO(iso).setLocale('nl').toFormat('cccc d LLLL yyyy');
  const items = [
    ...(a.evaluation.with.includes('parent') ? [`${tr('handover.mail.evaluation')}: ${date(a.evaluation.date)}`] : []),
    `${tr('handover.mail.aftercareUntil')}: ${date(a.aftercare.until)}`,
  ];
  const how = tr(request?.parent.phone ? 'handover.mail.how.phone' : 'handover.mail.how.email');
  const mail = compose(tr('handover.mail.subject'), [
    tr('handover.mail.intro', { name: request?.parent.name ?? '' }),
    tr('handover.mail.body'),
    items,
    tr('handover.mail.contact', { who: r.caseManager?.name ?? '', how }),
    ...(parentLink ? [tr('parentLink.mail.inAgreements'), parentLink, tr('parentLink.mail.personal')] : []),
    tr('handover.mail.closing', { caseManager: r.caseManager?.name ?? '', smw: r.smw.name }),
  ]);
  return parentLink ? withLink(mail, parentLink) : mail;
}

/** The page's address as a link in the HTML (the text keeps it plain, to read out or copy). */
function withLink(mail: ParentMail, url: string): ParentMail {
  return { ...mail, html: mail.html.replace(`<p>${escapeHtml(url)}</p>`, `<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`) };
}

/**
 * The agreements for another party by e-mail (the pupil by age, the school contact outside Teams):
 * only dates, who and how — never the reason or any free text. The pupil gets what the parents
 * would; the school contact the terugkoppeling dates to school, the evaluation and the nazorg.
 */
export function agreementsMailFor(r: Referral, record: AgreementsRecord, to: { role: 'pupil' | 'schoolContact'; name: string }): ParentMail {
  const a = record.agreements;
  const date = (iso: string) => DateTime.fromISO(iso).setLocale('nl').toFormat('cccc d LLLL yyyy');
  const mine = to.role === 'pupil' ? ['pupil', 'parent'] : ['schoolContact'];
  const items = [
    ...(to.role === 'schoolContact' ? a.feedback.filter((f) => f.to === 'schoolContact').map((f) => `${tr('handover.mail.feedback')}: ${date(f.date)}${f.time ? ` ${f.time}` : ''}`) : []),
    ...(a.evaluation.with.some((w) => mine.includes(w)) ? [`${tr('handover.mail.evaluation')}: ${date(a.evaluation.date)}`] : []),
    `${tr('handover.mail.aftercareUntil')}: ${date(a.aftercare.until)}`,
  ];
  return compose(tr('handover.mail.subject'), [
    tr('handover.mail.intro', { name: to.name }),
    tr('handover.mail.body'),
    items,
    tr('handover.mail.contact', { who: r.caseManager?.name ?? '', how: tr('handover.mail.how.email') }),
    tr('handover.mail.closing', { caseManager: r.caseManager?.name ?? '', smw: r.smw.name }),
  ]);
}

/** The invitation (booked or moved) or the cancellation of the warme overdracht. */
export function meetingMail(zone: string, r: Referral, meeting: HandoverMeeting, method: 'REQUEST' | 'CANCEL', name?: string): ParentMail {
  const request = r.handover?.request;
  const cancel = method === 'CANCEL';
  const subject = tr(cancel ? 'handover.mail.cancelSubject' : meeting.sequence > 0 ? 'handover.mail.movedSubject' : 'handover.mail.inviteSubject');
  return compose(subject, [
    tr('handover.mail.intro', { name: name ?? request?.parent.name ?? '' }),
    cancel ? handoverCancellationText() : tr('handover.mail.invitation', { caseManager: r.caseManager?.name ?? '', smw: r.smw.name }),
    cancel ? when(zone, meeting) : `${when(zone, meeting)}, ${tr(`handover.form.${request?.meetingForm ?? 'school'}`)}`,
    ...(cancel ? [] : [tr('handover.mail.invitationFile')]),
    tr('handover.mail.closing', { caseManager: r.caseManager?.name ?? '', smw: r.smw.name }),
  ]);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * The parent's personal link: what the page is for and that it is theirs alone. Only the names of
 * the professionals, never the pupil, the school or the reason.
 */
export function parentLinkMail(r: Referral, url: string): ParentMail {
  const request = r.handover?.request;
  const mail = compose(tr('parentLink.mail.subject'), [
    tr('handover.mail.intro', { name: request?.parent.name ?? '' }),
    tr('parentLink.mail.body'),
    url,
    tr('parentLink.mail.personal'),
    tr('handover.mail.closing', { caseManager: r.caseManager?.name ?? '', smw: r.smw.name }),
  ]);
  return withLink(mail, url);
}
