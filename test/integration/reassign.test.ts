import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { REFUSED, message, makeUser, personalConversationId, type TeamsUser } from '../support/activities.js';
import { cardOf, errorBeside, input, invokeCard, texts } from '../support/cards.js';
import { PLAN, lastCardTo, updatesOf, startCaseHarness, stopCaseHarness } from '../support/handoverFlow.js';
import { effectsSettled, type Harness } from '../support/harness.js';
import { referralFlow } from '../support/referralFlow.js';

/**
 * Handing a case over, over HTTP: the new person can act and gets the pending reminders, the
 * previous one is refused, both are told, the audit and timeline say who, when and why; a
 * coordinator moves all open cases of an SMW'er at once.
 */
const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const leaving = makeUser('Vera Vertrekt');
const successor = makeUser('Omar Opvolger');
const karim = makeUser('Karim Wijkteam');
const lisa = makeUser('Lisa Wijkteam');
const outsider = makeUser('Olga Buiten');
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam

let h: Harness;
const { click, takenOn, submitted, clickAndWait } = referralFlow(() => h);

beforeAll(async () => {
  h = await startCaseHarness({
    clock,
    coordinator,
    members: [karim, lisa],
    people: [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: leaving, email: 'vera@school.example' },
      { user: successor, email: 'omar@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
      { user: lisa, email: 'lisa@wijkteam.example' },
      { user: outsider, email: 'olga@elders.example' },
    ],
  });
});
afterAll(async () => expect(await stopCaseHarness(h)).toEqual([]));

const tick = () => h.bot.schakel.reminders.scheduler.tick();
const isReminderCard = (a: Record<string, unknown>) => JSON.stringify(a.attachments ?? []).includes(VERBS.reminderDone);
const remindersTo = (user: TeamsUser) => h.connector.sent(personalConversationId(user)).filter(isReminderCard);
const textsTo = (user: TeamsUser) => h.connector.sent(personalConversationId(user)).map((a) => String(a.text ?? ''));
const pending = (referralId: string) => h.bot.schakel.reminders.reminders.pendingOfReferral(referralId);
const stored = async (referralId: string) => (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
const keysOf = async (referralId: string) => (await pending(referralId)).flatMap((r) => r.recipients.map((x) => x.key));

async function say(user: TeamsUser, text: string) {
  const before = h.connector.sent(personalConversationId(user)).length;
  const res = await h.bot.send(message(user, text, h.connector.url));
  expect(res.status).toBe(200);
  return h.connector.sent(personalConversationId(user)).slice(before);
}

describe('handing a case over', () => {
  it('a wijkteam member hands the casusregie over: the new casusregisseur can act and gets the reminder, the previous one is refused, both told, audited', async () => {
    const { referralId, number } = await takenOn(smw, karim);
    const smwCard = lastCardTo(h, smw);
    const karimCard = lastCardTo(h, karim);
    await clickAndWait(smw, smwCard.card, VERBS.handoverPlan, PLAN, smwCard.activityId);
    await clickAndWait(karim, updatesOf(h, karim, karimCard.activityId).at(-1), VERBS.handoverBook, {}, karimCard.activityId);
    const prompt = (await pending(referralId)).find((r) => r.kind === 'agreementsPrompt')!;
    expect(prompt.recipients.map((r) => r.key)).toContain(`caseManager:${karim.aadObjectId}`);

    // Lisa (same wijkteam) opens the card: only the casusregie is hers to hand over; the people picker asks Entra.
    const [reply] = await say(lisa, `overdragen ${number}`);
    const card = cardOf(reply);
    expect((input(card, 'role').choices as { value: string }[]).map((c) => c.value)).toEqual(['caseManager']);
    expect(input(card, 'to')['choices.data']).toEqual({ type: 'Data.Query', dataset: 'graph.microsoft.com/users' });

    // Someone outside the wijkteam cannot become casusregisseur; nothing changes.
    const wrong = invokeCard(await click(lisa, card, VERBS.reassign, { role: 'caseManager', to: outsider.aadObjectId, reason: 'Karim is ziek' }));
    // The refusal beside the picker, the choice and the reason kept.
    expect(errorBeside(wrong, 'to')).toBe('De casusregisseur moet lid zijn van het wijkteam van deze aanmelding.');
    expect(input(wrong, 'to').value).toBe(outsider.aadObjectId);
    expect(input(wrong, 'reason').value).toBe('Karim is ziek');
    expect((await stored(referralId)).caseManager?.aadObjectId).toBe(karim.aadObjectId);

    const done = invokeCard(await click(lisa, card, VERBS.reassign, { role: 'caseManager', to: lisa.aadObjectId, toName: lisa.name, reason: 'Karim is langdurig ziek' }));
    expect(texts(done).join(' ')).toContain('Lisa Wijkteam is nu de casusregisseur');
    await effectsSettled(h.bot);

    const doc = await stored(referralId);
    expect(doc.caseManager?.aadObjectId).toBe(lisa.aadObjectId);
    // Karim's planning card is no longer updated with the case.
    expect(doc.handover?.cards.map((c) => c.aadObjectId)).not.toContain(karim.aadObjectId);
    expect(doc.handover?.cards.map((c) => c.aadObjectId)).toContain(smw.aadObjectId);
    expect(doc.reassignments?.map((r) => [r.role, r.from.aadObjectId, r.to.aadObjectId, r.by, r.reason])).toEqual([['caseManager', karim.aadObjectId, lisa.aadObjectId, lisa.aadObjectId, 'Karim is langdurig ziek']]);
    const audit = (await h.bot.schakel.deps.referrals.entries(referralId, 'audit')).filter((e) => e.action === 'referral.reassigned');
    expect(audit.map((e) => [e.actor, e.detail?.from, e.detail?.to, e.detail?.reason])).toEqual([[lisa.aadObjectId, karim.aadObjectId, lisa.aadObjectId, 'Karim is langdurig ziek']]);
    expect((await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action)).toContain('reassigned');

    // Both told.
    expect(textsTo(karim).some((t) => t.includes(`casusregie van aanmelding ${number} is aan Lisa Wijkteam overgedragen`))).toBe(true);
    expect(textsTo(lisa).some((t) => t.includes(`U bent nu de casusregisseur van aanmelding ${number}`))).toBe(true);

    // Pending reminders moved with the case.
    const keys = await keysOf(referralId);
    expect(keys).toContain(`caseManager:${lisa.aadObjectId}`);
    expect(keys).not.toContain(`caseManager:${karim.aadObjectId}`);

    // The new casusregisseur can act; the previous one is refused.
    const lisaOpens = await say(lisa, `overdracht ${number}`);
    expect(JSON.stringify(lisaOpens)).not.toContain(REFUSED);
    expect(JSON.stringify(lisaOpens)).toContain('adaptive');
    const karimOpens = await say(karim, `overdracht ${number}`);
    expect(String(karimOpens.at(-1)?.text)).toContain(REFUSED);

    // The agreements prompt, when due, reaches Lisa and not Karim.
    const karimBefore = remindersTo(karim).length;
    const lisaBefore = remindersTo(lisa).length;
    clock.set(new Date(new Date(prompt.dueAt).getTime() + 60_000));
    await tick();
    expect(remindersTo(lisa).length).toBeGreaterThan(lisaBefore);
    expect(remindersTo(karim).length).toBe(karimBefore);
  });

  it("the SMW'er hands a referral to a colleague; handing it to the same person or without a reason is refused", async () => {
    const { referralId, number } = await takenOn(smw, karim);
    const [reply] = await say(smw, `overdragen ${number}`);
    const card = cardOf(reply);
    expect((input(card, 'role').choices as { value: string }[]).map((c) => c.value)).toEqual(['smw']);
    const same = invokeCard(await click(smw, card, VERBS.reassign, { role: 'smw', toId: smw.aadObjectId, reason: 'x' }));
    // Typed, not picked: the refusal beside the typed id, which is kept.
    expect(errorBeside(same, 'toId')).toBe('Dat is dezelfde persoon. Kies een andere collega.');
    expect(input(same, 'toId').value).toBe(smw.aadObjectId);
    const noReason = invokeCard(await click(smw, card, VERBS.reassign, { role: 'smw', toId: successor.aadObjectId, reason: ' ' }));
    expect(errorBeside(noReason, 'reason')).toContain('verplicht');
    expect(input(noReason, 'toId').value).toBe(successor.aadObjectId);
    // Not an Entra id: beside the field too, not a message.
    const badId = invokeCard(await click(smw, card, VERBS.reassign, { role: 'smw', toId: 'geen id!', reason: 'Met pensioen' }));
    expect(errorBeside(badId, 'toId')).toBe('Onbekende collega: kies iemand met de zoeker, of vul een geldig Entra-object-id in.');
    expect(input(badId, 'reason').value).toBe('Met pensioen');
    // The SMW'er may not move the casusregie.
    const notHers = await click(smw, card, VERBS.reassign, { role: 'caseManager', toId: lisa.aadObjectId, reason: 'x' });
    expect(JSON.stringify(notHers)).not.toContain('nu de casusregisseur');
    expect((await stored(referralId)).caseManager?.aadObjectId).toBe(karim.aadObjectId);

    invokeCard(await click(smw, card, VERBS.reassign, { role: 'smw', toId: successor.aadObjectId, toName: successor.name, reason: 'Nieuwe school' }));
    await effectsSettled(h.bot);
    expect((await stored(referralId)).smw.aadObjectId).toBe(successor.aadObjectId);
    expect(textsTo(successor).some((t) => t.includes(`U bent nu de SMW'er van aanmelding ${number}`))).toBe(true);
    expect(String((await say(successor, `status ${number}`)).at(-1)?.text ?? '')).not.toContain(REFUSED);
    expect(String((await say(smw, `status ${number}`)).at(-1)?.text)).toContain(REFUSED);
  });

  it("a coordinator moves all open cases of a leaving SMW'er: one decision each, reminders follow, both told", async () => {
    const waiting = await submitted(leaving);
    const taken = await takenOn(leaving, karim);
    const waitingId = (await h.bot.schakel.deps.referrals.listForSmw(leaving.aadObjectId, ['submitted'])).map((r) => r.referralId);
    expect(waitingId).toHaveLength(1);
    expect(await keysOf(waitingId[0]!)).toContain(`smw:${leaving.aadObjectId}`);
    expect(waiting.card).toBeDefined();

    // Not for anyone else.
    expect(String((await say(karim, `overdragen alles ${leaving.aadObjectId} ${successor.aadObjectId}`)).at(-1)?.text)).toContain('alleen voor coördinatoren');
    expect((await stored(taken.referralId)).smw.aadObjectId).toBe(leaving.aadObjectId);

    const answer = await say(coordinator, `overdragen alles ${leaving.aadObjectId} ${successor.aadObjectId}`);
    expect(String(answer.at(-1)?.text)).toContain('2 casussen overgedragen');
    await effectsSettled(h.bot);
    for (const id of [waitingId[0]!, taken.referralId]) {
      const doc = await stored(id);
      expect(doc.smw.aadObjectId).toBe(successor.aadObjectId);
      expect(doc.reassignments?.at(-1)?.by).toBe(coordinator.aadObjectId);
    }
    const keys = await keysOf(waitingId[0]!);
    expect(keys).toContain(`smw:${successor.aadObjectId}`);
    expect(keys).not.toContain(`smw:${leaving.aadObjectId}`);
    expect(textsTo(leaving).filter((t) => t.includes('is aan Omar Opvolger overgedragen') || t.includes('overgedragen'))).toHaveLength(2);
    expect(textsTo(successor).filter((t) => t.includes("U bent nu de SMW'er"))).toHaveLength(3);
    expect(await h.bot.schakel.deps.referrals.listForSmw(leaving.aadObjectId, ['submitted', 'accepted'])).toEqual([]);
  });
});
