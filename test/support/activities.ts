import { randomUUID } from 'node:crypto';

/** A Teams user as activities carry them. */
export interface TeamsUser {
  aadObjectId: string;
  /** Teams user id `29:…`. */
  id: string;
  name: string;
  tenantId: string;
  locale?: string;
}

/** What the access gate answers to a refused action or command (it names nothing of the referral). */
export const REFUSED = 'geen toegang';

export const TENANT = '72f988bf-0000-4000-8000-00000000aa01';
export const BOT = { id: '28:00000000-0000-4000-8000-00000000b071', name: 'Schakel' };

export function makeUser(name: string, overrides: Partial<TeamsUser> = {}): TeamsUser {
  const aadObjectId = overrides.aadObjectId ?? randomUUID();
  return { aadObjectId, id: `29:${aadObjectId}`, name, tenantId: TENANT, locale: 'nl-NL', ...overrides };
}

/** The personal conversation id Teams would use between the bot and this user. */
export function personalConversationId(user: TeamsUser): string {
  return `a:personal-${user.aadObjectId}`;
}

function base(user: TeamsUser, serviceUrl: string, conversation: Record<string, unknown>) {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    serviceUrl,
    channelId: 'msteams',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation,
    recipient: BOT,
    locale: user.locale ?? 'nl-NL',
    entities: [{ type: 'clientInfo', locale: user.locale ?? 'nl-NL', country: 'NL', platform: 'Web', timezone: 'Europe/Amsterdam' }],
    channelData: { tenant: { id: user.tenantId } },
  };
}

export function personalConversation(user: TeamsUser) {
  return { conversationType: 'personal', tenantId: user.tenantId, id: personalConversationId(user) };
}

/** A message typed in the 1:1 chat with the bot. */
export function message(user: TeamsUser, text: string, serviceUrl: string, conversation = personalConversation(user)) {
  return { ...base(user, serviceUrl, conversation), type: 'message', textFormat: 'plain', text };
}

/** An `Action.Execute` click as Teams sends it: an invoke `adaptiveCard/action`. */
export function cardAction(
  user: TeamsUser,
  verb: string,
  data: Record<string, unknown>,
  serviceUrl: string,
  options: { conversation?: Record<string, unknown>; replyToId?: string; trigger?: 'manual' | 'automatic' } = {},
) {
  return {
    ...base(user, serviceUrl, options.conversation ?? personalConversation(user)),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: options.replyToId ?? `1:${randomUUID()}`,
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: options.trigger ?? 'manual' },
  };
}

/** The app was installed (or removed) for a user. */
export function installationUpdate(user: TeamsUser, serviceUrl: string, action: 'add' | 'remove' = 'add') {
  return { ...base(user, serviceUrl, personalConversation(user)), type: 'installationUpdate', action };
}

/** The bot was added to a team: Teams sends conversationUpdate in the General channel. */
export function botAddedToTeam(user: TeamsUser, serviceUrl: string, team: { id: string; name: string }, channelId = team.id) {
  const activity = base(user, serviceUrl, { conversationType: 'channel', tenantId: user.tenantId, id: `${channelId};messageid=1`, isGroup: true });
  return {
    ...activity,
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    channelData: { tenant: { id: user.tenantId }, team: { id: team.id, name: team.name }, channel: { id: channelId }, eventType: 'teamMemberAdded' },
  };
}

/** A message in a team channel (the bot is @mentioned). */
export function channelMessage(user: TeamsUser, text: string, serviceUrl: string, team: { id: string; name: string }, channelId: string) {
  const activity = base(user, serviceUrl, { conversationType: 'channel', tenantId: user.tenantId, id: `${channelId};messageid=${Date.now()}`, isGroup: true });
  return {
    ...activity,
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    entities: [...activity.entities, { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
    channelData: { tenant: { id: user.tenantId }, team: { id: team.id, name: team.name }, channel: { id: channelId } },
  };
}
