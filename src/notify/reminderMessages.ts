import { DateTime } from 'luxon';
import { z } from 'zod';
import { reminders as texts } from '../i18n/reminders.js';
import type { Lang } from '../i18n/index.js';
import type { RecipientDelivery, ReminderDocument } from '../store/reminders.js';
import type { OutboundMessage } from './sender.js';

/** Card verbs of the reminder card; the bot routes them to done and snooze. */
export const REMINDER_VERBS = { done: 'reminderDone', snooze: 'reminderSnooze' } as const;

/**
 * What the card's buttons carry: ids only, never names or text. The handler parses it with this
 * schema, reloads the reminder and checks that `recipientKey` belongs to the acting user.
 */
export const ReminderActionSchema = z.object({
  reminderId: z.string().min(1).max(400),
  bucket: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  recipientKey: z.string().min(1).max(200),
  snooze: z.enum(['nextWorkingDay', 'workingDays', 'date']).optional(),
  days: z.number().int().min(1).max(60).optional(),
  /** Merged in by Teams from the card's date input when "Op datum" is pressed. */
  snoozeDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

export type ReminderActionData = z.infer<typeof ReminderActionSchema>;

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
    case 'normEscalation':
      return say(lang, s.escalationStep === 1 ? 'reminder.escalation1' : 'reminder.escalation2', { norm: label, date });
    default:
      return say(lang, doc.kind === 'snoozed' ? 'reminder.snoozed' : 'reminder.before', { label, date, time });
  }
}

/** Dutch reminder card (Adaptive Card 1.5) with done and snooze buttons; plain e-mail for parents. */
export const defaultReminderRenderer: ReminderRenderer = {
  teams(doc, recipient) {
    const title = reminderTitle(doc);
    const data = (extra: Partial<ReminderActionData> = {}): ReminderActionData => ({ reminderId: doc.id, bucket: doc.bucket, recipientKey: recipient.key, ...extra });
    const card = {
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: title, wrap: true, weight: 'Bolder' },
        { type: 'Input.Date', id: 'snoozeDate', label: say('nl', 'reminder.snoozeDateLabel') },
      ],
      actions: [
        { type: 'Action.Execute', title: say('nl', 'reminder.done'), verb: REMINDER_VERBS.done, data: data() },
        { type: 'Action.Execute', title: say('nl', 'reminder.snoozeNextDay'), verb: REMINDER_VERBS.snooze, data: data({ snooze: 'nextWorkingDay' }) },
        { type: 'Action.Execute', title: say('nl', 'reminder.snoozeTwoDays'), verb: REMINDER_VERBS.snooze, data: data({ snooze: 'workingDays', days: 2 }) },
        { type: 'Action.Execute', title: say('nl', 'reminder.snoozeDate'), verb: REMINDER_VERBS.snooze, data: data({ snooze: 'date' }) },
      ],
    };
    return { summary: title, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] };
  },
  mail(doc) {
    const label = texts[doc.subject.label] ? say('nl', doc.subject.label) : doc.subject.label;
    const date = longDate(doc.subject.date, 'nl', doc.timeZone);
    const time = doc.subject.time ? say('nl', 'reminder.atTime', { time: doc.subject.time }) : '';
    return {
      subject: say('nl', 'reminder.mailSubject', { label, date }),
      html: say('nl', 'reminder.mailBody', { label: escapeHtml(label), date, time }),
    };
  },
};
