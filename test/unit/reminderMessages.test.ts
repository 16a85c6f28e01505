import { describe, expect, it } from 'vitest';
import { toDocument } from '../../src/store/reminders.js';
import { REMINDER_VERBS, ReminderActionSchema, defaultReminderRenderer, reminderTitle } from '../../src/notify/reminderMessages.js';
import type { PlannedReminder } from '../../src/domain/reminders.js';

const planned: PlannedReminder = {
  id: 'r1:fb1:2026-11-18T1400:d-2',
  referralId: 'r1',
  kind: 'agreementBefore',
  dueAt: '2026-11-16T07:30:00.000Z',
  timeZone: 'Europe/Amsterdam',
  recipients: [{ key: 'caseManager:aad-cm', role: 'caseManager', channel: 'teams', aadObjectId: 'aad-cm' }],
  subject: { label: 'Terugkoppeling <aan> SMW', agreementId: 'fb1', agreementKind: 'feedback', date: '2026-11-18', time: '14:00' },
};
const doc = toDocument(planned, new Date('2026-11-01T00:00:00Z'));
const recipient = doc.recipients[0]!;

describe('reminder messages', () => {
  it('titles reminders in Dutch with the long date and time', () => {
    expect(reminderTitle(doc)).toBe('Herinnering: Terugkoppeling <aan> SMW op woensdag 18 november 2026 om 14:00');
    expect(reminderTitle({ ...doc, kind: 'agreementOnDay' })).toBe('Vandaag: Terugkoppeling <aan> SMW om 14:00');
    expect(reminderTitle(doc, 'en')).toBe('Reminder: Terugkoppeling <aan> SMW on Wednesday 18 November 2026 at 14:00');
  });

  it('renders a card whose buttons carry only ids that the action schema accepts', () => {
    const message = defaultReminderRenderer.teams(doc, recipient);
    const card = message.attachments?.[0]?.content as { version: string; actions: { verb: string; data: unknown }[] };
    expect(card.version).toBe('1.5');
    expect(card.actions.map((a) => a.verb)).toEqual([REMINDER_VERBS.done, REMINDER_VERBS.snooze, REMINDER_VERBS.snooze, REMINDER_VERBS.snooze]);
    for (const a of card.actions) expect(ReminderActionSchema.safeParse(a.data).success).toBe(true);
    expect(card.actions[2]?.data).toEqual({ reminderId: doc.id, bucket: '2026-11-16', recipientKey: 'caseManager:aad-cm', snooze: 'workingDays', days: 2 });
    expect(ReminderActionSchema.safeParse({ reminderId: doc.id, bucket: 'x', recipientKey: 'k' }).success).toBe(false);
  });

  it('writes parent e-mail with only what they need, HTML-escaped', () => {
    const mail = defaultReminderRenderer.mail(doc, recipient);
    expect(mail.subject).toBe('Herinnering: Terugkoppeling <aan> SMW op woensdag 18 november 2026');
    expect(mail.html).toContain('"Terugkoppeling &lt;aan&gt; SMW" op woensdag 18 november 2026 om 14:00');
    expect(mail.html).not.toContain('r1');
  });
});
