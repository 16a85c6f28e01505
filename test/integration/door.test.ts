import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, installationUpdate, makeUser, message, personalConversationId } from '../support/activities.js';
import { errorBeside, input, invokeCard, invokeMessage } from '../support/cards.js';
import { FORM } from '../support/factories.js';
import { startBot, startHarness, type Harness } from '../support/harness.js';
import { referralFlow } from '../support/referralFlow.js';

let h: Harness;
const flow = referralFlow(() => h);
const smw = makeUser('Sanne Smit');
const WARN = 40;
const ERROR = 50;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(h.bot.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, text: await r.text() }));

async function storedReference(user: { aadObjectId: string }) {
  const cosmos = h.bot.schakel.store;
  const { resource } = await cosmos.containers.conversations.item(`personal:${user.aadObjectId}`, user.aadObjectId).read();
  return resource as Record<string, unknown> | undefined;
}

describe('the door refuses malformed activities with 400 and a neutral body', () => {
  const cases: [string, (a: Record<string, unknown>) => void][] = [
    ['serviceUrl not a string', (a) => (a.serviceUrl = true)],
    ['serviceUrl not a URL', (a) => (a.serviceUrl = 'not a url')],
    ['locale not a string', (a) => (a.locale = true)],
    ['locale too long', (a) => (a.locale = 'x'.repeat(21))],
    ['no type', (a) => delete a.type],
    ['type not a string', (a) => (a.type = 42)],
    ['text over 28 KB', (a) => (a.text = 'a'.repeat(28_001))],
    ['no conversation', (a) => delete a.conversation],
    ['from not an object', (a) => (a.from = 'x')],
    ['id too long', (a) => (a.id = 'i'.repeat(600))],
    ['expectReplies delivery', (a) => (a.deliveryMode = 'expectReplies')],
  ];
  for (const [name, mutate] of cases) {
    it(name, async () => {
      const activity = message(smw, 'help', h.connector.url) as Record<string, unknown>;
      mutate(activity);
      const calls = h.connector.calls.length;
      const res = await post(JSON.stringify(activity));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toEqual({ error: 'bad request' });
      expect(h.connector.calls.length).toBe(calls);
    });
  }

  it('bad JSON → 400, too large → 413; logged as warnings, never as errors, without exception text', async () => {
    const errorsBefore = h.bot.logs.lines.filter((l) => l.level >= ERROR).length;
    const bad = await post('{"type": "message",');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ error: 'bad request' });
    const big = await post(JSON.stringify({ ...message(smw, 'help', h.connector.url), channelData: { pad: 'x'.repeat(1_100_000) } }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toEqual({ error: 'payload too large' });
    expect(h.bot.logs.lines.filter((l) => l.level >= ERROR).length).toBe(errorsBefore);
    expect(h.bot.logs.find('client error at the door').filter((l) => l.level === WARN).length).toBeGreaterThanOrEqual(2);
    for (const text of [bad.text, big.text]) expect(text).not.toMatch(/Unexpected|JSON at position|entity too large|stack/i);
  });

  it('a body that is not JSON at all, or JSON that is not an object: 400', async () => {
    const plain = await fetch(h.bot.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'help' });
    expect(plain.status).toBe(400);
    for (const body of ['null', '[]', '42', '"message"']) expect((await post(body)).status, body).toBe(400);
  });
});

describe('unknown invokes get the Teams-conventional answer', () => {
  it('an unknown Action.Execute verb: 200 with a short Dutch message', async () => {
    const res = await h.bot.send(cardAction(smw, 'random.verb', { x: 1 }, h.connector.url));
    expect(res.status).toBe(200);
    expect(invokeMessage(res.body)).toContain('niet herkend');
  });

  it('task/fetch, composeExtension/query and any other invoke: 200, no 501', async () => {
    const base = cardAction(smw, 'x', {}, h.connector.url);
    const task = await h.bot.send({ ...base, name: 'task/fetch', value: { data: {} } });
    expect(task).toMatchObject({ status: 200, body: { task: { type: 'message' } } });
    const query = await h.bot.send({ ...base, name: 'composeExtension/query', value: { commandId: 'x' } });
    expect(query).toMatchObject({ status: 200, body: { composeExtension: { type: 'result', attachments: [] } } });
    const other = await h.bot.send({ ...base, name: 'something/else', value: 1 });
    expect(other.status).toBe(200);
  });
});

describe('trusted service URLs', () => {
  it('spoofed serviceUrl: a help with the SMW\'er\'s id from an outside host is refused and does not replace her conversation', async () => {
    const sanne = makeUser('Sanne Spoof');
    expect((await h.bot.send(installationUpdate(sanne, h.connector.url))).status).toBe(200);
    const before = await storedReference(sanne);
    expect(before).toMatchObject({ serviceUrl: h.connector.url, conversationId: personalConversationId(sanne) });
    const calls = h.connector.calls.length;
    const spoof = message(sanne, 'help', 'http://evil.example/', { conversationType: 'personal', tenantId: sanne.tenantId, id: 'a:attacker-chat' });
    const res = await h.bot.send(spoof);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad request' });
    // Another loopback port is fine in anonymous mode only for loopback; a public host never.
    const after = await storedReference(sanne);
    expect(after?.serviceUrl).toBe(h.connector.url);
    expect(after?.conversationId).toBe(personalConversationId(sanne));
    expect(after?.updatedAt).toBe(before?.updatedAt);
    expect(h.connector.calls.length).toBe(calls);
    expect(h.bot.logs.find('activity refused at the door').some((l) => l.reason === 'untrusted serviceUrl')).toBe(true);
  });

  it('refuses look-alike hosts and URLs with credentials in anonymous mode', async () => {
    for (const url of ['http://127.0.0.1.evil.example/', 'http://user:pw@127.0.0.1:1/', 'ftp://127.0.0.1/', 'http://10.0.0.1/']) {
      expect((await h.bot.send(message(smw, 'help', url))).status, url).toBe(400);
    }
  });
});

describe('request budgets at the door', () => {
  it('past the per-user budget: 429 with Retry-After; other users and /healthz still answer', async () => {
    const bot = await startBot(h.cosmos.endpoint, h.database, { DOOR_USER_REQUESTS_PER_MINUTE: '3' });
    try {
      const noisy = makeUser('Druk');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await bot.send(cardAction(noisy, 'random.verb', {}, h.connector.url))).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const res = await fetch(bot.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cardAction(noisy, 'random.verb', {}, h.connector.url)) });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await bot.send(cardAction(makeUser('Rustig'), 'random.verb', {}, h.connector.url))).status).toBe(200);
      expect((await fetch(`${bot.schakel.url}/healthz`)).status).toBe(200);
    } finally {
      await bot.stop();
    }
  });

  it('past the per-IP budget: 429 whoever the user is', async () => {
    const bot = await startBot(h.cosmos.endpoint, h.database, { DOOR_IP_REQUESTS_PER_MINUTE: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await bot.send(cardAction(makeUser(`U${i}`), 'random.verb', {}, h.connector.url))).status);
      expect(statuses).toEqual([200, 200, 429, 429]);
      for (let i = 0; i < 3; i++) expect((await fetch(`${bot.schakel.url}/healthz`)).status).toBe(200);
    } finally {
      await bot.stop();
    }
  });
});

describe('field limits on the form', () => {
  it('a 200 KB paste into one field is answered on the same card: "Maximaal N tekens" beside it, the rest kept', async () => {
    const card = await flow.openForm(smw);
    const paste = 'Lorem ipsum "dolor" sit amet\n'.repeat(7_100); // ~200 KB
    expect(paste.length).toBeGreaterThan(200_000);
    const body = await flow.click(smw, card, VERBS.sectionSave, { ...FORM.pupil, school: paste });
    const again = invokeCard(body);
    expect(JSON.stringify(again).length).toBeLessThan(80 * 1024);
    expect(errorBeside(again, 'school')).toBe('Maximaal 150 tekens.');
    expect(String(input(again, 'school').value)).toBe(paste.slice(0, 150));
    expect(input(again, 'firstNames').value).toBe(FORM.pupil.firstNames);
    expect(input(again, 'surname').value).toBe(FORM.pupil.surname);
    expect(input(again, 'postcode').value).toBe(FORM.pupil.postcode);
    expect(h.bot.logs.lines.filter((l) => l.level >= ERROR && /too large|CardTooLarge/i.test(JSON.stringify(l)))).toEqual([]);
  });

  it('an over-long choice value is cut on the card too, with the limit beside it', async () => {
    const card = await flow.openForm(smw);
    const again = invokeCard(await flow.click(smw, card, VERBS.sectionSave, { ...FORM.pupil, gender: 'x'.repeat(100_000) }));
    expect(JSON.stringify(again).length).toBeLessThan(80 * 1024);
    expect(errorBeside(again, 'gender')).toMatch(/^Maximaal \d+ tekens\.$/);
    expect(input(again, 'school').value).toBe(FORM.pupil.school);
  });
});

describe('configuration of the door', () => {
  it('anonymous mode listens on loopback', () => {
    expect(new URL(h.bot.schakel.url).hostname).toBe('127.0.0.1');
  });
});

