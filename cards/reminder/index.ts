import { z } from 'zod';
import { reminders as texts } from '../../src/i18n/reminders.js';
import type { Lang } from '../../src/i18n/index.js';
import { reminderMail, reminderTitle, type ReminderRenderer } from '../../src/notify/reminderMessages.js';
import type { RecipientDelivery, ReminderDocument } from '../../src/store/reminders.js';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import template from './template.json' with { type: 'json' };

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
export const isAgreementReminder = (doc: ReminderDocument) => doc.kind !== 'agreementsPrompt' && doc.kind !== 'normEscalation' && doc.kind !== 'closePrompt' && Boolean(doc.subject.agreementId);

const RoleData = z.object({ reminderId: z.string(), bucket: z.string(), recipientKey: z.string() });

/** Data of the reminder card template: identity first, one primary action, the rest behind "Later" and "Meer". */
export const ReminderCardDataSchema = z.object({
  id: z.string(),
  title: z.string(),
  caseLine: z.string(),
  hint: z.string(),
  notice: z.string().default(''),
  /** false: a channel notice or a result card — told, not asked. */
  buttons: z.boolean(),
  prompt: z.boolean(),
  /** "Afsluiten?" at the nazorg end date: the primary action closes the referral. */
  closing: z.boolean().default(false),
  movable: z.boolean(),
  referralId: z.string(),
  data: RoleData,
  labels: z.record(z.string()),
});

const LABELS = ['close', 'done', 'doneWithNote', 'later', 'more', 'openAgreements', 'snoozeNextDay', 'snoozeTwoDays', 'snoozeDate', 'snoozeDateLabel', 'noteLabel', 'newDateLabel', 'newTimeLabel', 'reschedule'] as const;

/** "AM-7K3QX2 · N.M.d.V. · OBS De Regenboog": which family, without a name. */
export function caseLineOf(doc: ReminderDocument): string {
  const c = doc.subject.case;
  return c ? [c.number, c.initials, c.school].filter(Boolean).join(' · ') : '';
}

function hintOf(doc: ReminderDocument, lang: Lang, channel: boolean): string {
  if (channel) return say(lang, 'reminder.channelInfo');
  if (doc.kind === 'agreementsPrompt') return say(lang, 'reminder.hint.prompt');
  if (doc.kind === 'normEscalation') return say(lang, 'reminder.hint.escalation');
  if (doc.kind === 'closePrompt') return say(lang, 'reminder.hint.close');
  return say(lang, 'reminder.hint.agreement');
}

function cardData(doc: ReminderDocument, recipient: Pick<RecipientDelivery, 'key' | 'teamsChannelKey'>, lang: Lang, notice = '') {
  const channel = Boolean(recipient.teamsChannelKey);
  return ReminderCardDataSchema.parse({
    id: doc.id,
    title: reminderTitle(doc, lang),
    caseLine: caseLineOf(doc),
    hint: notice ? '' : hintOf(doc, lang, channel),
    notice,
    buttons: !channel && !notice,
    prompt: doc.kind === 'agreementsPrompt',
    closing: doc.kind === 'closePrompt',
    movable: isAgreementReminder(doc),
    referralId: doc.referralId,
    data: { reminderId: doc.id, bucket: doc.bucket, recipientKey: recipient.key },
    labels: Object.fromEntries(LABELS.map((l) => [l, say(lang, `reminder.${l}`)])),
  });
}

/**
 * The reminder card (Adaptive Card 1.5, from the template): which case, what to do, one primary
 * action (Gedaan, or Afspraken invullen for the prompt) and "Later" and "Meer" behind
 * Action.ShowCard — never more than three buttons in a row. A channel is told, not asked.
 */
export function reminderCard(doc: ReminderDocument, recipient: Pick<RecipientDelivery, 'key' | 'teamsChannelKey'>, lang: Lang = 'nl'): AdaptiveCardJson {
  return expandCard(template, cardData(doc, recipient, lang));
}

/** The card after an action: the title, the case and what happened, without buttons. */
export function reminderResultCard(doc: ReminderDocument, notice: string, lang: Lang = 'nl'): AdaptiveCardJson {
  return expandCard(template, cardData(doc, { key: '' }, lang, notice));
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
