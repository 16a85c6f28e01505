import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { ManualClock } from '../../src/domain/clock.js';
import { makeUser, personalConversationId, type TeamsUser } from '../support/activities.js';
import { action, cardOf, elements, invokeCard, texts } from '../support/cards.js';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { AGREEMENTS, PLAN, lastCardTo, updatesOf, startCaseHarness, stopCaseHarness } from '../support/handoverFlow.js';
import { effectsSettled, type Harness } from '../support/harness.js';
import { channelConversation, feijenoordChannel, referralFlow } from '../support/referralFlow.js';

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
const clock = new ManualClock('2026-11-23T08:00:00Z'); // Monday 09:00 in Rotterdam

let h: Harness;
const { openForm, click, fillAll, postsIn, clickAndWait } = referralFlow(() => h);

beforeAll(async () => {
  h = await startCaseHarness({
    clock,
    coordinator,
    members: [karim],
    people: [
      { user: smw, email: 'sanne.smit@school.example' },
      { user: karim, email: 'karim@wijkteam.example' },
    ],
  });
});
afterAll(async () => expect(await stopCaseHarness(h)).toEqual([]));

const isCaseCard = (c: ConnectorCall) => JSON.stringify(c.body).includes('"id":"case:');
/** What a person reads on a card: its texts and its facts. */
const joined = (card: unknown) =>
  [...texts(card), ...elements(card).flatMap((e) => (e.type === 'FactSet' ? (e.facts as { title: string; value: string }[]).map((f) => `${f.title}: ${f.value}`) : []))].join(' ');

/** The case card's message in a person's chat: the first card with the case card's id. */
function caseCardPost(user: TeamsUser): ConnectorCall | undefined {
  return h.connector.calls.find((c) => c.method === 'POST' && c.status < 300 && c.conversationId === personalConversationId(user) && isCaseCard(c));
}

/** Every in-place update (updateActivity: PUT of one activity id) of a conversation's message, as card text. */
function updatesOfActivity(conversationId: string, activityId: string): string[] {
  return h.connector.calls.filter((c) => c.method === 'PUT' && c.status < 300 && c.conversationId === conversationId && c.activityId === activityId).map((c) => joined(cardOf(c.body)));
}

describe('the live case cards and the channel card follow the referral, updated in place', () => {
  it('through take-on, booking and confirmation: the same messages are updated (updateActivity), each time with the new state', async () => {
    // The SMW'er sends from the review card; that message becomes their case card.
    const before = h.connector.calls.length;
    await openForm(smw);
    const formMessage = h.connector.calls.slice(before).find((c) => c.method === 'POST' && c.conversationId === personalConversationId(smw) && c.responseId)!;
    const smwCardId = formMessage.responseId!;
    const review = await fillAll(smw);
    const answer = invokeCard(await click(smw, review, VERBS.submit, {}, h.bot, undefined, smwCardId));
    expect(joined(answer)).toContain('Verstuurd naar Wijkteam Feijenoord');
    expect(joined(answer)).toContain('Aanmelding oppakken');
    await effectsSettled(h.bot);
    const smwChat = personalConversationId(smw);
    const afterSubmit = updatesOfActivity(smwChat, smwCardId);
    expect(afterSubmit.at(-1)).toContain('afgeleverd in het kanaal van het wijkteam');
    expect(afterSubmit.at(-1)).toContain('Verstuurd, wacht op wijkteam');
    expect(afterSubmit.at(-1)).toMatch(/Aanmelding accepteren: nog 5 werkdagen/);
    // Not posted anew: the SMW'er keeps one case card.
    expect(caseCardPost(smw)).toBeUndefined();

    const post = postsIn(feijenoordChannel).at(-1)!;
    const channelCard = cardOf(post.body);
    const referralId = String(action(channelCard, VERBS.intakeTakeOn).data.referralId);

    // Take-on: the casusregisseur gets a case card of their own (posted once).
    await click(karim, channelCard, VERBS.intakeTakeOn, {}, h.bot, channelConversation(feijenoordChannel), post.responseId);
    await effectsSettled(h.bot);
    expect(updatesOfActivity(smwChat, smwCardId).at(-1)).toContain('Opgepakt door casusregisseur');
    expect(updatesOfActivity(smwChat, smwCardId).at(-1)).toContain('Warme overdracht plannen');
    const karimPost = caseCardPost(karim)!;
    expect(karimPost).toBeDefined();
    const karimCardId = karimPost.responseId!;
    expect(joined(cardOf(karimPost.body))).toContain('Opgepakt door casusregisseur');
    const stored = async () => (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
    expect((await stored()).caseCards?.map((c) => [c.aadObjectId, c.activityId])).toEqual([
      [smw.aadObjectId, smwCardId],
      [karim.aadObjectId, karimCardId],
    ]);
    const channelAfterTakeOn = updatesOfActivity(feijenoordChannel, post.responseId!).at(-1);
    expect(channelAfterTakeOn).toContain('Casusregisseur: Karim Wijkteam');
    expect(channelAfterTakeOn).not.toContain('Nieuwe aanmelding');

    // Planning and booking.
    const smwPlanning = lastCardTo(h, smw);
    const karimPlanning = h.connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && c.conversationId === personalConversationId(karim) && !isCaseCard(c) && JSON.stringify(c.body).includes('Warme overdracht plannen')).at(-1)!;
    await clickAndWait(smw, smwPlanning.card, VERBS.handoverPlan, PLAN, smwPlanning.activityId);
    await effectsSettled(h.bot);
    const proposals = updatesOf(h, karim, karimPlanning.responseId!).at(-1);
    await clickAndWait(karim, proposals, VERBS.handoverBook, {}, karimPlanning.responseId!);
    await effectsSettled(h.bot);
    expect((await stored()).state).toBe('handoverScheduled');
    expect(updatesOfActivity(smwChat, smwCardId).at(-1)).toContain('Warme overdracht gepland');
    expect(updatesOfActivity(personalConversationId(karim), karimCardId).at(-1)).toContain('Warme overdracht op');
    expect(updatesOfActivity(feijenoordChannel, post.responseId!).at(-1)).toContain('Casusregisseur: Karim Wijkteam · Warme overdracht gepland');

    // Confirming the agreements.
    // The casusregisseur opens the agreements from their case card.
    const karimCase = h.connector.calls.filter((c) => c.method === 'PUT' && c.status < 300 && c.activityId === karimCardId).at(-1)!;
    const form = invokeCard(await click(karim, cardOf(karimCase.body), VERBS.agreementsOpen));
    await click(karim, form, VERBS.agreementsConfirm, AGREEMENTS);
    await effectsSettled(h.bot); // the deliveries and reminders are effects of the confirmation
    await effectsSettled(h.bot);
    expect((await stored()).state).toBe('agreementsConfirmed');
    const smwFinal = updatesOfActivity(smwChat, smwCardId).at(-1);
    expect(smwFinal).toContain('Afspraken bevestigd');
    expect(smwFinal).toContain('Volgende afspraak op donderdag 10 december 2026');
    const karimUpdates = updatesOfActivity(personalConversationId(karim), karimCardId);
    expect(karimUpdates.at(-1)).toContain('Afspraken bevestigd');
    expect(updatesOfActivity(feijenoordChannel, post.responseId!).at(-1)).toContain('Casusregisseur: Karim Wijkteam · Afspraken bevestigd');

    // Still one case card per person: every change went to the same two messages.
    expect(h.connector.calls.filter((c) => c.method === 'POST' && c.status < 300 && isCaseCard(c) && JSON.stringify(c.body).includes(referralId))).toHaveLength(1);
    const smwStates = updatesOfActivity(smwChat, smwCardId).map((t) => ['Verstuurd, wacht op wijkteam', 'Opgepakt door casusregisseur', 'Warme overdracht gepland', 'Afspraken bevestigd'].find((s) => t.includes(s)));
    expect([...new Set(smwStates)]).toEqual(['Verstuurd, wacht op wijkteam', 'Opgepakt door casusregisseur', 'Warme overdracht gepland', 'Afspraken bevestigd']);
  }, 60_000);
});
