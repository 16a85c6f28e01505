import { DateTime } from 'luxon';
import { reminders as texts } from '../i18n/reminders.js';
import type { Lang } from '../i18n/index.js';
import type { RecipientDelivery, ReminderDocument } from '../store/reminders.js';
import type { OutboundMessage } from './sender.js';

/** Turns a reminder into what a recipient gets: a card in Teams, a short e-mail otherwise. */
export interface ReminderRenderer {
  teams(doc: ReminderDocument, recipient: RecipientDelivery): OutboundMessage;
  mail(doc: ReminderDocument, recipient: RecipientDelivery): { subject: string; html: string };
}

function say(lang: Lang, key: string, params: Record<string, string> = {}): string {
  const entry = texts[key];
  const text = entry ? entry[lang] : key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
}

function longDate(isoDate: string | undefined, lang: Lang, zone: string): string {
  if (!isoDate) return '';
  return DateTime.fromISO(isoDate, { zone }).setLocale(lang === 'nl' ? 'nl-NL' : 'en-GB').toFormat('cccc d LLLL yyyy');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The headline of a reminder in one language. */
export function reminderTitle(doc: ReminderDocument, lang: Lang = 'nl'): string {
  const s = doc.subject;
  const label = texts[s.label] ? say(lang, s.label) : s.label;
  const date = longDate(s.date, lang, doc.timeZone);
  const time = s.time ? say(lang, 'reminder.atTime', { time: s.time }) : '';
  switch (doc.kind) {
    case 'agreementOnDay':
      return say(lang, 'reminder.onDay', { label, time });
    case 'agreementOverdue':
      return say(lang, 'reminder.overdue', { label, date });
    case 'normEscalation':
      return say(lang, s.escalationStep === 1 ? 'reminder.escalation1' : 'reminder.escalation2', { norm: label, date });
    default:
      return say(lang, doc.kind === 'snoozed' ? 'reminder.snoozed' : 'reminder.before', { label, date, time });
  }
}

/** The short e-mail a parent (or a professional Teams cannot reach) gets: date, time, what; no case details. */
export function reminderMail(doc: ReminderDocument): { subject: string; html: string } {
  const label = texts[doc.subject.label] ? say('nl', doc.subject.label) : doc.subject.label;
  const date = longDate(doc.subject.date, 'nl', doc.timeZone);
  const time = doc.subject.time ? say('nl', 'reminder.atTime', { time: doc.subject.time }) : '';
  return {
    subject: say('nl', 'reminder.mailSubject', { label, date }),
    html: say('nl', 'reminder.mailBody', { label: escapeHtml(label), date, time }),
  };
}
