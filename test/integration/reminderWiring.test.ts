import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { OutboxDocument } from '../../src/notify/outbox.js';
import { REFUSED, cardAction, makeUser, personalConversationId, type TeamsUser } from '../support/activities.js';
import { action, cardOf, invokeCard, invokeMessage, texts } from '../support/cards.js';
import { AGREEMENTS, PLAN, lastCardTo, updatesOf, startCaseHarness, stopCaseHarness } from '../support/handoverFlow.js';
import { effectsSettled, type Harness } from '../support/harness.js';
import { feijenoordChannel, referralFlow } from '../support/referralFlow.js';

/**
 * The reminder engine inside the running bot, over HTTP: agreements confirmed through the real
 * flow plan reminders; a ManualClock and scheduler.tick() deliver them to the right 1:1 chats at
 * the right local times; the card's buttons work for their recipient only; service norms escalate.
 */
const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const lisa = makeUser('Lisa Wijkteam');
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam
const coordinatorTeam = { id: '19:team-servicepunt@thread.tacv2', name: 'Servicepunt SMW' };
const coordinatorChannel = '19:servicenormen@thread.tacv2';

let h: Harness;
const { click, takenOn, submitted, clickAndWait } = referralFlow(() => h);

beforeAll(async () => {
  h = await startCaseHarness({
    clock,
    coordinator,
    members: [karim, lisa],
    coordinatorsChannel: { team: coordinatorTeam, channel: coordinatorChannel },
    people: [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
      { user: lisa, email: 'lisa@wijkteam.example' },
    ],
  });
});
afterAll(async () => expect(await stopCaseHarness(h)).toEqual([]));

const tick = () => h.bot.schakel.reminders.scheduler.tick();
const isReminderCard = (a: Record<string, unknown>) => JSON.stringify(a.attachments ?? []).includes(VERBS.reminderDone);
const remindersTo = (user: TeamsUser) => h.connector.sent(personalConversationId(user)).filter(isReminderCard);
const textsTo = (user: TeamsUser) => h.connector.sent(personalConversationId(user)).map((a) => String(a.text ?? ''));
const postsIn = (channelId: string) => h.connector.sent(channelId).map((a) => JSON.stringify(a));
const pending = (referralId: string) => h.bot.schakel.reminders.reminders.pendingOfReferral(referralId);
const stored = async (referralId: string) => (await h.bot.schakel.deps.referrals.get(referralId))!.doc;

let confirmedId = '';
let confirmedNumber = '';
let waitingId = '';

describe('reminders wired into the bot', () => {
  it('plans from the real flow: the accept deadline from the service norm, the agreements prompt after the meeting, agreement reminders on confirmation', async () => {
    const waiting = await submitted(smw);
    waitingId = String(action(waiting.card, VERBS.intakeTakeOn).data.referralId);
    // 'accept' rule of config/servicenormen.json: 5 working days after Monday 23 November.
    expect((await stored(waitingId)).acceptBy).toBe('2026-11-30');
    expect((await pending(waitingId)).map((r) => [r.kind, r.dueAt, r.recipients.map((x) => x.key)])).toEqual([
      ['normEscalation', '2026-12-01T07:30:00.000Z', [`wijkteam:channel:wijkteam:${(await stored(waitingId)).routing!.wijkteamId}`]],
      ['normEscalation', '2026-12-02T07:30:00.000Z', [`smw:${smw.aadObjectId}`, 'channel:coordinator']],
    ]);

    const { referralId, number } = await takenOn(smw, karim);
    confirmedId = referralId;
    confirmedNumber = number;
    expect((await pending(referralId)).map((r) => r.subject.normId)).toEqual(['handover', 'handover']);
    const smwCard = lastCardTo(h, smw);
    const karimCard = lastCardTo(h, karim);
    await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, PLAN, smwCard.activityId);
    const proposals = updatesOf(h, karim, karimCard.activityId).at(-1);
    const booked = await clickAndWait(karim, proposals, VERBS.handoverBook, {}, karimCard.activityId);
    const afterBooking = await pending(referralId);
    expect(afterBooking.filter((r) => r.kind === 'agreementsPrompt').map((r) => r.dueAt)).toEqual(['2026-11-24T08:30:00.000Z']);
    expect(afterBooking.filter((r) => r.kind === 'normEscalation').map((r) => r.subject.normId)).toEqual(['agreements', 'agreements']);

    const form = invokeCard(await click(karim, booked, VERBS.agreementsOpen));
    await click(karim, form, VERBS.agreementsConfirm, AGREEMENTS);
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    const planned = await pending(referralId);
    expect(planned.some((r) => r.kind === 'agreementsPrompt' || r.kind === 'normEscalation')).toBe(false);
    const feedback = planned.filter((r) => r.subject.agreementId === 'feedback0' && r.kind !== 'agreementOverdue').map((r) => [r.kind, r.dueAt, r.recipients.map((x) => x.role)]);
    expect(feedback).toEqual([
      ['agreementBefore', '2026-12-08T07:30:00.000Z', ['caseManager']],
      ['agreementOnDay', '2026-12-10T07:30:00.000Z', ['caseManager', 'smw']],
    ]);
  });

  it('escalates a missed norm: first to the wijkteam channel, a working day later to the SMW\'er and the coordinators\' channel', async () => {
    clock.set('2026-12-01T07:31:00Z');
    await tick();
    const toWijkteam = postsIn(feijenoordChannel).filter((p) => p.includes('Aanmelding accepteren'));
    expect(toWijkteam).toHaveLength(1);
    expect(toWijkteam[0]).toContain('is verstreken');
    expect(textsTo(smw).join('\n') + JSON.stringify(remindersTo(smw))).not.toContain('Aanmelding accepteren');

    clock.set('2026-12-02T07:31:00Z');
    await tick();
    expect(JSON.stringify(remindersTo(smw))).toContain('nog steeds niet gehaald');
    expect(postsIn(coordinatorChannel).filter((p) => p.includes('Aanmelding accepteren'))).toHaveLength(1);
    for (const post of [...postsIn(feijenoordChannel), ...postsIn(coordinatorChannel)].filter((p) => p.includes('Aanmelding accepteren'))) {
      expect(post).not.toContain('Noa');
      expect(post).not.toContain('Action.Execute'); // a channel is told, not asked to act
    }
  });

  it('sends the responsible person the reminder 2 working days before at 08:30 Amsterdam time, and nobody else', async () => {
    clock.set('2026-12-08T07:29:00Z');
    await tick();
    const before = remindersTo(karim).length;
    expect(JSON.stringify(remindersTo(karim))).not.toContain('donderdag 10 december');
    clock.set('2026-12-08T07:31:00Z');
    const smwBefore = remindersTo(smw).length;
    await tick();
    const cards = remindersTo(karim).slice(before);
    expect(cards).toHaveLength(1);
    expect(texts(cardOf(cards[0])).join(' ')).toContain('op donderdag 10 december 2026 om 10:00');
    // which family, without a name: number, initials and school
    expect(texts(cardOf(cards[0])).join(' ')).toContain(`${confirmedNumber} · N.M.d.V. · OBS De Regenboog`);
    expect(JSON.stringify(cards[0])).not.toContain('Noa');
    expect(remindersTo(smw).length).toBe(smwBefore);
  });

  it('only a recipient may act on it (others refused and audited); Later, Gedaan with a note that is never logged, and Verzet datum', async () => {
    const card = cardOf(remindersTo(karim).at(-1));
    const done = action(card, VERBS.reminderDone).data;
    // Someone outside the referral is stopped by the access matrix; its SMW'er by the reminder's own recipients.
    const outside = await h.bot.send(cardAction(lisa, VERBS.reminderDone, done, h.connector.url));
    expect(invokeMessage(outside.body)).toContain(REFUSED);
    const other = await h.bot.send(cardAction(smw, VERBS.reminderDone, done, h.connector.url));
    expect(invokeMessage(other.body)).toBe('Deze herinnering is niet voor u bedoeld.');
    const audit = await h.bot.schakel.deps.referrals.entries(confirmedId, 'audit');
    expect(audit.filter((e) => e.action === 'access.refused').map((e) => e.actor)).toEqual([lisa.aadObjectId]);
    expect(audit.filter((e) => e.action === 'reminder.refused').map((e) => e.actor)).toEqual([smw.aadObjectId]);

    const later = invokeCard(await click(karim, card, VERBS.reminderSnooze, {}));
    expect(texts(later).join(' ')).toContain('opnieuw op woensdag 9 december 2026 om 08:30');
    expect((await pending(confirmedId)).filter((r) => r.kind === 'snoozed').map((r) => [r.dueAt, r.recipients.map((x) => x.aadObjectId)])).toEqual([
      ['2026-12-09T07:30:00.000Z', [karim.aadObjectId]],
    ]);

    const note = 'Mentor gebeld over het rooster';
    const marked = invokeCard(await click(karim, card, VERBS.reminderDone, { note }));
    expect(texts(marked).join(' ')).toContain('Afgevinkt');
    const reminder = await h.bot.schakel.reminders.reminders.get(String(done.reminderId), String(done.bucket));
    expect(reminder?.doc.status).toBe('done');
    const timeline = await h.bot.schakel.deps.referrals.entries(confirmedId, 'timeline');
    expect(timeline.find((e) => e.action === 'reminder.done')?.detail).toMatchObject({ note });
    expect(h.bot.logs.raw.join('\n')).not.toContain(note);

    const moved = invokeCard(await click(karim, card, VERBS.reminderReschedule, { newDate: '2026-12-15', newTime: '10:00' }));
    expect(texts(moved).join(' ')).toContain('Verzet naar dinsdag 15 december 2026 om 10:00');
    // The new reminders and the messages are effects committed with the move, carried out after the answer.
    const effects = (await stored(confirmedId)).outbox?.effects.filter((e) => e.kind === 'replaceReminders' || e.kind === 'tellDateMoved') ?? [];
    expect(effects.map((e) => (e.kind === 'tellDateMoved' ? `${e.kind}:${e.role}` : e.kind))).toEqual(expect.arrayContaining(['replaceReminders', 'tellDateMoved:smw']));
    await effectsSettled(h.bot);
    const doc = await stored(confirmedId);
    expect(doc.handover?.dateChanges?.map((c) => [c.agreementId, c.from.date, c.to.date, c.to.time, c.byRole])).toEqual([['feedback0', '2026-12-10', '2026-12-15', '10:00', 'caseManager']]);
    const feedback = (await pending(confirmedId)).filter((r) => r.subject.agreementId === 'feedback0' && r.kind !== 'snoozed' && r.kind !== 'agreementOverdue');
    expect(feedback.map((r) => [r.kind, r.dueAt])).toEqual([
      ['agreementBefore', '2026-12-11T07:30:00.000Z'],
      ['agreementOnDay', '2026-12-15T07:30:00.000Z'],
    ]);
    const told = textsTo(smw).filter((t) => t.includes('verzet'));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(new RegExp(`^Aanmelding ${confirmedNumber}: ".+" is verzet van donderdag 10 december 2026 om 10:00 naar dinsdag 15 december 2026 om 10:00\\.$`));
  });

  it("tells the SMW'er, without case details, when the casusregisseur cannot be reached in Teams (403)", async () => {
    const karimChat = personalConversationId(karim);
    h.connector.policy = (req) => (req.method === 'POST' && decodeURIComponent(req.path).includes(karimChat) ? { status: 403, body: { error: { code: 'MessageWritesBlocked' } } } : undefined);
    clock.set('2026-12-11T07:31:00Z');
    await tick();
    h.connector.policy = undefined;
    // The problem is committed on the referral (timeline entry and the message as an effect) and told after.
    const waiting = (await stored(confirmedId)).outbox?.effects.filter((e) => e.kind === 'tellDeliveryProblem') ?? [];
    expect(waiting.map((e) => (e.kind === 'tellDeliveryProblem' ? e.problem : undefined))).toContainEqual(expect.objectContaining({ what: 'reminder', role: 'caseManager', reason: 'unreachable' }));
    await effectsSettled(h.bot);
    expect((await h.bot.schakel.deps.referrals.entries(confirmedId, 'timeline')).map((e) => e.action)).toContain('deliveryProblem.caseManager');
    // (The agreements name the school contact, whom nobody named: the SMW'er heard of that at planning.)
    const told = textsTo(smw).filter((t) => t.includes('niet bereiken') && t.includes('in Teams'));
    expect(told.length).toBeGreaterThanOrEqual(1);
    expect(told[0]).toContain(`Aanmelding ${confirmedNumber}`);
    expect(told[0]).toContain('de casusregisseur');
    expect(told.join(' ')).not.toMatch(/Noa|Regenboog|verzuim/i);
  });

  it('on the day everyone in the agreement is reminded; the parent by e-mail without case details', async () => {
    clock.set('2026-12-15T07:31:00Z');
    const before = { karim: remindersTo(karim).length, smw: remindersTo(smw).length };
    await tick();
    for (const [user, n] of [[karim, before.karim], [smw, before.smw]] as const) {
      const titles = remindersTo(user).slice(n).map((a) => texts(cardOf(a))[0]);
      expect(titles, JSON.stringify(titles)).toContain('Vandaag: Terugkoppeling aan SMW om 10:00');
    }

    clock.set('2027-01-15T07:31:00Z');
    await tick();
    const { resources } = await h.bot.schakel.store.containers.outbox.items
      .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.referralId = @id', parameters: [{ name: '@id', value: confirmedId }] })
      .fetchAll();
    const reminderMail = resources.filter((m) => m.subject.startsWith('Herinnering') && m.to === 'fatima@example.org');
    expect(reminderMail).toHaveLength(1);
    // Karim's reminders that Teams refused (403) went to his e-mail instead.
    expect(resources.some((m) => m.subject.startsWith('Herinnering') && m.to === 'karim@wijkteam.example')).toBe(true);
    const mail = JSON.stringify(reminderMail[0]);
    expect(mail).toContain('vrijdag 15 januari 2027');
    expect(mail).not.toMatch(/Noa|Regenboog|verzuim|Veel|AM-/i);
    // Only in the outbox (no mail service here): the SMW'er is told it is not sent, and where the text is.
    await effectsSettled(h.bot);
    expect(textsTo(smw).filter((t) => t.includes('outbox — nog niet verstuurd') && t.includes('de ouder'))).toEqual([
      `Aanmelding ${confirmedNumber}: de herinnering voor de ouder staat klaar in de outbox — nog niet verstuurd (er is geen mailservice ingesteld). Typ "e-mails" voor de tekst en geef het zelf door.`,
    ]);
    expect((await h.bot.schakel.deps.referrals.entries(confirmedId, 'timeline')).map((e) => e.action)).toContain('reminderInOutbox.parent');

    // The SMW'er moves the evaluation from her card: the parent gets only the new date, Karim a 1:1 message.
    const evaluation = remindersTo(smw).map((a) => cardOf(a)).filter((c) => texts(c)[0]?.startsWith('Vandaag: Evaluatie')).at(-1);
    const moved = invokeCard(await click(smw, evaluation, VERBS.reminderReschedule, { newDate: '2027-01-22' }));
    expect(texts(moved).join(' ')).toContain('Verzet naar vrijdag 22 januari 2027');
    await effectsSettled(h.bot);
    expect(textsTo(karim).filter((t) => t.includes('naar vrijdag 22 januari 2027'))).toHaveLength(1);
    const after = (
      await h.bot.schakel.store.containers.outbox.items
        .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.referralId = @id', parameters: [{ name: '@id', value: confirmedId }] })
        .fetchAll()
    ).resources.filter((m) => m.subject.startsWith('Nieuwe datum'));
    expect(after.map((m) => m.to)).toEqual(['fatima@example.org']);
    expect(JSON.stringify(after[0])).toContain('vrijdag 22 januari 2027');
    expect(JSON.stringify(after[0])).not.toMatch(/Noa|Regenboog|verzuim|Veel|AM-|januari 2027 om|15 januari/i);
  });
});
