import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { makeUser, personalConversationId } from '../support/activities.js';
import { action, invokeCard } from '../support/cards.js';
import { FORM } from '../support/factories.js';
import { startCaseHarness, stopCaseHarness } from '../support/handoverFlow.js';
import { effectsSettled, type Harness } from '../support/harness.js';
import { referralFlow } from '../support/referralFlow.js';

/**
 * Retention over HTTP with a ManualClock and the daily job called as the scheduler's interval
 * would: a draft untouched for RETENTION_DRAFT_DAYS is warned first, then deleted; a referral that
 * never closed is put to its SMW'er and casusregisseur once after RETENTION_OPEN_DAYS.
 */
const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const clock = new ManualClock('2026-11-23T08:00:00Z');

let h: Harness;
const { openForm, click, takenOn } = referralFlow(() => h);
const DAY = 86_400_000;

beforeAll(async () => {
  h = await startCaseHarness({
    clock,
    coordinator,
    members: [karim],
    env: { RETENTION_DRAFT_DAYS: '90', RETENTION_DRAFT_WARN_DAYS: '14', RETENTION_OPEN_DAYS: '730' },
    people: [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
    ],
  });
});
afterAll(async () => expect(await stopCaseHarness(h)).toEqual([]));

const retention = async () => {
  const run = await h.bot.schakel.jobs.retention();
  await effectsSettled(h.bot);
  return run;
};
const textsTo = (user: typeof smw) => h.connector.sent(personalConversationId(user)).map((a) => String(a.text ?? ''));

describe('retention', () => {
  it('a draft untouched for 90 days is warned 14 days before, then deleted', async () => {
    const start = new Date('2026-11-23T08:00:00Z').getTime();
    clock.set(new Date(start));
    const card = invokeCard(await click(smw, await openForm(smw), VERBS.sectionSave, FORM.pupil));
    const referralId = String(action(card, VERBS.sectionSave).data.referralId);
    const stored = async () => (await h.bot.schakel.deps.referrals.get(referralId))?.doc;
    const number = (await stored())!.number;
    const updatedAt = (await stored())!.updatedAt;

    // Day 75: nothing yet. Day 76 (90 − 14): the warning, once.
    clock.set(new Date(start + 75 * DAY));
    expect((await retention()).warned).toBe(0);
    clock.set(new Date(start + 76 * DAY));
    const before = textsTo(smw).length;
    expect(await retention()).toMatchObject({ ran: true, warned: 1, deleted: 0 });
    const warning = textsTo(smw).slice(before).filter((t) => t.includes(number));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain('wordt op 21 februari 2027 verwijderd');
    expect((await stored())!.updatedAt).toBe(updatedAt);
    // Claimed once per day: a second tick the same day does nothing.
    expect((await retention()).ran).toBe(false);

    // Day 89: still there. Day 90: deleted, with its index entry; the security log says so (ids only).
    clock.set(new Date(start + 89 * DAY));
    expect((await retention()).deleted).toBe(0);
    expect(await stored()).toBeDefined();
    clock.set(new Date(start + 90 * DAY));
    expect((await retention()).deleted).toBe(1);
    expect(await stored()).toBeUndefined();
    expect(await h.bot.schakel.deps.referrals.findByNumber(number)).toBeUndefined();
    const log = await h.bot.schakel.deps.securityLog.day(new Date(start + 90 * DAY).toISOString().slice(0, 10));
    expect(log.some((e) => e.action === 'retention.draftDeleted' && e.referralId === referralId)).toBe(true);
  });

  it('a warned draft that is touched again is kept', async () => {
    const start = new Date('2027-03-01T08:00:00Z').getTime();
    clock.set(new Date(start));
    const card = invokeCard(await click(smw, await openForm(smw), VERBS.sectionSave, FORM.pupil));
    const referralId = String(action(card, VERBS.sectionSave).data.referralId);
    clock.set(new Date(start + 76 * DAY));
    expect((await retention()).warned).toBe(1);
    // The SMW'er saves the next section on day 80.
    clock.set(new Date(start + 80 * DAY));
    await click(smw, card, VERBS.sectionSave, FORM.parents);
    clock.set(new Date(start + 90 * DAY));
    expect((await retention()).deleted).toBe(0);
    expect(await h.bot.schakel.deps.referrals.get(referralId)).toBeDefined();
  });

  it('a referral without activity for 730 days: SMW\'er and casusregisseur are asked once to close it; audited', async () => {
    const start = new Date('2027-07-01T08:00:00Z').getTime();
    clock.set(new Date(start));
    const { referralId, number } = await takenOn(smw, karim, { pupil: { dateOfBirth: '2018-03-14' } });
    const updatedAt = (await h.bot.schakel.deps.referrals.get(referralId))!.doc.updatedAt;
    clock.set(new Date(new Date(updatedAt).getTime() + 729 * DAY));
    expect((await retention()).asked).toBe(0);
    clock.set(new Date(new Date(updatedAt).getTime() + 731 * DAY));
    const smwBefore = textsTo(smw).length;
    const karimBefore = textsTo(karim).length;
    expect((await retention()).asked).toBe(1);
    for (const [user, n] of [[smw, smwBefore], [karim, karimBefore]] as const) {
      const asked = textsTo(user).slice(n).filter((t) => t.includes(`afsluiten ${number}`));
      expect(asked).toHaveLength(1);
    }
    const audit = await h.bot.schakel.deps.referrals.entries(referralId, 'audit');
    expect(audit.filter((e) => e.action === 'retention.closeAsked')).toHaveLength(1);
    // Once: the next day nobody is asked again.
    clock.set(new Date(new Date(updatedAt).getTime() + 732 * DAY));
    expect((await retention()).asked).toBe(0);
    expect(textsTo(smw).slice(smwBefore).filter((t) => t.includes(`afsluiten ${number}`))).toHaveLength(1);
  });
});
