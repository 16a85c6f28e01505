import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { LOCAL_COSMOS_KEY } from '../../src/store/localCosmos.js';
import { REFUSED, cardAction, installationUpdate, makeUser, message, personalConversationId } from '../support/activities.js';
import { action, cardOf, errorBeside, input, invokeCard, invokeMessage, texts } from '../support/cards.js';
import { startBot, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let cosmos: CosmosClient;
const smw = makeUser('Sanne Smit');

const validPupil = {
  firstNames: 'Noa Maria',
  surname: 'de Vries',
  dateOfBirth: '2015-03-14',
  gender: 'meisje',
  postcode: '3011ab',
  houseNumber: '12a',
  school: 'OBS De Regenboog',
  group: 'groep 6',
  homeLanguages: 'Nederlands, Arabisch',
  interpreterNeeded: 'false',
};

beforeAll(async () => {
  h = await startHarness();
  cosmos = new CosmosClient({ endpoint: h.cosmos.endpoint, key: LOCAL_COSMOS_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
});
afterAll(async () => {
  cosmos?.dispose();
  await h?.stop();
});

async function readReferral(id: string) {
  try {
    const { resource } = await cosmos.database(h.database).container('referrals').item(id, id).read();
    return resource as Record<string, unknown> | undefined;
  } catch {
    return undefined;
  }
}

/** Types `aanmelden` and returns the card the bot posted. */
async function startReferral(user = smw) {
  const before = h.connector.sent().length;
  const res = await h.bot.send(message(user, 'aanmelden', h.connector.url));
  expect(res.status).toBe(200);
  const sent = h.connector.sent(personalConversationId(user));
  expect(h.connector.sent().length).toBe(before + 1);
  return cardOf(sent.at(-1));
}

describe('the spine over HTTP', () => {
  it('answers help in Dutch, and in English for an English Teams client', async () => {
    await h.bot.send(message(smw, 'help', h.connector.url));
    expect(String(h.connector.sent().at(-1)?.text)).toContain('aanmelden');
    expect(String(h.connector.sent().at(-1)?.text)).toContain('nieuwe aanmelding');
    await h.bot.send(message(makeUser('Emma', { locale: 'en-US' }), 'help', h.connector.url));
    expect(String(h.connector.sent().at(-1)?.text)).toContain('start a new referral');
  });

  it('shows each person what they may do: coordinator commands only to coordinators, or behind "help alles"', async () => {
    await h.bot.send(message(smw, 'help', h.connector.url));
    const mine = String(h.connector.sent().at(-1)?.text);
    expect(mine).toContain('mijn casussen');
    expect(mine).not.toContain('wijkindeling');
    expect(mine).toContain('help alles');
    await h.bot.send(message(smw, 'help alles', h.connector.url));
    const all = String(h.connector.sent().at(-1)?.text);
    expect(all).toContain('Alleen voor coördinatoren');
    expect(all).toContain('wijkindeling');
  });

  it('points to help when a message is not understood', async () => {
    await h.bot.send(message(smw, 'goedemorgen', h.connector.url));
    expect(String(h.connector.sent().at(-1)?.text)).toContain('help');
  });

  it('posts the first section of the aanmeld card on "aanmelden"', async () => {
    const card = await startReferral();
    expect(card.version).toBe('1.5');
    for (const id of ['firstNames', 'surname', 'dateOfBirth', 'postcode', 'school', 'group']) expect(input(card, id).label).toBeTruthy();
    const save = action(card, VERBS.sectionSave);
    expect(save.data.version).toBe(0);
    expect(save.data.referralId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('returns an invalid submit with errors beside the fields, keeps what was typed and stores nothing', async () => {
    const card = await startReferral();
    const { data } = action(card, VERBS.sectionSave);
    const typed = { ...validPupil, postcode: 'abc', dateOfBirth: '2099-01-01', surname: '' };
    const res = await h.bot.send(cardAction(smw, VERBS.sectionSave, { ...data, ...typed }, h.connector.url));
    expect(res.status).toBe(200);
    const back = invokeCard(res.body);
    expect(errorBeside(back, 'postcode')).toBe('Vul een postcode in als 1234 AB.');
    expect(errorBeside(back, 'dateOfBirth')).toBe('Deze datum mag niet in de toekomst liggen.');
    expect(errorBeside(back, 'surname')).toBe('Dit veld is verplicht.');
    expect(errorBeside(back, 'school')).toBeUndefined();
    expect(input(back, 'postcode').value).toBe('abc');
    expect(input(back, 'firstNames').value).toBe('Noa Maria');
    expect(input(back, 'homeLanguages').value).toBe('Nederlands, Arabisch');
    expect(await readReferral(String(data.referralId))).toBeUndefined();
  });

  it('stores a valid submit as a draft owned by the sender and updates the card in place', async () => {
    const card = await startReferral();
    const { data } = action(card, VERBS.sectionSave);
    const res = await h.bot.send(cardAction(smw, VERBS.sectionSave, { ...data, ...validPupil }, h.connector.url));
    const back = invokeCard(res.body);
    expect(texts(back).some((t) => t.startsWith('Concept opgeslagen om'))).toBe(true);
    expect(action(back, VERBS.sectionSave).data).toMatchObject({ version: 1, section: 'parents' });
    expect(input(back, 'parent0Name').value).toBe('');

    const stored = await readReferral(String(data.referralId));
    expect(stored).toMatchObject({
      state: 'draft',
      version: 1,
      tenantId: smw.tenantId,
      smw: { aadObjectId: smw.aadObjectId },
      sections: { pupil: { surname: 'de Vries', postcode: '3011 AB', interpreterNeeded: false } },
    });
    // A card action is answered in the HTTP response: no connector call for the update.
    expect(h.connector.calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });

  it('lets a second bot instance on the same database continue the draft (no process-local state)', async () => {
    const card = await startReferral();
    const { data } = action(card, VERBS.sectionSave);
    await h.bot.send(cardAction(smw, VERBS.sectionSave, { ...data, ...validPupil }, h.connector.url));
    const second = await h.startInstance();
    const res = await second.send(cardAction(smw, VERBS.sectionSave, { ...data, version: 1, ...validPupil, group: 'groep 7' }, h.connector.url));
    expect(action(invokeCard(res.body), VERBS.sectionSave).data.version).toBe(2);
    expect(await readReferral(String(data.referralId))).toMatchObject({ version: 2, sections: { pupil: { group: 'groep 7' } } });
  });

  it('refuses a stale card without overwriting newer data, and says so', async () => {
    const card = await startReferral();
    const { data } = action(card, VERBS.sectionSave);
    await h.bot.send(cardAction(smw, VERBS.sectionSave, { ...data, ...validPupil }, h.connector.url));
    await h.bot.send(cardAction(smw, VERBS.sectionSave, { ...data, version: 1, ...validPupil, school: 'Nieuwe school' }, h.connector.url));
    const res = await h.bot.send(cardAction(smw, VERBS.sectionSave, { ...data, version: 1, ...validPupil, school: 'Oude kaart' }, h.connector.url));
    const back = invokeCard(res.body);
    expect(texts(back).some((t) => t.includes('verouderd'))).toBe(true);
    expect(input(back, 'school').value).toBe('Nieuwe school');
    expect(action(back, VERBS.sectionSave).data.version).toBe(2);
    expect(await readReferral(String(data.referralId))).toMatchObject({ version: 2, sections: { pupil: { school: 'Nieuwe school' } } });
  });

  it('treats the same submit delivered twice (Teams retry) as one save', async () => {
    const card = await startReferral();
    const { data } = action(card, VERBS.sectionSave);
    const activity = cardAction(smw, VERBS.sectionSave, { ...data, ...validPupil }, h.connector.url);
    const [a, b] = await Promise.all([h.bot.send(activity), h.bot.send(activity)]);
    for (const r of [a, b]) expect(action(invokeCard(r.body), VERBS.sectionSave).data.version).toBe(1);
    expect(await readReferral(String(data.referralId))).toMatchObject({ version: 1 });
  });

  it('refuses a draft change by someone who does not own it, and audits it', async () => {
    const card = await startReferral();
    const { data } = action(card, VERBS.sectionSave);
    await h.bot.send(cardAction(smw, VERBS.sectionSave, { ...data, ...validPupil }, h.connector.url));
    const other = makeUser('Iemand Anders');
    const res = await h.bot.send(cardAction(other, VERBS.sectionSave, { ...data, version: 1, ...validPupil, school: 'Gekaapt' }, h.connector.url));
    expect(invokeMessage(res.body)).toContain(REFUSED);
    expect(await readReferral(String(data.referralId))).toMatchObject({ version: 1, sections: { pupil: { school: validPupil.school } } });
    const { resources } = await cosmos
      .database(h.database)
      .container('referrals')
      .items.query({ query: 'SELECT * FROM c WHERE c.referralId = @id AND c.type = "audit"', parameters: [{ name: '@id', value: String(data.referralId) }] })
      .fetchAll();
    expect(resources.map((r) => [r.action, r.actor])).toContainEqual(['access.refused', other.aadObjectId]);
  });

  it('refuses forged action data and users Teams did not identify, and logs it', async () => {
    const forged = await h.bot.send(cardAction(smw, VERBS.sectionSave, { referralId: 'not-a-uuid', version: 'x' }, h.connector.url));
    expect(invokeMessage(forged.body)).toContain('niet herkend');
    const anonymous = cardAction(smw, VERBS.sectionSave, { referralId: crypto.randomUUID(), version: 0, ...validPupil }, h.connector.url);
    delete (anonymous.from as { aadObjectId?: string }).aadObjectId;
    expect(invokeMessage((await h.bot.send(anonymous)).body)).toContain('niet vaststellen wie u bent');
    expect(h.bot.logs.find('refused malformed card action').length).toBeGreaterThanOrEqual(1);
    expect(h.bot.logs.find('access refused').some((l) => l.actor === null && l.operation === VERBS.sectionSave)).toBe(true);
  });

  it('answers an unknown verb with a short message (not 501) and keeps running', async () => {
    const res = await h.bot.send(cardAction(smw, 'no.such.verb', {}, h.connector.url));
    expect(res.status).toBe(200);
    expect(invokeMessage(res.body)).toContain('niet herkend');
    expect((await fetch(`${h.bot.schakel.url}/healthz`)).status).toBe(200);
  });

  it('stores the conversation reference on install, for proactive messages later', async () => {
    const user = makeUser('Nieuwe SMW');
    await h.bot.send(installationUpdate(user, h.connector.url));
    const { resource } = await cosmos.database(h.database).container('conversations').item(`personal:${user.aadObjectId}`, user.aadObjectId).read();
    expect(resource).toMatchObject({ kind: 'personal', conversationId: personalConversationId(user), serviceUrl: h.connector.url, tenantId: user.tenantId, teamsUserId: user.id, locale: 'nl-NL' });
    expect(String(h.connector.sent(personalConversationId(user)).at(-1)?.text)).toContain('Welkom bij Schakel');
  });

  it('reports health and readiness', async () => {
    expect(await (await fetch(`${h.bot.schakel.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${h.bot.schakel.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('never writes the pupil\'s name, postcode or school into the logs', () => {
    const all = h.bot.logs.raw.join('\n');
    for (const secret of [/\bNoa\b/, /de Vries/, /\b3011 ?AB\b/i, /Regenboog/, /Arabisch/]) expect(all).not.toMatch(secret);
    expect(h.bot.logs.find('referral section saved').length).toBeGreaterThan(0);
  });
});

describe('access at the door', () => {
  it('refuses activities from a tenant that is not allowed, and logs it', async () => {
    const bot = await startBot(h.cosmos.endpoint, h.database, { ALLOWED_TENANT_IDS: 'aaaaaaaa-0000-4000-8000-000000000001' });
    try {
      const res = await bot.send(message(smw, 'help', h.connector.url));
      expect(res.status).toBe(403);
      expect(bot.logs.find('activity from a tenant that is not allowed refused')).toHaveLength(1);
      const today = new Date().toISOString().slice(0, 10);
      await expect.poll(async () => (await bot.schakel.deps.securityLog.day(today)).filter((e) => e.action === 'door' && e.actor === smw.aadObjectId).map((e) => [e.tenantId, e.detail?.reason])).toEqual([[smw.tenantId, 'tenantNotAllowed']]);
      const allowed = await bot.send(message(makeUser('X', { tenantId: 'aaaaaaaa-0000-4000-8000-000000000001' }), 'help', h.connector.url));
      expect(allowed.status).toBe(200);
    } finally {
      await bot.stop();
    }
  });

  it('with a Microsoft app id, refuses a request without a valid token (401)', async () => {
    const bot = await startBot(h.cosmos.endpoint, h.database, {
      MICROSOFT_APP_ID: '00000000-0000-4000-8000-0000000000a1',
      MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
      MICROSOFT_APP_TENANT_ID: smw.tenantId,
      // The fake connector's loopback URL must be trusted, or the door refuses it before the token is checked.
      TRUSTED_SERVICE_URL_HOSTS: '127.0.0.1',
    });
    try {
      const calls = h.connector.calls.length;
      expect((await bot.send(message(smw, 'help', h.connector.url))).status).toBe(401);
      expect((await bot.send(message(smw, 'help', h.connector.url), { authorization: 'Bearer forged.token.value' })).status).toBe(401);
      expect(h.connector.calls.length).toBe(calls);
    } finally {
      await bot.stop();
    }
  });
});
