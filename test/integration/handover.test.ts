import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import type { OutboxDocument } from '../../src/notify/outbox.js';
import { REFUSED, cardAction, makeUser, message, personalConversationId, type TeamsUser } from '../support/activities.js';
import { actions, cardOf, download, errorBeside, input, invokeCard, invokeMessage, links, slotChoices, texts } from '../support/cards.js';
import { AGREEMENTS, PLAN, icsTo, lastCardTo, updatesOf, startCaseHarness, stopCaseHarness } from '../support/handoverFlow.js';
import { effectsSettled, type Harness } from '../support/harness.js';
import { referralFlow } from '../support/referralFlow.js';
import { countItemReads } from '../support/spy.js';

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const lisa = makeUser('Lisa Wijkteam');
/** A second SMW'er, so one test's messages do not run into Teams' per-chat limits of another's. */
const sofie = makeUser('Sofie Smit');
/** A casusregisseur whose Teams client is in English. */
const ben = makeUser('Ben Wijkteam', { locale: 'en-US' });
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam

let h: Harness;
const { click, clickAndWait, takenOn } = referralFlow(() => h);

beforeAll(async () => {
  h = await startCaseHarness({
    clock,
    coordinator,
    members: [karim, lisa, ben],
    people: [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
      { user: lisa, email: 'lisa@wijkteam.example' },
      { user: sofie, email: 'sofie.smit@school.example' },
      { user: ben, email: 'ben@wijkteam.example' },
    ],
  });
});
afterAll(async () => expect(await stopCaseHarness(h)).toEqual([]));

const joined = (card: unknown) => texts(card).join(' ');
const facts = (card: unknown) => JSON.stringify(card);
const pending = (referralId: string) => h.bot.schakel.reminders.reminders.pendingOfReferral(referralId);
const stored = async (referralId: string) => (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
const outbox = async (referralId: string) =>
  (
    await h.bot.schakel.store.containers.outbox.items
      .query<OutboxDocument>({ query: 'SELECT * FROM c WHERE c.referralId = @id', parameters: [{ name: '@id', value: referralId }] })
      .fetchAll()
  ).resources;

/** ical.js (an independent parser), resolving TZIDs from the file's own VTIMEZONE. */
function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { method: String(calendar.getFirstPropertyValue('method')), vevent, event: new ICAL.Event(vevent) };
}

/** Taken on by Karim, planned by the SMW'er: returns the proposals card and ids. */
async function planned(plan: Record<string, string> = PLAN, by: TeamsUser = smw) {
  const { referralId, number } = await takenOn(by, karim);
  const smwCard = lastCardTo(h, by);
  const proposals = await clickAndWait(by, smwCard.card, VERBS.handoverPlan, plan, smwCard.activityId);
  return { referralId, number, proposals, smwCard, karimCard: lastCardTo(h, karim) };
}

async function bookedByKarim(plan: Record<string, string> = PLAN, by: TeamsUser = smw) {
  const p = await planned(plan, by);
  const proposals = updatesOf(h, karim, p.karimCard.activityId).at(-1);
  const booked = await clickAndWait(karim, proposals, VERBS.handoverBook, {}, p.karimCard.activityId);
  return { ...p, booked };
}

describe('warme overdracht without Graph (local mode)', () => {
  it('after take-on both professionals get "Warme overdracht plannen"; errors stay beside the fields with the typed values', async () => {
    const { referralId } = await takenOn(smw, karim);
    for (const user of [smw, karim]) expect(joined(lastCardTo(h, user).card)).toContain('Warme overdracht plannen');
    // The SMW'er hears who took it on in the same message as the planning card: one new message
    // after the take-on (their case card is updated in place).
    const news = h.connector.sent(personalConversationId(smw)).filter((a) => String(a.text ?? '').includes('opgepakt') || JSON.stringify(a.attachments ?? []).includes('Warme overdracht plannen'));
    expect(news).toHaveLength(1);
    expect(String(news[0]!.text)).toMatch(/^Aanmelding AM-[0-9A-Z]+ is opgepakt\. Casusregisseur: \*\*Karim Wijkteam\*\*\. Plan hieronder de warme overdracht\.$/);
    expect(JSON.stringify(news[0]!.attachments)).toContain('Warme overdracht plannen');
    const doc = await stored(referralId);
    expect(doc.handover?.cards.map((c) => c.aadObjectId).sort()).toEqual([smw.aadObjectId, karim.aadObjectId].sort());
    expect(doc.smw.email).toBe('sanne.smit@school.example');
    expect(doc.caseManager?.email).toBe('karim@wijkteam.example');
    // prefilled from the aanmelding's first parent
    const card = lastCardTo(h, smw).card;
    expect(input(card, 'parentName').value).toBe('Fatima de Vries');

    const invalid = invokeCard(await click(smw, card, VERBS.handoverPlan, { ...PLAN, parentAvailability: '', parentEmail: 'geen-adres', parentPhone: '', window0Date: '2026-11-30' }));
    expect(errorBeside(invalid, 'parentAvailability')).toBeUndefined(); // a window was started instead
    expect(errorBeside(invalid, 'window0Start')).toBe('Dit veld is verplicht.');
    expect(errorBeside(invalid, 'parentEmail')).toBe('Vul een geldig e-mailadres in.');
    expect(input(invalid, 'parentEmail').value).toBe('geen-adres');
    expect(input(invalid, 'window0Date').value).toBe('2026-11-30');
    expect((await stored(referralId)).handover?.request).toBeUndefined();
  });

  it('proposes three slots within working hours and the parents\' times, says calendars were not checked, and updates the other card in place', async () => {
    const { referralId, proposals, karimCard } = await planned();
    expect(joined(proposals)).toContain("agenda's zijn niet bekeken");
    // One choice of three times and one "Kies" button.
    expect(slotChoices(proposals)).toHaveLength(3);
    expect(actions(proposals).filter((a) => a.verb === VERBS.handoverBook)).toHaveLength(1);
    const doc = await stored(referralId);
    expect(doc.handover?.proposals.map((p) => p.start)).toEqual(['2026-11-24T07:30:00.000Z', '2026-11-26T11:00:00.000Z', '2026-12-01T07:30:00.000Z']);
    expect(doc.handover?.proposalBasis).toBe('workingHours');
    const updated = updatesOf(h, karim, karimCard.activityId).at(-1);
    expect(slotChoices(updated)).toHaveLength(3);
  });

  it('a turn that commits twice (the planning request, then the parent\'s link) hands the effect runner its latest commit: the referral is read once, by the turn', async () => {
    const { referralId } = await takenOn(smw, karim);
    const smwCard = lastCardTo(h, smw);
    const reads = countItemReads(h.bot.schakel.store.containers.referrals, referralId);
    try {
      await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, PLAN, smwCard.activityId);
      // Started from the first commit, the runner's write would meet the second (412) and read again.
      expect(reads.count).toBe(1);
    } finally {
      reads.restore();
    }
    const doc = await stored(referralId);
    expect(doc.handover?.proposals).toHaveLength(3);
    expect(doc.parentPage?.link).toBeDefined();
  });

  it('a professional whose Teams is in English gets the cards sent after a click in English, and their updates stay English', async () => {
    const { referralId } = await takenOn(sofie, ben);
    const benCard = lastCardTo(h, ben);
    expect(joined(benCard.card)).toContain('Plan the warm handover');
    expect(joined(benCard.card)).not.toContain('Warme overdracht');
    const sofieCard = lastCardTo(h, sofie);
    expect(joined(sofieCard.card)).toContain('Warme overdracht plannen');
    // The proposals reach Ben's card by an update in place from the runner: still in English.
    await clickAndWait(sofie, sofieCard.card, VERBS.handoverPlan, PLAN, sofieCard.activityId);
    expect((await stored(referralId)).handover?.proposals).toHaveLength(3);
    const updated = updatesOf(h, ben, benCard.activityId).at(-1)!;
    expect(joined(updated)).toMatch(/warm handover/i);
    expect(joined(updated)).not.toMatch(/warme overdracht/i);
  });

  it('books only a stored proposal (times in card data are ignored), offers the iCalendar invitation at a signed link (valid RFC 5545; bad or expired tokens refused), mails it to the parent, and tells the reminder planner', async () => {
    const { referralId, number, proposals, smwCard, karimCard } = await planned();
    const forged = invokeCard(await click(karim, proposals, VERBS.handoverBook, { slotId: '7-0' }));
    expect(joined(forged)).toContain('verouderd');
    expect((await stored(referralId)).state).toBe('accepted');

    const booked = await clickAndWait(karim, proposals, VERBS.handoverBook, { start: '2030-01-01T00:00:00Z', end: '2030-01-01T01:00:00Z' }, karimCard.activityId);
    expect(joined(booked)).toContain('Gepland: dinsdag 24 november 2026, 08:30–09:30');
    const doc = await stored(referralId);
    expect(doc.state).toBe('handoverScheduled');
    expect(doc.handover?.meeting).toMatchObject({ start: '2026-11-24T07:30:00.000Z', end: '2026-11-24T08:30:00.000Z', via: 'ical', sequence: 0 });
    expect(actions(booked).map((a) => a.verb)).toEqual([VERBS.agreementsOpen, VERBS.handoverReschedule, VERBS.handoverCancel]);
    // the SMW'er's card changed in place and has no agreements button
    const smwUpdated = updatesOf(h, smw, smwCard.activityId).at(-1);
    expect(joined(smwUpdated)).toContain('De warme overdracht is gepland.');
    // ... with the parent's invitation as it really is: in the outbox, not sent; the SMW'er can confirm mailing or calling
    expect(facts(smwUpdated)).toContain('uitnodiging klaar in de outbox — nog niet verstuurd');
    expect(actions(smwUpdated).map((a) => a.verb)).toEqual([VERBS.parentInformed, VERBS.handoverReschedule, VERBS.handoverCancel]);
    expect(joined(booked)).toContain('De e-mail aan de ouder staat klaar in de outbox — nog niet verstuurd.');

    // The booked card has the download button too.
    expect(links(booked).map((l) => l.title)).toEqual(['Uitnodiging downloaden']);
    for (const user of [smw, karim]) {
      const [file] = (await icsTo(h, user)).filter((f) => f.text.includes(number));
      expect(file?.name).toBe('warme-overdracht.ics');
      expect(file?.contentType).toBe('text/calendar; charset=utf-8; method=REQUEST');
      const { method, vevent, event } = parseIcs(file!.ics);
      expect(method).toBe('REQUEST');
      expect(event.startDate.toJSDate().toISOString()).toBe('2026-11-24T07:30:00.000Z');
      expect(event.endDate.toJSDate().toISOString()).toBe('2026-11-24T08:30:00.000Z');
      expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Amsterdam');
      expect(event.startDate.hour).toBe(8);
      expect(event.startDate.minute).toBe(30);
      expect(event.attendees.map((a) => String(a.getFirstValue()).toLowerCase()).sort()).toEqual(['mailto:fatima@example.org', 'mailto:karim@wijkteam.example', 'mailto:sanne.smit@school.example']);
      expect(event.summary).toBe('Warme overdracht');
      expect(file!.ics).not.toContain('Noa');
    }
    // The parent's mail carries the same invitation as an attachment (and nothing about the pupil).
    const [mail] = await outbox(referralId);
    expect(mail?.to).toBe('fatima@example.org');
    expect(mail?.subject).toBe('Uitnodiging: gesprek met het wijkteam');
    expect(mail?.html).toContain('dinsdag 24 november 2026, 08:30–09:30');
    for (const detail of ['Noa', 'Regenboog', 'verzuim', number]) expect(mail?.html).not.toContain(detail);
    expect(mail?.attachments?.map((a) => [a.name, a.contentType])).toEqual([['warme-overdracht.ics', 'text/calendar; charset=utf-8; method=REQUEST']]);
    const attached = parseIcs(Buffer.from(mail!.attachments![0]!.contentBase64, 'base64').toString('utf8'));
    expect([attached.method, attached.event.startDate.toJSDate().toISOString(), attached.event.sequence]).toEqual(['REQUEST', '2026-11-24T07:30:00.000Z', 0]);

    // The link: a valid RFC 5545 file only with a valid token; tampered, expired or missing tokens are refused and reveal nothing.
    const [file] = (await icsTo(h, smw)).filter((f) => f.text.includes(number));
    expect(file!.ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(file!.ics).toContain('VERSION:2.0');
    expect(file!.ics).toMatch(/PRODID:/);
    expect(parseIcs(file!.ics).vevent.getFirstPropertyValue('dtstamp')).toBeTruthy();
    const [base, token] = file!.url.split('/downloads/');
    const [body, mac] = token!.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), e: Date.parse('2099-01-01') })).toString('base64url');
    const secrets = ['BEGIN:VCALENDAR', 'Warme overdracht', 'fatima', 'sanne', 'karim', 'Fatima', referralId];
    for (const bad of [`${forgedBody}.${mac}`, `${body}.${mac!.slice(0, -2)}xx`, body!, '', 'x.y']) {
      const res = await download(`${base}/downloads/${bad}`);
      expect(res.status, bad).toBe(404);
      for (const secret of secrets) expect(res.body).not.toContain(secret);
    }
    const now = clock.now();
    clock.set(new Date(now.getTime() + 60 * 24 * 3600 * 1000 + 1000)); // past any invitation link's life
    try {
      const expired = await download(file!.url);
      expect(expired.status).toBe(410);
      for (const secret of secrets) expect(expired.body).not.toContain(secret);
    } finally {
      clock.set(now);
    }
    expect((await download(file!.url)).status).toBe(200);
    // The casusregisseur is asked to fill in the agreements right after the meeting ends.
    const prompts = (await pending(referralId)).filter((r) => r.kind === 'agreementsPrompt');
    expect(prompts.map((r) => [r.dueAt, r.recipients.map((x) => x.aadObjectId)])).toEqual([['2026-11-24T08:30:00.000Z', [karim.aadObjectId]]]);
  });

  it('moves the meeting (same UID, next SEQUENCE) and cancels it (METHOD:CANCEL, the parent is mailed); the timeline shows each step', async () => {
    const { referralId, number, booked, smwCard, karimCard } = await bookedByKarim();
    const again = await clickAndWait(smw, booked, VERBS.handoverReschedule, {}, smwCard.activityId);
    expect(joined(again)).toContain('Verzetten: kies een nieuwe tijd');
    const second = slotChoices(again)[1]!;
    const moved = await clickAndWait(smw, again, VERBS.handoverBook, { slotId: second }, smwCard.activityId);
    // The SMW'er's card in place: the new time, and first the task to tell the parent (the new invitation waits in the outbox).
    expect(facts(moved)).toContain('donderdag 26 november 2026, 12:00–13:00');
    expect(joined(moved)).toContain('staat klaar in de outbox — nog niet verstuurd');
    expect((await stored(referralId)).handover?.meeting?.sequence).toBe(1);
    const files = (await icsTo(h, smw)).filter((f) => f.text.includes(number)).map((f) => parseIcs(f.ics));
    expect(files).toHaveLength(2);
    expect(files[1]!.event.uid).toBe(files[0]!.event.uid);
    expect(files[1]!.event.sequence).toBe(1);
    // An older link gives the meeting as it is now: the new time, never the outdated one.
    expect(files[0]!.event.sequence).toBe(1);
    expect(files[0]!.event.startDate.toJSDate().toISOString()).toBe('2026-11-26T11:00:00.000Z');

    const cancelled = invokeCard(await click(karim, moved, VERBS.handoverCancel));
    // Answered at once; telling everyone follows, and Karim's card then says how they heard of it.
    expect(joined(cancelled)).toContain('De afspraak is geannuleerd; de genodigden krijgen nu bericht');
    await effectsSettled(h.bot); // telling everyone follows as effects of the cancellation
    expect(joined(updatesOf(h, karim, karimCard.activityId).at(-1))).toContain("De afspraak is geannuleerd; de SMW'er en de casusregisseur kregen de annulering. De e-mail aan de ouder staat klaar in de outbox — nog niet verstuurd.");
    expect(joined(cancelled)).toContain('Warme overdracht plannen');
    expect((await stored(referralId)).state).toBe('accepted');
    // the cancelled meeting leaves no prompt to record its agreements, and no escalation about them
    const left = await pending(referralId);
    expect(left.filter((d) => d.kind === 'agreementsPrompt')).toEqual([]);
    expect(left.filter((d) => d.kind === 'normEscalation').map((d) => d.subject.normId)).not.toContain('agreements');
    const cancel = (await icsTo(h, karim)).filter((f) => f.text.includes(number)).map((f) => parseIcs(f.ics)).at(-1)!;
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.event.uid).toBe(files[0]!.event.uid);
    expect(cancel.event.sequence).toBe(2);
    const mails = (await outbox(referralId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.subject.localeCompare(b.subject));
    expect(mails.map((m) => [m.to, m.subject]).sort()).toEqual([
      ['fatima@example.org', 'Afspraak warme overdracht gaat niet door'],
      ['fatima@example.org', 'Nieuwe tijd: gesprek met het wijkteam'],
      ['fatima@example.org', 'Uitnodiging: gesprek met het wijkteam'],
    ]);
    const cancelMail = mails.find((m) => m.subject === 'Afspraak warme overdracht gaat niet door')!;
    const attachedCancel = parseIcs(Buffer.from(cancelMail.attachments![0]!.contentBase64, 'base64').toString('utf8'));
    expect([attachedCancel.method, attachedCancel.event.uid, attachedCancel.event.sequence]).toEqual(['CANCEL', files[0]!.event.uid, 2]);

    await h.bot.send(message(smw, `status ${number}`, h.connector.url));
    const status = String(h.connector.sent(personalConversationId(smw)).at(-1)?.text);
    for (const step of ['Planning van de warme overdracht ingevuld', 'Tijden voor de warme overdracht voorgesteld', 'Warme overdracht gepland', 'Warme overdracht verzet', 'Warme overdracht geannuleerd']) expect(status).toContain(step);
  });

  it('the agreements: only the casusregisseur opens and confirms them; a stale card cannot overwrite a newer version', async () => {
    const { referralId, number } = await bookedByKarim();
    await h.bot.send(message(smw, `afspraken ${number}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(smw)).at(-1)?.text)).toContain(REFUSED);

    await h.bot.send(message(karim, `afspraken ${number}`, h.connector.url));
    const cardA = lastCardTo(h, karim).card;
    expect(joined(cardA)).toContain('Afspraken warme overdracht');
    const invalid = invokeCard(await click(karim, cardA, VERBS.agreementsSave, { ...AGREEMENTS, evaluationDate: '2026-12-01' }));
    expect(errorBeside(invalid, 'evaluationDate')).toContain('na de eerste terugkoppeling');
    expect(input(invalid, 'aftercareWhat').value).toBe(AGREEMENTS.aftercareWhat);
    const savedA = invokeCard(await click(karim, cardA, VERBS.agreementsSave, AGREEMENTS));
    expect(joined(savedA)).toContain('Concept opgeslagen');

    await h.bot.send(message(karim, `afspraken ${number}`, h.connector.url));
    const cardB = lastCardTo(h, karim).card;
    expect(input(cardB, 'aftercareWhat').value).toBe(AGREEMENTS.aftercareWhat);
    await click(karim, cardB, VERBS.agreementsSave, { ...AGREEMENTS, aftercareWhat: 'Tweewekelijks contact' });

    const stale = invokeCard(await click(karim, savedA, VERBS.agreementsConfirm, { ...AGREEMENTS, aftercareWhat: 'Oude tekst' }));
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    expect(joined(stale)).toContain('intussen gewijzigd');
    expect(input(stale, 'aftercareWhat').value).toBe('Tweewekelijks contact');
    const doc = await stored(referralId);
    expect(doc.state).toBe('handoverScheduled');
    expect(doc.handover?.agreements.map((a) => [a.version, a.agreements.aftercare.what, a.confirmedAt])).toEqual([[1, 'Tweewekelijks contact', undefined]]);

    // Someone else sends a well-formed confirm for this referral (a crafted invoke): refused and audited.
    const forged = await h.bot.send(cardAction(lisa, VERBS.agreementsConfirm, { referralId, revision: doc.handover!.agreementsRevision, ...AGREEMENTS }, h.connector.url));
    expect(invokeMessage(forged.body)).toContain(REFUSED);
    const bySmw = await h.bot.send(cardAction(smw, VERBS.agreementsConfirm, { referralId, revision: doc.handover!.agreementsRevision, ...AGREEMENTS }, h.connector.url));
    expect(invokeMessage(bySmw.body)).toContain(REFUSED);
    expect((await stored(referralId)).state).toBe('handoverScheduled');
    const audit = await h.bot.schakel.deps.referrals.entries(referralId, 'audit');
    const refusals = audit.filter((e) => e.action === 'access.refused');
    expect(refusals.map((e) => [e.actor, e.detail?.operation])).toEqual(
      expect.arrayContaining([
        [lisa.aadObjectId, VERBS.agreementsConfirm],
        [smw.aadObjectId, VERBS.agreementsConfirm],
      ]),
    );
    expect(h.bot.logs.find('access refused').some((l) => l.actor === lisa.aadObjectId && l.operation === VERBS.agreementsConfirm)).toBe(true);
  });

  it('confirming: state agreementsConfirmed, reminders planned, the SMW\'er gets the agreements, the parent an e-mail without case details; a change becomes version 2', async () => {
    const { referralId, number, smwCard, karimCard, booked } = await bookedByKarim();
    const form = invokeCard(await click(karim, booked, VERBS.agreementsOpen, {}, h.bot, undefined, karimCard.activityId));
    const sending = invokeCard(await click(karim, form, VERBS.agreementsConfirm, AGREEMENTS, h.bot, undefined, karimCard.activityId));
    // Answered at once: confirmed, and the deliveries are on their way (never claimed before they happened).
    expect(joined(sending)).toContain('Bevestigd. De afspraken worden nu verstuurd');
    expect(facts(sending)).toContain('wordt klaargezet…'); // without Graph the parent's mail only reaches the outbox
    expect(facts(sending)).toContain('wordt verstuurd…'); // the SMW'er, in Teams
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    // The same card, updated in place: how each person was reached.
    const done = updatesOf(h, karim, karimCard.activityId).at(-1)!;
    expect(joined(done)).toContain("Bevestigd. De SMW'er heeft de afspraken in Teams. De e-mail aan de ouder staat klaar in de outbox — nog niet verstuurd.");
    const doc = await stored(referralId);
    expect(doc.state).toBe('agreementsConfirmed');
    expect(doc.handover?.agreements).toMatchObject([{ version: 1, confirmedBy: { aadObjectId: karim.aadObjectId } }]);
    expect(doc.handover?.deliveries.map((d) => [d.recipient, d.channel, d.status])).toEqual([
      ['parent', 'email', 'outbox'],
      ['smw', 'teams', 'sent'],
    ]);

    const planned = (await pending(referralId)).filter((r) => r.kind === 'agreementBefore' || r.kind === 'agreementOnDay');
    expect([...new Set(planned.map((r) => r.subject.agreementId))].sort()).toEqual(['aftercare', 'evaluation', 'feedback0', 'feedback1']);
    expect((await pending(referralId)).some((r) => r.kind === 'agreementsPrompt')).toBe(false);

    const smwView = lastCardTo(h, smw).card;
    expect(joined(smwView)).toContain('Afspraken warme overdracht');
    expect(facts(smwView)).toContain('Wekelijks contact met de mentor over verzuim');
    expect(facts(smwView)).toContain('e-mail klaar in de outbox — nog niet verstuurd');
    expect(actions(smwView).map((a) => a.title)).toEqual(['Ik heb de ouder gemaild / gebeld']);
    // the SMW'er's planning card was replaced in place too
    expect(joined(updatesOf(h, smw, smwCard.activityId).at(-1))).toContain('Afspraken warme overdracht');

    const mail = (await outbox(referralId)).find((m) => m.subject === 'Afspraken na het gesprek met het wijkteam');
    expect(mail?.to).toBe('fatima@example.org');
    expect(mail?.html).toContain('vrijdag 15 januari 2027'); // the evaluation, with the parent
    expect(mail?.html).toContain('Karim Wijkteam neemt contact met u op via telefoon');
    for (const detail of ['Noa', 'Regenboog', 'verzuim', 'Verzuim', 'Wekelijks contact', 'mentor', number, 'spanningen']) expect(mail?.html).not.toContain(detail);
    expect(mail?.subject).not.toContain('Noa');

    const again = invokeCard(await click(karim, done, VERBS.agreementsOpen));
    expect(joined(again)).toContain('Wijzigingen worden versie 2');
    await click(karim, again, VERBS.agreementsSave, { ...AGREEMENTS, evaluationDate: '2027-01-22' });
    const history = (await stored(referralId)).handover!.agreements;
    expect(history.map((a) => [a.version, a.agreements.evaluation.date, Boolean(a.confirmedAt)])).toEqual([
      [1, '2027-01-15', true],
      [2, '2027-01-22', false],
    ]);
    expect((await stored(referralId)).state).toBe('agreementsConfirmed');

    await h.bot.send(message(karim, `status ${number}`, h.connector.url));
    const status = String(h.connector.sent(personalConversationId(karim)).at(-1)?.text);
    for (const step of ['Afspraken warme overdracht bevestigd', 'E-mail aan de ouder met de afspraken klaar in de outbox — nog niet verstuurd', "Afspraken naar de SMW'er gestuurd"]) expect(status).toContain(step);
    expect(status).not.toContain('Ouder per e-mail geïnformeerd');
  });

  it('without a parent e-mail the SMW\'er gets the task "Ouders telefonisch informeren" and ticks it off', async () => {
    const { referralId, number, booked } = await bookedByKarim({ ...PLAN, parentEmail: '' });
    const form = invokeCard(await click(karim, booked, VERBS.agreementsOpen));
    await click(karim, form, VERBS.agreementsConfirm, AGREEMENTS);
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    expect(await outbox(referralId)).toEqual([]);
    const smwView = lastCardTo(h, smw).card;
    expect(joined(smwView)).toContain('informeer Fatima de Vries telefonisch (+31612345678)');
    expect(facts(smwView)).toContain("geen e-mailadres: de SMW'er belt");
    const ticked = invokeCard(await click(smw, smwView, VERBS.parentInformed));
    expect(joined(ticked)).toContain('Afgevinkt');
    expect(facts(ticked)).toContain('telefonisch geïnformeerd');
    expect(actions(ticked).filter((a) => a.verb === VERBS.parentInformed)).toHaveLength(0);
    expect((await stored(referralId)).handover?.deliveries.find((d) => d.recipient === 'parent')?.status).toBe('done');
    await h.bot.send(message(smw, `status ${number}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(smw)).at(-1)?.text)).toContain('Ouder telefonisch geïnformeerd');
  });

  it('without Graph no card, answer or timeline entry claims a mail to the parent was sent; the SMW\'er gets the text to send and records mailing or calling', async () => {
    const from = h.connector.calls.length;
    const answers: unknown[] = [];
    const clicked = async (user: TeamsUser, card: unknown, verb: string, inputs: Record<string, string> = {}) => {
      const body = await click(user, card, verb, inputs);
      answers.push(body);
      return invokeCard(body);
    };
    const { referralId, number, booked, proposals } = await bookedByKarim(PLAN, sofie);
    answers.push(proposals, booked);
    const sofieCard = lastCardTo(h, sofie);
    // The SMW'er's card: the invitation waits in the outbox, with the mail's text and the button.
    const planningCard = updatesOf(h, sofie, (await stored(referralId)).handover!.cards.find((c) => c.aadObjectId === sofie.aadObjectId)!.activityId).at(-1)!;
    expect(joined(planningCard)).toContain('over de afspraak voor de warme overdracht staat klaar in de outbox — nog niet verstuurd');
    expect(joined(planningCard)).toContain('Onderwerp: Uitnodiging: gesprek met het wijkteam');
    expect(joined(planningCard)).toContain('U bent uitgenodigd voor een gesprek met Karim Wijkteam');
    const planningId = (await stored(referralId)).handover!.cards.find((c) => c.aadObjectId === sofie.aadObjectId)!.activityId;
    const again = await clickAndWait(sofie, planningCard, VERBS.handoverReschedule, {}, planningId);
    const second = slotChoices(again)[1]!;
    const moved = await clickAndWait(sofie, again, VERBS.handoverBook, { slotId: second }, planningId);
    expect((await stored(referralId)).handover?.meeting?.slotId).toBe(second);
    const informed = await clicked(sofie, moved, VERBS.parentInformed);
    expect(joined(informed)).toContain('Vastgelegd: u heeft de ouder zelf gemaild of gebeld.');
    expect(facts(informed)).toContain("door de SMW'er zelf gemaild of gebeld");
    expect(actions(informed).map((a) => a.verb)).not.toContain(VERBS.parentInformed);

    const form = await clicked(karim, booked, VERBS.agreementsOpen);
    await clicked(karim, form, VERBS.agreementsConfirm, AGREEMENTS);
    await effectsSettled(h.bot);
    const confirmedCard = lastCardTo(h, sofie).card;
    expect(confirmedCard).not.toEqual(sofieCard.card);
    expect(joined(confirmedCard)).toContain('over de afspraken staat klaar in de outbox — nog niet verstuurd');
    expect(joined(confirmedCard)).toContain('Onderwerp: Afspraken na het gesprek met het wijkteam');
    expect(joined(confirmedCard)).toContain('Evaluatie: vrijdag 15 januari 2027');
    const ticked = await clicked(sofie, confirmedCard, VERBS.parentInformed);
    expect(facts(ticked)).toContain("door de SMW'er zelf gemaild of gebeld");
    expect((await stored(referralId)).handover?.deliveries.find((d) => d.recipient === 'parent')).toMatchObject({ channel: 'email', status: 'done' });

    await h.bot.send(message(sofie, `status ${number}`, h.connector.url));
    const timeline = String(h.connector.sent(personalConversationId(sofie)).at(-1)?.text);
    for (const step of [
      'Uitnodiging aan de ouder klaar in de outbox — nog niet verstuurd',
      "SMW'er heeft de ouder zelf over de afspraak gemaild of gebeld",
      'E-mail aan de ouder met de afspraken klaar in de outbox — nog niet verstuurd',
      "SMW'er heeft de ouder zelf gemaild of gebeld over de afspraken",
    ]) expect(timeline).toContain(step);

    // Everything the two professionals saw of this referral: no sentence tells them the parent was mailed.
    const shown = [
      ...answers.map((a) => (typeof a === 'object' && a && 'type' in a ? a : { value: a })),
      ...h.connector.calls.slice(from).filter((c) => c.status < 300 && [sofie, karim].some((u) => c.conversationId === personalConversationId(u))).map((c) => c.body),
    ];
    const sentences = shown
      .flatMap((body) => {
        const card = (body as { value?: unknown }).value ?? ((body as { attachments?: { content: unknown }[] }).attachments ?? [])[0]?.content;
        const fromFacts = JSON.stringify(card ?? {}).match(/"title":"[^"]*","value":"[^"]*"/g) ?? [];
        return [String((body as { text?: string }).text ?? ''), ...texts(card), ...fromFacts];
      })
      .concat(timeline.split('\n'))
      .flatMap((t) => t.split(/(?<=[.;:])\s+/));
    const claims = sentences.filter((t) => /ouder|iedereen|parent/i.test(t) && /verstuurd|bericht|geïnformeerd|kreeg|ontvangen/i.test(t) && !/niet|outbox|belt|telefonisch|zelf/i.test(t));
    expect(claims).toEqual([]);
    expect(sentences.some((t) => t.includes('klaar in de outbox — nog niet verstuurd'))).toBe(true);
  });

  it('"overdracht <nummer>" shows the current card again and later updates go to that card', async () => {
    const { referralId, number } = await planned();
    await h.bot.send(message(karim, `overdracht ${number}`, h.connector.url));
    const shown = lastCardTo(h, karim);
    expect(slotChoices(shown.card)).toHaveLength(3);
    expect((await stored(referralId)).handover?.cards.find((c) => c.aadObjectId === karim.aadObjectId)?.activityId).toBe(shown.activityId);
    const smwCard = lastCardTo(h, smw);
    await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, { ...PLAN, parentAvailability: '3-middag' }, smwCard.activityId);
    expect(updatesOf(h, karim, shown.activityId)).toHaveLength(1);
    await h.bot.send(message(lisa, `overdracht ${number}`, h.connector.url));
    expect(String(h.connector.sent(personalConversationId(lisa)).at(-1)?.text)).toContain(REFUSED);
  });

  it('someone outside the referral cannot plan, book or open its agreements', async () => {
    const { referralId, proposals } = await planned();
    expect(invokeMessage(await click(lisa, proposals, VERBS.handoverBook))).toContain(REFUSED);
    expect(invokeMessage(await click(lisa, proposals, VERBS.handoverEdit))).toContain(REFUSED);
    expect((await stored(referralId)).state).toBe('accepted');
  });

  it('never logs the parent\'s or pupil\'s personal data', () => {
    const all = h.bot.logs.raw.join('\n');
    for (const secret of ['Noa', 'de Vries', 'Fatima', 'fatima@example.org', '612345678', 'sanne.smit@school.example', 'karim@wijkteam.example', 'Regenboog', 'verzuim', 'Tweewekelijks']) expect(all).not.toContain(secret);
  });

  it('an invitation Teams did not take (500) is sent again to that person alone, once it is due again; the other got it once', async () => {
    const karimChat = personalConversationId(karim);
    let refused = 0;
    h.connector.policy = (req) => {
      if (req.method !== 'POST' || !decodeURIComponent(req.path).includes(karimChat) || !JSON.stringify(req.body ?? {}).includes('agenda-bestand') || refused > 0) return undefined;
      refused++;
      return { status: 500 };
    };
    const { referralId, number } = await bookedByKarim(PLAN, sofie);
    h.connector.policy = undefined;
    const invitations = (user: TeamsUser) =>
      h.connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === personalConversationId(user) && JSON.stringify(c.body).includes(number) && JSON.stringify(c.body).includes('agenda-bestand')).length;
    expect(refused).toBe(1);
    // Karim's invitation waits for its retry, visibly; Sofie's went out.
    const waiting = (await stored(referralId)).outbox?.effects.filter((e) => e.kind === 'sendInvitation' && e.state.status === 'retrying') ?? [];
    expect(waiting.map((e) => (e.kind === 'sendInvitation' ? e.aadObjectId : ''))).toEqual([karim.aadObjectId]);
    expect(invitations(sofie)).toBe(1);
    expect(invitations(karim)).toBe(0);
    clock.set(new Date(clock.now().getTime() + 5 * 60_000)); // past the retry's time
    await effectsSettled(h.bot);
    expect(invitations(karim)).toBe(1);
    expect(invitations(sofie)).toBe(1);
  });

  it("an invitation that can never arrive (the casusregisseur blocked the app: 403) fails for good: the SMW'er is told what did not arrive, and the timeline says so", async () => {
    const karimChat = personalConversationId(karim);
    h.connector.policy = (req) =>
      req.method === 'POST' && decodeURIComponent(req.path).includes(karimChat) && JSON.stringify(req.body ?? {}).includes('agenda-bestand') ? { status: 403, body: { error: { code: 'MessageWritesBlocked' } } } : undefined;
    const before = h.connector.sent(personalConversationId(sofie)).length;
    const { referralId, number } = await bookedByKarim(PLAN, sofie);
    await effectsSettled(h.bot);
    h.connector.policy = undefined;
    const failed = (await stored(referralId)).outbox?.effects.filter((e) => e.kind === 'sendInvitation' && e.state.status === 'failed') ?? [];
    expect(failed.map((e) => (e.kind === 'sendInvitation' ? e.aadObjectId : ''))).toEqual([karim.aadObjectId]);
    const messages = h.connector.sent(personalConversationId(sofie)).slice(before).filter((a) => String(a.text ?? '').includes('niet bereiken'));
    expect(messages.map((a) => a.text)).toEqual([`Aanmelding ${number}: de uitnodiging voor de warme overdracht kon de casusregisseur niet bereiken, ook niet na herhaalde pogingen. Wilt u het zelf doorgeven? Het staat op de tijdlijn van de aanmelding.`]);
    expect((await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action)).toContain('deliveryProblem.caseManager');
    // Under it: "Ik heb het zelf doorgegeven". Only the SMW'er may record it; then it is on the timeline and the card says so.
    const card = cardOf(messages[0]);
    expect(invokeMessage(await click(karim, card, VERBS.problemPassedOn))).toContain(REFUSED);
    const done = invokeCard(await click(sofie, card, VERBS.problemPassedOn));
    expect(texts(done).join(' ')).toContain('Vastgelegd op de tijdlijn');
    expect(actions(done).map((a) => a.verb)).not.toContain(VERBS.problemPassedOn);
    const timeline = (await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action);
    expect(timeline).toContain('deliveryProblemPassedOn.caseManager');
    // A forged list of roles is refused before anything is written.
    expect(invokeMessage(await click(sofie, card, VERBS.problemPassedOn, { roles: 'caseManager,iedereen' }))).not.toContain('Vastgelegd');
  });
});
