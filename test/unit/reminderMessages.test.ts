import { describe, expect, it } from 'vitest';
import { toDocument } from '../../src/store/reminders.js';
import { reminderMail, reminderTitle } from '../../src/notify/reminderMessages.js';
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

describe('reminder messages', () => {
  it('titles reminders in Dutch with the long date and time', () => {
    expect(reminderTitle(doc)).toBe('Herinnering: Terugkoppeling <aan> SMW op woensdag 18 november 2026 om 14:00');
    expect(reminderTitle({ ...doc, kind: 'agreementOnDay' })).toBe('Vandaag: Terugkoppeling <aan> SMW om 14:00');
    expect(reminderTitle(doc, 'en')).toBe('Reminder: Terugkoppeling <aan> SMW on Wednesday 18 November 2026 at 14:00');
  });

  it('writes parent e-mail with only what they need, HTML-escaped', () => {
    const mail = reminderMail(doc);
    expect(mail.subject).toBe('Herinnering: Terugkoppeling <aan> SMW op woensdag 18 november 2026');
    expect(mail.html).toContain('"Terugkoppeling &lt;aan&gt; SMW" op woensdag 18 november 2026 om 14:00');
    expect(mail.html).not.toContain('r1');
  });
});
