import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_COMMANDS, type CommandScope } from '../../src/bot/commands.js';
import { t } from '../../src/i18n/index.js';
import { BOT, channelMessage, makeUser, message } from '../support/activities.js';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
const smw = makeUser('Sanne Smit');
const team = { id: '19:wijkteam-feijenoord@thread.tacv2', name: 'Wijkteam Feijenoord' };

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** The command typed where its scope puts it: the 1:1 chat, a team channel, or a group chat (both with an @mention). */
function typed(scope: CommandScope, text: string) {
  if (scope === 'personal') return message(smw, text, h.connector.url);
  if (scope === 'team') return channelMessage(smw, text, h.connector.url, team, '19:aanmeldingen@thread.tacv2');
  const activity = message(smw, `<at>${BOT.name}</at> ${text}`, h.connector.url, { conversationType: 'groupChat', tenantId: smw.tenantId, id: '19:overleg@thread.v2', isGroup: true } as never);
  return { ...activity, entities: [...activity.entities, { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }] };
}

describe('the commands announced in the Teams app manifest', () => {
  const answered = BOT_COMMANDS.flatMap((c) => (c.answered ? c.scopes.map((scope) => [c.title, scope] as const) : []));

  it.each(answered)('"%s" in %s gets an answer, not the "not understood" reply', async (title, scope) => {
    const before = h.connector.sent().length;
    const res = await h.bot.send(typed(scope, title));
    expect(res.status).toBe(200);
    const replies = h.connector.sent().slice(before);
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply.text).not.toBe(t('nl', 'help.unknown'));
  });

  it('the "not understood" reply is what an unknown command gets (the check above can fail)', async () => {
    const before = h.connector.sent().length;
    await h.bot.send(typed('personal', 'onbekend commando'));
    expect(h.connector.sent().slice(before).map((r) => r.text)).toEqual([t('nl', 'help.unknown')]);
  });
});
