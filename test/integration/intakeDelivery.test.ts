import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { botAddedToTeam, channelMessage, installationUpdate, makeUser, personalConversationId } from '../support/activities.js';
import { action, cardOf, invokeCard, texts } from '../support/cards.js';
import type { ConnectorCall } from '../support/fakeConnector.js';
import { effectsSettled, startHarness, type Harness } from '../support/harness.js';
import { channelConversation, feijenoord, feijenoordChannel, linkWijkteams, referralFlow } from '../support/referralFlow.js';

const coordinator = makeUser('Coördinator Servicepunt');
const smw = makeUser('Sanne Smit');
const karim = makeUser('Karim Wijkteam');
let h: Harness;
const { openForm, click, fillAll, postsIn } = referralFlow(() => h);

beforeAll(async () => {
  // Fast retries so the test sees several attempts; at most 4 before giving up.
  h = await startHarness({ env: { COORDINATOR_AAD_IDS: coordinator.aadObjectId, EFFECTS_RETRY_BASE_MS: '300', EFFECTS_RETRY_MAX_MS: '600', EFFECTS_MAX_ATTEMPTS: '8', EFFECTS_INTERVAL_MS: '100' } });
  h.connector.rosters.set(feijenoord.id, [{ id: karim.id, aadObjectId: karim.aadObjectId, name: karim.name }]);
  await linkWijkteams(h, coordinator);
  await h.bot.send(installationUpdate(smw, h.connector.url));
});
afterAll(async () => {
  await h?.stop();
});

/** Fails posts into the Feijenoord channel while `failing` holds; counts the refusals. */
function failChannelPosts(failing: () => boolean) {
  let refused = 0;
  h.connector.policy = (req) => {
    if (req.method !== 'POST' || !decodeURIComponent(req.path).includes(feijenoordChannel) || !failing()) return undefined;
    refused++;
    return { status: 500 };
  };
  return () => refused;
}

/** The SMW'er's card as it was updated in place (PUT of the clicked card's activity), in order. */
const cardUpdates = (activityId: string) =>
  h.connector.calls
    .filter((c: ConnectorCall) => c.method === 'PUT' && c.conversationId === personalConversationId(smw) && c.activityId === activityId && c.status < 300)
    .map((c) => texts(cardOf(c.body)).join(' '));

/** Opens the form (remembering its message id, as Teams sends it back as replyToId) and fills it. */
async function reviewWithCardId() {
  const before = h.connector.calls.length;
  await openForm(smw);
  const formPost = h.connector.calls.slice(before).find((c) => c.method === 'POST' && c.conversationId === personalConversationId(smw) && c.responseId);
  const review = await fillAll(smw);
  return { review, cardId: String(formPost?.responseId) };
}

describe('the intake card is an effect: committed with the submit, delivered by the runner, shown truthfully', () => {
  it('the channel answers 500 for a while: the SMW\'er sees "nog niet afgeleverd", then "afgeleverd"; the card is posted exactly once', async () => {
    let failing = true;
    const refused = failChannelPosts(() => failing);
    const { review, cardId } = await reviewWithCardId();
    const postsBefore = postsIn(feijenoordChannel).length;

    const answer = invokeCard(await click(smw, review, VERBS.submit, {}, h.bot, undefined, cardId));
    expect(texts(answer).join(' ')).toContain('Verstuurd naar Wijkteam Feijenoord — kaart wordt afgeleverd');

    await h.connector.waitFor(() => cardUpdates(cardId).some((t) => t.includes('nog niet afgeleverd')));
    // Pressing Versturen again while it fails never claims a delivered card.
    const again = texts(invokeCard(await click(smw, review, VERBS.submit, {}, h.bot, undefined, cardId))).join(' ');
    expect(again).toContain('nog niet afgeleverd');
    expect(again).not.toContain('afgeleverd in het kanaal');

    await h.connector.waitFor(() => refused() >= 2);
    failing = false;
    await h.connector.waitFor(() => cardUpdates(cardId).some((t) => t.includes('afgeleverd in het kanaal')), 10_000);
    await effectsSettled(h.bot);

    expect(postsIn(feijenoordChannel).length).toBe(postsBefore + 1);
    const updates = cardUpdates(cardId);
    expect(updates.findIndex((t) => t.includes('nog niet afgeleverd'))).toBeLessThan(updates.findIndex((t) => t.includes('afgeleverd in het kanaal')));

    const referralId = String(action(review, VERBS.submit).data.referralId);
    const stored = await h.bot.schakel.deps.referrals.get(referralId);
    expect(stored?.doc.intakePost?.activityId).toBe(postsIn(feijenoordChannel).at(-1)?.responseId);
    expect(stored?.doc.outbox?.entries).toEqual([]);
    expect(stored?.doc.outbox?.nextAt).toBeUndefined();
    const timeline = (await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action);
    expect(timeline).toEqual(['submitted', 'intakePosted']);
    // Done effects never run again: a later pass of the loop finds nothing to do.
    expect(await h.bot.schakel.effects.tick()).toBe(0);
    expect(postsIn(feijenoordChannel).length).toBe(postsBefore + 1);
    h.connector.policy = undefined;
  });

  it('a channel that keeps failing: the SMW\'er is told what to do, the timeline says so, and nothing claims it was delivered', async () => {
    failChannelPosts(() => true);
    const { review, cardId } = await reviewWithCardId();
    const postsBefore = postsIn(feijenoordChannel).length;
    await click(smw, review, VERBS.submit, {}, h.bot, undefined, cardId);
    await h.connector.waitFor(() => cardUpdates(cardId).some((t) => t.includes('niet afgeleverd in het kanaal')), 10_000);
    await effectsSettled(h.bot);
    h.connector.policy = undefined;

    const last = cardUpdates(cardId).at(-1) ?? '';
    expect(last).toContain('De coördinator is ingelicht');
    expect(last).toMatch(/AM-[0-9A-Z]{6}/);
    expect(postsIn(feijenoordChannel).length).toBe(postsBefore);
    const referralId = String(action(review, VERBS.submit).data.referralId);
    const stored = await h.bot.schakel.deps.referrals.get(referralId);
    expect(stored?.doc.intakePost).toBeUndefined();
    expect(stored?.doc.outbox?.effects.find((e) => e.kind === 'postIntakeCard')?.state).toMatchObject({ status: 'failed', reason: 'http500:Injected' });
    expect((await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action)).toEqual(['submitted', 'intakePostFailed']);
  });
});

describe('take-on is answered from the committed state; what follows is carried out after the click', () => {
  it('Teams answers 500 to the channel and the 1:1 chats: the click still answers at once; once Teams recovers the channel card, the SMW\'er\'s message and both planning cards arrive, each once', async () => {
    await h.bot.send(installationUpdate(karim, h.connector.url));
    const { review } = await reviewWithCardId();
    await click(smw, review, VERBS.submit);
    await effectsSettled(h.bot);
    const post = postsIn(feijenoordChannel).at(-1)!;
    const referralId = String(action(review, VERBS.submit).data.referralId);
    const chats = [personalConversationId(smw), personalConversationId(karim)];
    let failing = true;
    let refused = 0;
    h.connector.policy = (req) => {
      const path = decodeURIComponent(req.path);
      const target = (req.method === 'PUT' && path.includes(feijenoordChannel)) || ((req.method === 'POST' || req.method === 'PUT') && chats.some((c) => path.includes(c)));
      if (!failing || !target) return undefined;
      refused++;
      return { status: 500 };
    };
    try {
      const from = h.connector.calls.length;
      // The answer needs no Teams call: every call to the channel and the chats fails until recovery below.
      const answer = invokeCard(await click(karim, cardOf(post.body), VERBS.intakeTakeOn, {}, h.bot, channelConversation(feijenoordChannel), post.responseId));
      expect(texts(answer).join(' ')).toContain('Casusregisseur: Karim Wijkteam');
      expect((await h.bot.schakel.deps.referrals.get(referralId))?.doc.state).toBe('accepted');
      // Guards only (a busy machine is slow): nothing is timed.
      await h.connector.waitFor(() => refused >= 3, 30_000);
      expect(h.connector.calls.slice(from).filter((c) => c.status < 300 && (c.method === 'PUT' || chats.includes(c.conversationId ?? '')))).toEqual([]);
      failing = false;
      for (const until = Date.now() + 45_000; (await h.bot.schakel.deps.referrals.get(referralId))?.doc.outbox?.nextAt !== undefined; ) {
        if (Date.now() > until) throw new Error('effects of the take-on not carried out within 45 s');
        await new Promise((r) => setTimeout(r, 50));
      }
      await effectsSettled(h.bot);
    } finally {
      h.connector.policy = undefined;
    }
    const ok = (c: ConnectorCall) => c.status < 300;
    const channelUpdates = h.connector.calls.filter((c) => ok(c) && c.method === 'PUT' && c.activityId === post.responseId);
    expect(channelUpdates).toHaveLength(1);
    expect(texts(cardOf(channelUpdates[0]!.body)).join(' ')).toContain('Casusregisseur: Karim Wijkteam');
    const toSmw = h.connector.sent(personalConversationId(smw)).filter((a) => String(a.text ?? '').includes('Casusregisseur: **Karim Wijkteam**'));
    expect(toSmw).toHaveLength(1);
    const doc = (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
    expect(doc.handover?.cards.map((c) => c.aadObjectId).sort()).toEqual([smw.aadObjectId, karim.aadObjectId].sort());
    for (const user of [smw, karim]) {
      // The planning card (the live case card names the same next step: not counted here).
      const planning = h.connector.calls.filter((c) => ok(c) && c.method === 'POST' && c.conversationId === personalConversationId(user) && JSON.stringify(c.body).includes('Warme overdracht plannen') && JSON.stringify(c.body).includes(doc.number) && !JSON.stringify(c.body).includes('"id":"case:'));
      expect(planning, user.name).toHaveLength(1);
    }
    expect((await h.bot.schakel.deps.referrals.entries(referralId, 'timeline')).map((e) => e.action)).toEqual(['submitted', 'intakePosted', 'accepted', 'handover.offered']);
  });

  it('submitted before its wijkteam\'s channel is linked: nothing is posted or claimed; once a coordinator links the channel the runner posts the card, once', async () => {
    const team = { id: '19:team-delfshaven@thread.tacv2', name: 'Wijkteam Delfshaven' };
    const channel = '19:aanmeldingen-delfshaven@thread.tacv2';
    const review = await fillAll(smw, { pupil: { postcode: '3021ab' } });
    const referralId = String(action(review, VERBS.submit).data.referralId);
    await click(smw, review, VERBS.submit);
    await effectsSettled(h.bot);
    const waiting = (await h.bot.schakel.deps.referrals.get(referralId))!.doc;
    expect(waiting.state).toBe('submitted');
    expect(waiting.intakePost).toBeUndefined();
    expect(postsIn(channel)).toHaveLength(0);
    await h.bot.send(botAddedToTeam(coordinator, h.connector.url, team, channel));
    await h.bot.send(channelMessage(coordinator, 'koppel wijkteam Delfshaven', h.connector.url, team, channel));
    await effectsSettled(h.bot);
    const posted = postsIn(channel).filter((c) => JSON.stringify(c.body).includes(waiting.number));
    expect(posted).toHaveLength(1);
    expect((await h.bot.schakel.deps.referrals.get(referralId))!.doc.intakePost).toMatchObject({ wijkteamId: 'wt-delfshaven', conversationId: channel, activityId: posted[0]!.responseId });
    // Linking again posts nothing twice.
    await h.bot.send(channelMessage(coordinator, 'koppel wijkteam Delfshaven', h.connector.url, team, channel));
    await effectsSettled(h.bot);
    expect(postsIn(channel).filter((c) => JSON.stringify(c.body).includes(waiting.number))).toHaveLength(1);
  });
});
