import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReminderCardActionSchema } from '../../cards/reminder/index.js';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { PlannedReminder } from '../../src/domain/reminders.js';
import { installationUpdate, makeUser, message, personalConversationId, type TeamsUser } from '../support/activities.js';
import { actions, cardOf, texts } from '../support/cards.js';
import { startHarness, type Harness } from '../support/harness.js';

const sanne = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const clock = new ManualClock('2026-11-24T06:00:00Z'); // Tuesday 07:00 in Rotterdam
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ clock });
  for (const u of [sanne, karim]) await h.bot.send(installationUpdate(u, h.connector.url));
});
afterAll(async () => {
  await h?.stop();
});

const say = async (user: TeamsUser, text: string) => {
  await h.bot.send(message(user, text, h.connector.url));
  return String(h.connector.sent(personalConversationId(user)).at(-1)?.text ?? '');
};
const digestsTo = (user: TeamsUser) => h.connector.sent(personalConversationId(user)).filter((a) => JSON.stringify(a).includes('Overzicht van'));

function reminder(to: TeamsUser, kind: PlannedReminder['kind'], dueAt: string, date: string, number: string): PlannedReminder {
  return {
    id: `${randomUUID()}:${kind}`,
    referralId: randomUUID(),
    kind,
    dueAt,
    timeZone: 'Europe/Amsterdam',
    recipients: [{ key: `caseManager:${to.aadObjectId}`, role: 'caseManager', channel: 'teams', aadObjectId: to.aadObjectId }],
    subject: { label: kind === 'normEscalation' ? 'norms.accept' : 'Terugkoppeling aan de SMW', date, ...(kind === 'normEscalation' ? { normId: 'accept', escalationStep: 1 } : { agreementId: 'feedback0', agreementKind: 'feedback' as const }), case: { number, initials: 'N.M.d.V.', school: 'OBS De Regenboog' } },
  };
}

describe('the daily digest: one card a day at the chosen time, with what is due today and overdue', () => {
  it('is switched on and off by chat, at a chosen local time; a wrong time is explained', async () => {
    expect(await say(sanne, 'overzicht aan 8.30')).toContain('elke werkdag om 08:30');
    expect(await say(sanne, 'overzicht aan later')).toContain('Dat is geen tijd');
    expect((await h.bot.schakel.deps.digests.get(sanne.aadObjectId))?.time).toBe('08:30');
  });

  it('lists the person\'s open reminders of today and the overdue ones, each with its case and actions; once a day, even when two passes race', async () => {
    await h.bot.schakel.deps.reminderStore.save([
      reminder(sanne, 'agreementOnDay', '2026-11-24T06:30:00.000Z', '2026-11-24', 'AM-TODAY1'),
      reminder(sanne, 'normEscalation', '2026-11-20T07:00:00.000Z', '2026-11-19', 'AM-LATE22'),
      reminder(sanne, 'agreementBefore', '2026-11-25T07:30:00.000Z', '2026-11-26', 'AM-LATER3'),
      reminder(karim, 'agreementOnDay', '2026-11-24T06:30:00.000Z', '2026-11-24', 'AM-KARIM4'),
    ]);
    // 07:00 in Rotterdam: not yet.
    expect(await h.bot.schakel.jobs.digest()).toBe(0);
    expect(digestsTo(sanne)).toHaveLength(0);

    clock.set('2026-11-24T07:35:00Z'); // 08:35
    const [a, b] = await Promise.all([h.bot.schakel.jobs.digest(), h.bot.schakel.jobs.digest()]);
    expect(a + b).toBe(1);
    expect(await h.bot.schakel.jobs.digest()).toBe(0);
    const sent = digestsTo(sanne);
    expect(sent).toHaveLength(1);
    const card = cardOf(sent[0]);
    const text = texts(card).join(' ');
    expect(text).toContain('Overzicht van dinsdag 24 november 2026');
    expect(text).toContain('2 open, waarvan 1 verlopen');
    // Overdue first, each with its case identity.
    expect(text.indexOf('AM-LATE22 · N.M.d.V. · OBS De Regenboog')).toBeLessThan(text.indexOf('AM-TODAY1 · N.M.d.V. · OBS De Regenboog'));
    expect(text).toContain('Verlopen sinds donderdag 19 november 2026');
    expect(text).not.toContain('AM-LATER3');
    expect(text).not.toContain('AM-KARIM4');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(actions(card).map((x) => x.verb)).toEqual([VERBS.reminderDone, VERBS.reminderDone, VERBS.handoverShow]);
    // Karim never asked for one.
    expect(digestsTo(karim)).toHaveLength(0);
  });

  it('a reminder marked done drops out of the next day\'s digest; its "Gedaan" sends what the reminder card sends; off means no more cards', async () => {
    const card = cardOf(digestsTo(sanne).at(-1));
    const done = actions(card).find((x) => x.verb === VERBS.reminderDone)!;
    // The same action data as the reminder card's: the reminder handler reloads it and checks the recipient.
    const data = ReminderCardActionSchema.parse(done.data);
    expect(await h.bot.schakel.deps.reminderStore.markDone(data.reminderId, data.bucket, data.recipientKey)).toBe(true);
    clock.set('2026-11-25T07:35:00Z'); // Wednesday 08:35
    expect(await h.bot.schakel.jobs.digest()).toBe(1);
    const next = texts(cardOf(digestsTo(sanne).at(-1))).join(' ');
    expect(next).not.toContain('AM-LATE22');
    expect(next).toContain('AM-TODAY1');

    expect(await say(sanne, 'overzicht uit')).toContain('staat uit');
    clock.set('2026-11-26T07:35:00Z');
    expect(await h.bot.schakel.jobs.digest()).toBe(0);
  });
});
