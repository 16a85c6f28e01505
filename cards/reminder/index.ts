import { z } from 'zod';
import { reminders as texts } from '../../src/i18n/reminders.js';
import type { Lang } from '../../src/i18n/index.js';
import { reminderMail, reminderTitle, type ReminderRenderer } from '../../src/notify/reminderMessages.js';
import type { RecipientDelivery, ReminderDocument } from '../../src/store/reminders.js';
import type { AdaptiveCardJson } from '../render.js';
import { VERBS } from '../verbs.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const isoDate = z.preprocess(blankToUndefined, z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional());

/**
 * What a reminder card's buttons send: ids of the reminder and the recipient, the snooze choice,
 * and the card's inputs Teams merges in. The handler reloads the reminder and checks that the
 * recipient is the acting user; nothing else from the card is trusted.
 */
export const ReminderCardActionSchema = z.object({
  reminderId: z.string().min(1).max(400),
  bucket: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  recipientKey: z.string().min(1).max(200),
  snooze: z.enum(['nextWorkingDay', 'workingDays', 'date']).optional(),
  days: z.coerce.number().int().min(1).max(60).optional(),
  snoozeDate: isoDate,
  newDate: isoDate,
  newTime: z.preprocess(blankToUndefined, z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).optional()),
  note: z.preprocess(blankToUndefined, z.string().max(1000).optional()),
});

export type ReminderCardAction = z.infer<typeof ReminderCardActionSchema>;

const say = (lang: Lang, key: string) => texts[key]?.[lang] ?? key;

/** A reminder can be moved from its card when it points at a dated agreement. */
export const isAgreementReminder = (doc: ReminderDocument) => doc.kind !== 'agreementsPrompt' && doc.kind !== 'normEscalation' && Boolean(doc.subject.agreementId);

/** The reminder card (Adaptive Card 1.5): Gedaan with an optional note, Later, and Verzet datum for agreements. */
export function reminderCard(doc: ReminderDocument, recipient: Pick<RecipientDelivery, 'key' | 'teamsChannelKey'>, lang: Lang = 'nl'): AdaptiveCardJson {
  if (recipient.teamsChannelKey) {
    // A channel is told, not asked: only the person who must act can mark it done or snooze it.
    const body = [
      { type: 'TextBlock', id: `reminder:${doc.id}`, text: reminderTitle(doc, lang), wrap: true, weight: 'Bolder' },
      { type: 'TextBlock', text: say(lang, 'reminder.channelInfo'), wrap: true, isSubtle: true },
    ];
    return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, actions: [] } as AdaptiveCardJson;
  }
  const data = (extra: Record<string, unknown> = {}) => ({ reminderId: doc.id, bucket: doc.bucket, recipientKey: recipient.key, ...extra });
  const movable = isAgreementReminder(doc);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', id: `reminder:${doc.id}`, text: reminderTitle(doc, lang), wrap: true, weight: 'Bolder' },
    { type: 'Input.Text', id: 'note', label: say(lang, 'reminder.noteLabel'), isMultiline: true, maxLength: 1000 },
    { type: 'Input.Date', id: 'snoozeDate', label: say(lang, 'reminder.snoozeDateLabel') },
  ];
  if (movable) {
    body.push(
      { type: 'Input.Date', id: 'newDate', label: say(lang, 'reminder.newDateLabel') },
      { type: 'Input.Time', id: 'newTime', label: say(lang, 'reminder.newTimeLabel') },
    );
  }
  const actions: Record<string, unknown>[] = [
    ...(doc.kind === 'agreementsPrompt' ? [{ type: 'Action.Execute', title: say(lang, 'reminder.openAgreements'), verb: VERBS.agreementsOpen, data: { referralId: doc.referralId }, style: 'positive' }] : []),
    { type: 'Action.Execute', title: say(lang, 'reminder.done'), verb: VERBS.reminderDone, data: data() },
    { type: 'Action.Execute', title: say(lang, 'reminder.snoozeNextDay'), verb: VERBS.reminderSnooze, data: data({ snooze: 'nextWorkingDay' }) },
    { type: 'Action.Execute', title: say(lang, 'reminder.snoozeTwoDays'), verb: VERBS.reminderSnooze, data: data({ snooze: 'workingDays', days: 2 }) },
    { type: 'Action.Execute', title: say(lang, 'reminder.snoozeDate'), verb: VERBS.reminderSnooze, data: data({ snooze: 'date' }) },
    ...(movable ? [{ type: 'Action.Execute', title: say(lang, 'reminder.reschedule'), verb: VERBS.reminderReschedule, data: data() }] : []),
  ];
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, actions } as AdaptiveCardJson;
}

/** The card after an action: the title and what happened, without buttons. */
export function reminderResultCard(doc: ReminderDocument, notice: string, lang: Lang = 'nl'): AdaptiveCardJson {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', id: `reminder:${doc.id}`, text: reminderTitle(doc, lang), wrap: true, weight: 'Bolder' },
      { type: 'TextBlock', text: notice, wrap: true, color: 'Good' },
    ],
  } as AdaptiveCardJson;
}

/** What the scheduler sends: this card in Teams; the engine's short e-mail (no case details) otherwise. */
export const reminderCardRenderer: ReminderRenderer = {
  teams(doc, recipient) {
    const lang = recipient.lang ?? 'nl';
    const title = reminderTitle(doc, lang);
    return { summary: title, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: reminderCard(doc, recipient, lang) }] };
  },
  mail: (doc) => reminderMail(doc),
};
