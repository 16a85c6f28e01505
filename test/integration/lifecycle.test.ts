import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { makeUser, personalConversationId, type TeamsUser } from '../support/activities.js';
import { action, actions, cardOf, errorBeside, input, invokeCard, texts } from '../support/cards.js';
import { AGREEMENTS, PLAN, updatesOf, startCaseHarness, stopCaseHarness, planningCardTo } from '../support/handoverFlow.js';
import { effectsSettled, type Harness } from '../support/harness.js';
import { referralFlow } from '../support/referralFlow.js';

/**
 * The case to its end, over HTTP with a ManualClock: the evaluation reminder marked done puts the
 * case into nazorg; on the nazorg end date the casusregisseur and the SMW'er get "Afsluiten?",
 * whose button closes the referral.
 */
const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam
const coordinatorTeam = { id: '19:team-servicepunt@thread.tacv2', name: 'Servicepunt SMW' };
const coordinatorChannel = '19:servicenormen@thread.tacv2';

let h: Harness;
const { click, takenOn, clickAndWait } = referralFlow(() => h);

beforeAll(async () => {
  h = await startCaseHarness({
    clock,
    coordinator,
    members: [karim],
    coordinatorsChannel: { team: coordinatorTeam, channel: coordinatorChannel },
    people: [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
    ],
  });
});
afterAll(async () => expect(await stopCaseHarness(h)).toEqual([]));

const tick = () => h.bot.schakel.reminders.scheduler.tick();
const isReminderCard = (a: Record<string, unknown>) => JSON.stringify(a.attachments ?? []).includes(VERBS.reminderDone);
const remindersTo = (user: TeamsUser) => h.connector.sent(personalConversationId(user)).filter(isReminderCard);
const pending = (referralId: string) => h.bot.schakel.reminders.reminders.pendingOfReferral(referralId);
const stored = async (referralId: string) => (await h.bot.schakel.deps.referrals.get(referralId))!.doc;

describe('the lifecycle to its end', () => {
  it('confirming the agreements before the meeting asks whether it took place; presence is pre-filled from the planning', async () => {
    const { referralId } = await takenOn(smw, karim);
    const smwCard = planningCardTo(h, smw, referralId);
    const karimCard = planningCardTo(h, karim, referralId);
    await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, { ...PLAN, pupilJoins: 'true' }, smwCard.activityId);
    const booked = await clickAndWait(karim, updatesOf(h, karim, karimCard.activityId).at(-1), VERBS.handoverBook, {}, karimCard.activityId);
    const meeting = (await stored(referralId)).handover!.meeting!;
    expect(clock.now().getTime()).toBeLessThan(new Date(meeting.start).getTime());

    const form = invokeCard(await click(karim, booked, VERBS.agreementsOpen));
    // The pupil was to join the meeting: ticked as present.
    expect(String(input(form, 'present').value).split(',')).toContain('pupil');
    expect(input(form, 'meetingHeld').type).toBe('Input.Toggle');

    const asked = invokeCard(await click(karim, form, VERBS.agreementsConfirm, { ...AGREEMENTS, meetingHeld: 'false' }));
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    expect(errorBeside(asked, 'meetingHeld')).toBe('Vink aan dat het gesprek heeft plaatsgevonden.');
    expect(texts(asked).join(' ')).toContain('staat nog gepland');
    expect(input(asked, 'aftercareWhat').value).toBe(AGREEMENTS.aftercareWhat);
    expect((await stored(referralId)).state).toBe('handoverScheduled');

    await click(karim, asked, VERBS.agreementsConfirm, { ...AGREEMENTS, meetingHeld: 'true' });
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    expect((await stored(referralId)).state).toBe('agreementsConfirmed');
  });

  it('evaluation held → nazorg; at the nazorg end "Afsluiten?" to casusregisseur and SMW\'er; one click closes', async () => {
    const { referralId } = await takenOn(smw, karim);
    const smwCard = planningCardTo(h, smw, referralId);
    const karimCard = planningCardTo(h, karim, referralId);
    await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, PLAN, smwCard.activityId);
    const booked = await clickAndWait(karim, updatesOf(h, karim, karimCard.activityId).at(-1), VERBS.handoverBook, {}, karimCard.activityId);
    const form = invokeCard(await click(karim, booked, VERBS.agreementsOpen));
    await click(karim, form, VERBS.agreementsConfirm, AGREEMENTS);
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    expect((await stored(referralId)).state).toBe('agreementsConfirmed');

    // Another reminder marked done does not end anything.
    const evaluation = (await pending(referralId)).find((r) => r.subject.agreementId === 'evaluation' && r.kind === 'agreementOnDay')!;
    expect(evaluation.recipients.map((r) => r.aadObjectId)).toContain(karim.aadObjectId);
    clock.set(new Date(new Date(evaluation.dueAt).getTime() + 60_000));
    const before = remindersTo(karim).length;
    await tick();
    const sent = remindersTo(karim).slice(before).map((a) => cardOf(a));
    const agreementOf = async (c: Record<string, unknown>) => {
      const { reminderId, bucket } = action(c, VERBS.reminderDone).data;
      return (await h.bot.schakel.reminders.reminders.get(String(reminderId), String(bucket)))?.doc.subject.agreementId;
    };
    let feedback: Record<string, unknown> | undefined;
    for (const c of sent) if (!feedback && (await agreementOf(c)) !== 'evaluation') feedback = c;
    if (feedback) {
      await click(karim, feedback, VERBS.reminderDone);
      expect((await stored(referralId)).state).toBe('agreementsConfirmed');
    }
    expect((await pending(referralId)).some((r) => r.kind === 'closePrompt')).toBe(false);

    const card = sent.find((c) => action(c, VERBS.reminderDone).data.reminderId === evaluation.id)!;
    expect(card).toBeDefined();
    await click(karim, card, VERBS.reminderDone);
    await effectsSettled(h.bot);
    expect((await stored(referralId)).state).toBe('aftercare');
    expect((await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action)).toContain('aftercare');

    // aftercareUntil 2027-03-01 (a Monday): 08:30 Amsterdam.
    const prompt = (await pending(referralId)).filter((r) => r.kind === 'closePrompt');
    expect(prompt.map((r) => [r.dueAt, r.recipients.map((x) => x.aadObjectId).sort()])).toEqual([['2027-03-01T07:30:00.000Z', [smw.aadObjectId, karim.aadObjectId].sort()]]);

    clock.set('2027-03-01T07:29:00Z');
    const smwBefore = remindersTo(smw).length;
    const karimBefore = remindersTo(karim).length;
    await tick();
    const asks = (user: TeamsUser, from: number) => remindersTo(user).slice(from).filter((a) => texts(cardOf(a)).join(' ').includes('Afsluiten?'));
    expect(asks(smw, smwBefore)).toHaveLength(0);
    clock.set('2027-03-01T07:31:00Z');
    await tick();
    const toSmw = remindersTo(smw).slice(smwBefore).map((a) => cardOf(a));
    const toKarim = remindersTo(karim).slice(karimBefore).map((a) => cardOf(a));
    for (const cards of [toSmw, toKarim]) {
      const ask = cards.find((c) => texts(c).join(' ').includes('Afsluiten?'));
      expect(ask).toBeDefined();
      expect(actions(ask).map((a) => a.verb)).toContain(VERBS.close);
    }
    const ask = toSmw.find((c) => texts(c).join(' ').includes('Afsluiten?'))!;
    const closed = invokeCard(await click(smw, ask, VERBS.close));
    expect(texts(closed).join(' ')).toMatch(/afgesloten/i);
    const doc = await stored(referralId);
    expect(doc.state).toBe('closed');
    expect(doc.ttl).toBeGreaterThan(0);
  });
});

describe('agreed dates are watched', () => {
  const isOverdue = (a: Record<string, unknown>) => texts(cardOf(a)).join(' ').includes('nog niet als gedaan gemarkeerd');
  const inChannel = () => h.connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && (c.conversationId ?? '').startsWith(coordinatorChannel) && JSON.stringify(c.body).includes('nog niet als gedaan gemarkeerd'));

  async function confirmed(): Promise<string> {
    const { referralId } = await takenOn(smw, karim);
    const smwCard = planningCardTo(h, smw, referralId);
    const karimCard = planningCardTo(h, karim, referralId);
    await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, PLAN, smwCard.activityId);
    const booked = await clickAndWait(karim, updatesOf(h, karim, karimCard.activityId).at(-1), VERBS.handoverBook, {}, karimCard.activityId);
    await click(karim, invokeCard(await click(karim, booked, VERBS.agreementsOpen)), VERBS.agreementsConfirm, AGREEMENTS);
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    return referralId;
  }

  it('a terugkoppeling not marked done escalates N working days after its date to the responsible person; marking it done stops the second step', async () => {
    clock.set('2026-11-23T08:00:00Z');
    const referralId = await confirmed();

    // feedback0 on Thursday 10 December, responsible: the casusregisseur; REMINDER_OVERDUE_DAYS=2 and
    // REMINDER_SECOND_ESCALATION_DAYS=2 (defaults): Monday 14th to Karim, Wednesday 16th to the SMW'er and the coordinators.
    const overdue = (await pending(referralId)).filter((r) => r.kind === 'agreementOverdue' && r.subject.agreementId === 'feedback0').sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    expect(overdue.map((r) => [r.dueAt, r.recipients.map((x) => x.aadObjectId ?? x.teamsChannelKey)])).toEqual([
      ['2026-12-14T07:30:00.000Z', [karim.aadObjectId]],
      ['2026-12-16T07:30:00.000Z', [smw.aadObjectId, 'coordinator']],
    ]);
    const karimBefore = remindersTo(karim).filter(isOverdue).length;
    const smwBefore = remindersTo(smw).filter(isOverdue).length;
    const channelBefore = inChannel().length;
    clock.set('2026-12-14T07:31:00Z');
    await tick();
    const toKarim = remindersTo(karim).filter(isOverdue).slice(karimBefore);
    expect(toKarim).toHaveLength(1);
    expect(remindersTo(smw).filter(isOverdue).length).toBe(smwBefore);
    // The Servicepunt's registration counts the escalated agreed date once (no personal data).
    const escalated = async () => (await h.bot.schakel.deps.registration.cells('2026')).reduce((n, c) => n + (c.counts.agreedEscalated ?? 0), 0);
    expect(await escalated()).toBe(1);
    await tick();
    expect(await escalated()).toBe(1);

    // Karim marks it done on the escalation: the second step is withdrawn.
    const late = async () => (await h.bot.schakel.deps.registration.cells('2026')).reduce((n, c) => n + (c.counts.agreedLate ?? 0), 0);
    const lateBefore = await late();
    await click(karim, cardOf(toKarim[0]), VERBS.reminderDone);
    await effectsSettled(h.bot); // the withdrawal is an effect of marking it done
    expect((await pending(referralId)).filter((r) => r.kind === 'agreementOverdue' && r.subject.agreementId === 'feedback0')).toEqual([]);
    // Done after its date: counted late, once, by an effect of the same decision.
    expect((await late()) - lateBefore).toBe(1);
    clock.set('2026-12-16T07:31:00Z');
    await tick();
    expect(remindersTo(smw).filter(isOverdue).length).toBe(smwBefore);
    expect(inChannel().length).toBe(channelBefore);
  });

  it('still not done, the second step reaches the SMW\'er and the coordinators\' channel', async () => {
    clock.set('2026-11-23T08:00:00Z');
    const referralId = await confirmed();
    const smwBefore = remindersTo(smw).filter(isOverdue).length;
    const channelBefore = inChannel().length;
    clock.set('2026-12-14T07:31:00Z');
    await tick();
    expect(inChannel().length).toBe(channelBefore);
    clock.set('2026-12-15T07:31:00Z');
    await tick();
    expect(inChannel().length).toBe(channelBefore);
    clock.set('2026-12-16T07:31:00Z');
    await tick();
    // Only this referral's second step is still open (the earlier one was marked done).
    const toChannel = inChannel().slice(channelBefore);
    expect(toChannel).toHaveLength(1);
    expect(JSON.stringify(toChannel[0]!.body)).not.toContain('Noa');
    expect(remindersTo(smw).filter(isOverdue).length).toBe(smwBefore + 1);
    expect((await pending(referralId)).filter((r) => r.kind === 'agreementOverdue' && r.subject.agreementId === 'feedback0')).toEqual([]);
  });
});
