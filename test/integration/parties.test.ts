import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { OutboxDocument } from '../../src/notify/outbox.js';
import { makeUser, message, personalConversationId, type TeamsUser } from '../support/activities.js';
import { action, cardOf, errorBeside, input, invokeCard, texts } from '../support/cards.js';
import { FORM } from '../support/factories.js';
import { AGREEMENTS, PLAN, lastCardTo, meet, updatesOf, planningCardTo } from '../support/handoverFlow.js';
import { effectsSettled, startHarness, type Harness } from '../support/harness.js';
import { feijenoord, linkWijkteams, referralFlow } from '../support/referralFlow.js';

/**
 * Everyone involved, over HTTP with a ManualClock: the school contact named in the aanmelding
 * (Teams colleague or e-mail) receives the agreements and the reminders meant for school while
 * the consent for terugkoppeling holds; the pupil receives by age; who cannot be reached is a
 * problem the SMW'er hears of.
 */
const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const ilse = makeUser('Ilse IB');
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam

let h: Harness;
const { click, takenOn, openForm, clickAndWait } = referralFlow(() => h);
type Overrides = Parameters<typeof takenOn>[2];

/**
 * A bot of its own per group of tests: the ManualClock only ever moves forward within one bot
 * (moving it back would leave leases and send budgets dated in its future).
 */
function useHarness(): void {
  beforeAll(async () => {
    clock.set('2026-11-23T08:00:00Z');
    h = await startHarness({ env: { COORDINATOR_AAD_IDS: coordinator.aadObjectId }, clock });
    h.connector.rosters.set(feijenoord.id, [karim].map((u) => ({ id: u.id, aadObjectId: u.aadObjectId, name: u.name })));
    await linkWijkteams(h, coordinator);
    await meet(h, [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
      { user: ilse, email: 'ilse@school.example' },
    ]);
  });
  afterAll(async () => {
    const errors = h?.bot.logs.find('unhandled error in turn') ?? [];
    await h?.stop();
    expect(errors.map((e) => JSON.stringify(e.err))).toEqual([]);
  });
}

const tick = () => h.bot.schakel.reminders.scheduler.tick();
const isReminderCard = (a: Record<string, unknown>) => JSON.stringify(a.attachments ?? []).includes(VERBS.reminderDone);
const remindersTo = (user: TeamsUser) => h.connector.sent(personalConversationId(user)).filter(isReminderCard);
const pending = (referralId: string) => h.bot.schakel.reminders.reminders.pendingOfReferral(referralId);
const AGREEMENTS_SUBJECT = 'Afspraken na het gesprek met het wijkteam';

async function outbox(referralId: string): Promise<OutboxDocument[]> {
  const { resources } = await h.bot.schakel.store.containers.outbox.items
    .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.referralId = @id', parameters: [{ name: '@id', value: referralId }] })
    .fetchAll();
  return resources;
}

/** An aanmelding taken on, planned, booked and its agreements confirmed; returns id and number. */
async function confirmed(overrides: Overrides, agreements: Record<string, string> = AGREEMENTS, plan: Record<string, string> = PLAN) {
  const taken = await takenOn(smw, karim, overrides);
  const smwCard = planningCardTo(h, smw, taken.referralId);
  const karimCard = planningCardTo(h, karim, taken.referralId);
  await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, plan, smwCard.activityId);
  const booked = await clickAndWait(karim, updatesOf(h, karim, karimCard.activityId).at(-1), VERBS.handoverBook, {}, karimCard.activityId);
  await click(karim, invokeCard(await click(karim, booked, VERBS.agreementsOpen)), VERBS.agreementsConfirm, agreements);
  await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
  await effectsSettled(h.bot);
  return taken;
}

async function withdrawSchoolConsent(number: string) {
  await h.bot.send(message(smw, `toestemming ${number}`, h.connector.url));
  const form = cardOf(h.connector.sent(personalConversationId(smw)).at(-1));
  const done = invokeCard(await click(smw, form, VERBS.consentWithdraw, { withdrawWho: 'parent0:schoolContact' }));
  expect(texts(done).join(' ')).toContain('school');
  await effectsSettled(h.bot);
}

const INVITATION_SUBJECT = 'Uitnodiging: gesprek met het wijkteam';
const PUPIL_16 = { dateOfBirth: '2010-01-10', pupilEmail: 'noa@leerling.example', school: 'Zuider Lyceum', group: '4 havo' };
const PUPIL_CONSENT = { consentPupilWijkteam: 'true', consentPupilSchool: 'true', consentPupilHow: 'mondeling', consentPupilDate: '2026-11-20' };

describe('the school contact as a party', () => {
  useHarness();

  it('the pupil section offers the Teams people picker beside name and e-mail; a half-filled outside contact is refused beside the field, typed values kept', async () => {
    const form = await openForm(smw);
    const picker = input(form, 'schoolContactId');
    expect(picker.type).toBe('Input.ChoiceSet');
    expect(picker['choices.data']).toEqual({ type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    const refused = invokeCard(await click(smw, form, VERBS.sectionSave, { firstNames: 'Noa', surname: 'Bakker', dateOfBirth: '2015-03-14', postcode: '3072ab', houseNumber: '12', school: 'OBS', group: '6', schoolContactName: 'Ilse IB' }));
    expect(errorBeside(refused, 'schoolContactEmail')).toBe('Vul een e-mailadres in, of kies een collega in Teams.');
    expect(input(refused, 'schoolContactName').value).toBe('Ilse IB');
    // Picked in Teams without a typed name: the name comes from Teams (Ilse has a chat with the bot).
    const saved = invokeCard(await click(smw, refused, VERBS.sectionSave, { ...FORM.pupil, schoolContactId: ilse.aadObjectId, schoolContactName: '' }));
    const referralId = String(action(saved, VERBS.sectionSave).data.referralId);
    const pupil = (await h.bot.schakel.deps.referrals.get(referralId))!.doc.sections.pupil!;
    expect([pupil.schoolContactId, pupil.schoolContactName, pupil.schoolContactEmail]).toEqual([ilse.aadObjectId, ilse.name, undefined]);
  });

  it('consent for school but nobody named: the SMW\'er is told the reminders cannot reach the school contact, and the timeline says so', async () => {
    const before = h.connector.sent(personalConversationId(smw)).length;
    const { referralId, number } = await confirmed({});
    const told = h.connector.sent(personalConversationId(smw)).slice(before).map((a) => String(a.text ?? ''));
    expect(told.find((t) => t.includes(number) && t.includes('niet bereiken'))).toContain('de intern begeleider');
    expect((await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action)).toContain('deliveryProblem.schoolContact');
  });

  it('picked in Teams: receives the agreements card and the terugkoppeling reminder; withdrawing the school consent stops her reminders and later agreements', async () => {
    const { referralId, number } = await confirmed({ pupil: { schoolContactId: ilse.aadObjectId, schoolContactName: ilse.name } });
    const card = lastCardTo(h, ilse).card;
    expect(texts(card)[0]).toBe(`Afspraken warme overdracht · ${number}`);
    expect(JSON.stringify(card)).toContain('Terugkoppeling aan school');
    // Only initials and school, never the pupil's name.
    expect(JSON.stringify(card)).not.toContain('Noa Maria');
    const timeline = (await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action);
    expect(timeline).toContain('handover.sent.schoolContact');

    // feedback1 to school on Thursday 17 December: on the day at 08:30 to the casusregisseur and Ilse.
    const before = remindersTo(ilse).length;
    clock.set('2026-12-17T07:31:00Z');
    await tick();
    const sent = remindersTo(ilse).slice(before).map((a) => texts(cardOf(a)).join(' '));
    expect(sent.some((t) => t.includes('Terugkoppeling aan school'))).toBe(true);

    // The nazorg is Ilse's (aftercareWho: schoolContact); after the withdrawal its reminders no longer reach her.
    const toIlse = async () => (await pending(referralId)).filter((r) => r.recipients.some((x) => x.aadObjectId === ilse.aadObjectId));
    expect((await toIlse()).length).toBeGreaterThan(0);
    await withdrawSchoolConsent(number);
    expect(await toIlse()).toEqual([]);
    // Agreements confirmed after the withdrawal no longer reach her either.
    const toIlseBefore = h.connector.sent(personalConversationId(ilse)).length;
    await h.bot.send(message(karim, `afspraken ${number}`, h.connector.url));
    const form = cardOf(h.connector.sent(personalConversationId(karim)).at(-1));
    await click(karim, form, VERBS.agreementsConfirm, { ...AGREEMENTS, feedback0Date: '2026-12-22', feedback1Date: '2026-12-23' });
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    await effectsSettled(h.bot);
    const versions = (await h.bot.schakel.deps.referrals.get(referralId))!.doc.handover!.agreements.filter((a) => a.confirmedAt);
    expect(versions).toHaveLength(2);
    expect(h.connector.sent(personalConversationId(ilse)).length).toBe(toIlseBefore);
    expect(await toIlse()).toEqual([]);
    const afterWithdrawal = remindersTo(ilse).length;
    clock.set('2027-03-01T07:31:00Z');
    await tick();
    expect(remindersTo(ilse).length).toBe(afterWithdrawal);
  });
});

describe('the school contact outside Teams', () => {
  useHarness();

  it('outside Teams: the agreements mail (dates only) waits in the outbox; after the withdrawal no reminder mail follows', async () => {
    const { referralId, number } = await confirmed({ pupil: { schoolContactName: 'Ilse Extern', schoolContactEmail: 'ilse@extern.example' } });
    const mails = (await outbox(referralId)).filter((m) => m.to === 'ilse@extern.example');
    expect(mails.map((m) => m.subject)).toEqual([AGREEMENTS_SUBJECT]);
    expect(mails[0]!.html).toContain('Terugkoppeling aan school: donderdag 17 december 2026');
    expect(mails[0]!.html).not.toMatch(/Noa|Regenboog|verzuim|mentor/i);
    const reminderTo = (r: { recipients: { email?: string; role: string }[] }) => r.recipients.some((x) => x.role === 'schoolContact' && x.email === 'ilse@extern.example');
    expect((await pending(referralId)).some(reminderTo)).toBe(true);

    await withdrawSchoolConsent(number);
    expect((await pending(referralId)).some(reminderTo)).toBe(false);
    clock.set('2026-12-17T07:31:00Z');
    await tick();
    expect((await outbox(referralId)).filter((m) => m.to === 'ilse@extern.example').map((m) => m.subject)).toEqual([AGREEMENTS_SUBJECT]);
  });
});

describe('the pupil as a party by age', () => {
  useHarness();

  it('16: the pupil is mailed the agreements and gets the parent\'s reminders; the parents are not mailed without the pupil\'s consent', async () => {
    const { referralId } = await confirmed({ pupil: PUPIL_16, consent: PUPIL_CONSENT });
    const agreementsTo = async (to: string) => (await outbox(referralId)).filter((m) => m.to === to && m.subject === AGREEMENTS_SUBJECT);
    expect(await agreementsTo('noa@leerling.example')).toHaveLength(1);
    expect(await agreementsTo('fatima@example.org')).toHaveLength(0);
    const mail = (await agreementsTo('noa@leerling.example'))[0]!.html;
    expect(mail).toContain('Evaluatie: vrijdag 15 januari 2027');
    expect(mail).not.toMatch(/Zuider|verzuim|mentor|AM-/i);
    // The evaluation is with the parent: its reminder goes to the pupil instead.
    const evaluation = (await pending(referralId)).find((r) => r.subject.agreementId === 'evaluation' && r.kind === 'agreementOnDay')!;
    const emails = evaluation.recipients.map((x) => x.email);
    expect(emails).toContain('noa@leerling.example');
    expect(emails).not.toContain('fatima@example.org');
    // The warme overdracht's invitation too: to the pupil, not to the parent.
    const invitations = (await outbox(referralId)).filter((m) => m.subject === INVITATION_SUBJECT).map((m) => m.to);
    expect(invitations).toEqual(['noa@leerling.example']);
  });

  it('16 with the pupil\'s consent for the parents: both are mailed', async () => {
    const { referralId } = await confirmed({ pupil: PUPIL_16, consent: { ...PUPIL_CONSENT, consentPupilParents: 'true' } });
    const to = (await outbox(referralId)).filter((m) => m.subject === AGREEMENTS_SUBJECT).map((m) => m.to).sort();
    expect(to).toEqual(['fatima@example.org', 'noa@leerling.example']);
    expect((await outbox(referralId)).filter((m) => m.subject === INVITATION_SUBJECT).map((m) => m.to)).toEqual(['fatima@example.org']);
  });

  it('15 and at the meeting: parents and pupil are both mailed', async () => {
    const { referralId } = await confirmed(
      { pupil: { ...PUPIL_16, dateOfBirth: '2011-06-01' }, consent: PUPIL_CONSENT },
      { ...AGREEMENTS, present: 'smw,caseManager,parent,pupil' },
      { ...PLAN, pupilJoins: 'true' },
    );
    const to = (await outbox(referralId)).filter((m) => m.subject === AGREEMENTS_SUBJECT).map((m) => m.to).sort();
    expect(to).toEqual(['fatima@example.org', 'noa@leerling.example']);
  });
});
