import { describe, expect, it } from 'vitest';
import { reminderCardRenderer } from '../../cards/reminder/index.js';
import type { PlannedReminder } from '../../src/domain/reminders.js';
import { localize } from '../../src/scheduler/planner.js';
import { toDocument } from '../../src/store/reminders.js';

const planned: PlannedReminder = {
  id: 'r1:feedback0:2026-12-10:d-2',
  referralId: 'r1',
  kind: 'agreementBefore',
  dueAt: '2026-12-08T07:30:00.000Z',
  timeZone: 'Europe/Amsterdam',
  recipients: [
    { key: 'caseManager:cm', role: 'caseManager', channel: 'teams', aadObjectId: 'cm' },
    { key: 'smw:smw', role: 'smw', channel: 'teams', aadObjectId: 'smw' },
    { key: 'parent:0', role: 'parent', channel: 'email', email: 'ouder@example.org' },
  ],
  subject: { label: 'reminder.label.feedback', agreementId: 'feedback0', agreementKind: 'feedback', date: '2026-12-10' },
};

describe('reminders in the language of the Teams client', () => {
  it('marks each professional with their client language (Dutch when unknown) and leaves e-mail recipients alone', async () => {
    const [out] = await localize([planned], async (id) => (id === 'cm' ? 'en' : undefined));
    expect(out!.recipients.map((r) => r.lang)).toEqual(['en', 'nl', undefined]);
  });

  it('renders the card in that language', async () => {
    const [out] = await localize([planned], async (id) => (id === 'cm' ? 'en' : 'nl'));
    const doc = toDocument(out!, new Date('2026-11-23T09:00:00Z'));
    const english = JSON.stringify(reminderCardRenderer.teams(doc, doc.recipients[0]!));
    const dutch = JSON.stringify(reminderCardRenderer.teams(doc, doc.recipients[1]!));
    expect(english).toContain('Thursday 10 December 2026');
    expect(dutch).toContain('donderdag 10 december 2026');
  });
});
