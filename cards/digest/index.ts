import { z } from 'zod';
import { VERBS } from '../verbs.js';
import { expandCard, type AdaptiveCardJson } from '../render.js';
import { caseLineOf } from '../reminder/index.js';
import { formatDate } from '../../src/i18n/format.js';
import type { Lang } from '../../src/i18n/index.js';
import { reminderTitle } from '../../src/notify/reminderMessages.js';
import type { ReminderDocument } from '../../src/store/reminders.js';
import template from './template.json' with { type: 'json' };

type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Reminders listed on one card (Teams' size budget); the rest are counted. */
const MAX_ITEMS = 15;

const ItemAction = z.object({ verb: z.string().min(1), title: z.string(), style: z.enum(['default', 'positive']), data: z.record(z.unknown()) });

/** Data of the digest card: one block per due or overdue reminder, each with its case and at most two buttons. */
export const DigestCardDataSchema = z.object({
  title: z.string(),
  subtitle: z.string(),
  items: z
    .array(z.object({ caseLine: z.string(), title: z.string(), when: z.string(), whenColor: z.enum(['Default', 'Warning', 'Attention']), actions: z.array(ItemAction).max(2) }))
    .max(MAX_ITEMS),
  more: z.string(),
  footer: z.string(),
});
export type DigestCardData = z.infer<typeof DigestCardDataSchema>;

/** Buttons send what the reminder card's do (ids only); the reminder handlers reload and check the recipient. */
export const DigestCardActionSchema = z.object({ reminderId: z.string().min(1).max(400), bucket: z.string(), recipientKey: z.string().min(1).max(200) }).or(z.object({ referralId: z.string().uuid() }));

/** One reminder of the person's digest: the document and which of its recipients they are. */
export interface DigestEntry {
  doc: ReminderDocument;
  recipientKey: string;
}

export interface DigestView {
  tr: Translate;
  lang: Lang;
  zone: string;
  /** The local day of the digest (`YYYY-MM-DD`). */
  today: string;
  entries: DigestEntry[];
}

/** The date a reminder is about (an agreed date, a deadline), else the local day it was due. */
export const dayOf = (doc: ReminderDocument, zone: string): string => doc.subject.date ?? new Date(doc.dueAt).toLocaleDateString('sv-SE', { timeZone: zone });

function actionsOf(v: DigestView, e: DigestEntry): z.infer<typeof ItemAction>[] {
  const { doc } = e;
  const reminder = { reminderId: doc.id, bucket: doc.bucket, recipientKey: e.recipientKey };
  if (doc.kind === 'agreementsPrompt') return [{ verb: VERBS.agreementsOpen, title: v.tr('digest.openAgreements'), style: 'positive', data: { referralId: doc.referralId } }];
  if (doc.kind === 'closePrompt') return [{ verb: VERBS.close, title: v.tr('digest.close'), style: 'positive', data: { referralId: doc.referralId } }];
  const done = { verb: VERBS.reminderDone, title: v.tr('digest.done'), style: 'positive' as const, data: reminder };
  if (doc.kind === 'normEscalation') return [done];
  return [done, { verb: VERBS.handoverShow, title: v.tr('digest.open'), style: 'default', data: { referralId: doc.referralId } }];
}

/** The digest's data: overdue first (oldest first), then today's, then reminders sent today about a date ahead; at most fifteen, the rest counted. */
export function digestCardData(v: DigestView): DigestCardData {
  const sorted = [...v.entries].sort((a, b) => dayOf(a.doc, v.zone).localeCompare(dayOf(b.doc, v.zone)) || a.doc.dueAt.localeCompare(b.doc.dueAt));
  const shown = sorted.slice(0, MAX_ITEMS);
  const overdue = sorted.filter((e) => dayOf(e.doc, v.zone) < v.today).length;
  return DigestCardDataSchema.parse({
    title: v.tr('digest.title', { date: formatDate(v.today, v.lang, v.zone) }),
    subtitle: sorted.length === 0 ? v.tr('digest.nothing') : v.tr('digest.count', { count: sorted.length, overdue }),
    items: shown.map((e) => {
      const day = dayOf(e.doc, v.zone);
      const late = day < v.today;
      const ahead = day > v.today;
      return {
        caseLine: caseLineOf(e.doc) || e.doc.subject.case?.number || '',
        title: reminderTitle(e.doc, v.lang),
        when: late ? v.tr('digest.overdueSince', { date: formatDate(day, v.lang, v.zone) }) : ahead ? v.tr('digest.on', { date: formatDate(day, v.lang, v.zone) }) : v.tr('digest.today'),
        whenColor: late ? 'Attention' : ahead ? 'Default' : 'Warning',
        actions: actionsOf(v, e),
      };
    }),
    more: sorted.length > shown.length ? v.tr('digest.more', { count: sorted.length - shown.length }) : '',
    footer: v.tr('digest.footer'),
  });
}

/** The daily digest (Adaptive Card 1.5, kept template): what is due today and overdue for one person, each with its case and actions. */
export function digestCard(v: DigestView): AdaptiveCardJson {
  return expandCard(template, digestCardData(v));
}
