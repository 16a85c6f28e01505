import { expect } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { botAddedToTeam, cardAction, channelMessage, message, personalConversationId, TENANT, type TeamsUser } from './activities.js';
import { action, cardOf, invokeCard, texts } from './cards.js';
import { FORM } from './factories.js';
import type { ConnectorCall } from './fakeConnector.js';
import { effectsSettled, type Harness } from './harness.js';

/** The two wijkteams of the district table the tests use, each with its own channel. */
export const feijenoord = { id: '19:team-feijenoord@thread.tacv2', name: 'Wijkteam Feijenoord' };
export const charlois = { id: '19:team-charlois@thread.tacv2', name: 'Wijkteam Charlois' };
export const feijenoordChannel = '19:aanmeldingen-feijenoord@thread.tacv2';
export const charloisChannel = '19:aanmeldingen-charlois@thread.tacv2';

export const channelConversation = (channelId: string) => ({ conversationType: 'channel', tenantId: TENANT, id: `${channelId};messageid=1`, isGroup: true });

type Bot = Harness['bot'];

/** Adds the bot to both wijkteams' teams and links their channels, as a coordinator would. */
export async function linkWijkteams(h: Harness, coordinator: TeamsUser): Promise<void> {
  for (const [team, channel, name] of [[feijenoord, feijenoordChannel, 'Feijenoord'], [charlois, charloisChannel, 'Charlois']] as const) {
    await h.bot.send(botAddedToTeam(coordinator, h.connector.url, team, channel));
    const res = await h.bot.send(channelMessage(coordinator, `koppel wijkteam ${name}`, h.connector.url, team, channel));
    expect(res.status).toBe(200);
  }
}

/**
 * The steps of an aanmelding over HTTP, for a harness that is created later (`harness()` is read
 * at each call, so a test may replace `h.bot`).
 */
export function referralFlow(harness: () => Harness) {
  async function openForm(user: TeamsUser, bot: Bot = harness().bot) {
    const h = harness();
    const command = message(user, 'aanmelden', h.connector.url);
    await bot.send(command);
    // The reply to the command, not a message the runner sent to the same chat meanwhile.
    const sent = h.connector.sent(personalConversationId(user));
    return cardOf([...sent].reverse().find((a) => (a as { replyToId?: string }).replyToId === command.id) ?? sent.at(-1));
  }

  /** Clicks an Action.Execute of a card with the given inputs; returns the card (or message) that comes back. */
  async function click(user: TeamsUser, card: unknown, verb: string, inputs: Record<string, string> = {}, bot: Bot = harness().bot, conversation?: Record<string, unknown>, replyToId?: string) {
    const res = await bot.send(cardAction(user, verb, { ...action(card, verb).data, ...inputs }, harness().connector.url, { conversation, replyToId }));
    expect(res.status).toBe(200);
    return res.body;
  }

  /**
   * A click whose work runs after its answer (searching times, booking): clicks on the message
   * `activityId`, waits until the effects are carried out, and returns the card as it then stands
   * in place of that message (its last update), or the click's own answer when nothing updated it.
   */
  async function clickAndWait(user: TeamsUser, card: unknown, verb: string, inputs: Record<string, string>, activityId: string, conversation?: Record<string, unknown>) {
    const h = harness();
    const before = h.connector.calls.length;
    const body = await click(user, card, verb, inputs, h.bot, conversation, activityId);
    await effectsSettled(h.bot);
    const update = h.connector.calls.slice(before).filter((c) => c.method === 'PUT' && c.status < 300 && c.activityId === activityId).at(-1);
    return update ? (update.body.attachments as { content: Record<string, unknown> }[])[0]!.content : invokeCard(body);
  }

  /** Fills all five sections; returns the review card. */
  async function fillAll(user: TeamsUser, overrides: Partial<Record<keyof typeof FORM, Record<string, string>>> = {}) {
    let card: unknown = await openForm(user);
    for (const section of ['pupil', 'parents', 'request', 'safety', 'consent'] as const) {
      card = invokeCard(await click(user, card, VERBS.sectionSave, { ...FORM[section], ...overrides[section] }));
    }
    return card;
  }

  const postsIn = (channelId: string): ConnectorCall[] => harness().connector.calls.filter((c) => c.method === 'POST' && c.conversationId === channelId && c.status < 300);

  /** Fills and sends an aanmelding that routes to Feijenoord; returns the channel post and its card. */
  async function submitted(user: TeamsUser, overrides: Partial<Record<keyof typeof FORM, Record<string, string>>> = {}) {
    const review = await fillAll(user, overrides);
    const before = postsIn(feijenoordChannel).length;
    const done = invokeCard(await click(user, review, VERBS.submit));
    expect(texts(done).join(' ')).toContain('Verstuurd naar Wijkteam Feijenoord');
    // The intake card is an effect: carried out right after the commit, in the background.
    await effectsSettled(harness().bot);
    const posts = postsIn(feijenoordChannel);
    expect(posts.length).toBe(before + 1);
    const post = posts.at(-1)!;
    return { post, card: cardOf(post.body) };
  }

  /** An aanmelding taken on by `member` of Feijenoord; returns its id and number. */
  async function takenOn(smw: TeamsUser, member: TeamsUser, overrides: Partial<Record<keyof typeof FORM, Record<string, string>>> = {}) {
    const { post, card } = await submitted(smw, overrides);
    const referralId = String(action(card, VERBS.intakeTakeOn).data.referralId);
    const number = /AM-[0-9A-Z]{6}/.exec(JSON.stringify(post.body))![0];
    const taken = invokeCard(await click(member, card, VERBS.intakeTakeOn, {}, harness().bot, channelConversation(feijenoordChannel), post.responseId));
    expect(texts(taken).join(' ')).toContain(`Casusregisseur: ${member.name}`);
    // What follows the take-on (channel card, the SMW'er's message, reminders, planning cards) are effects.
    await effectsSettled(harness().bot);
    // The channel card no longer calls itself new once someone took it on.
    expect(texts(taken)[0]).toBe(`Aanmelding ${number}`);
    return { referralId, number };
  }

  return { openForm, click, clickAndWait, fillAll, postsIn, submitted, takenOn };
}
