import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchakel, type Schakel } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { BOT, makeUser, message, personalConversation } from '../support/activities.js';
import { FakeConnector } from '../support/fakeConnector.js';
import { LogCapture } from '../support/harness.js';

/**
 * The authenticated door, offline: Bot Framework-style tokens signed with a local RSA key, the
 * OpenID metadata and keys served on loopback, the adapter told to check tokens against them.
 */
const APP_ID = '00000000-0000-4000-8000-0000000000a1';
const ISSUER = 'https://api.botframework.com';
const KID = 'local-test-key';

const good = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });

let keys: Server;
let cosmos: LocalCosmosServer;
let connector: FakeConnector;
let schakel: Schakel;
let metadataRequests = 0;

const b64url = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString('base64url');

function token(claims: Record<string, unknown>, key: KeyObject = good.privateKey): string {
  const head = b64url({ alg: 'RS256', typ: 'JWT', kid: KID });
  const body = b64url(claims);
  const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key);
  return `${head}.${body}.${b64url(signature)}`;
}

function claims(serviceUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...overrides };
}

beforeAll(async () => {
  const jwk = good.publicKey.export({ format: 'jwk' });
  keys = createServer((req, res) => {
    const base = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
    metadataRequests++;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openidconfiguration') return res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/keys` }));
    if (req.url === '/keys') return res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => keys.listen(0, '127.0.0.1', r));
  cosmos = await startLocalCosmos();
  connector = await new FakeConnector().start();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_DATABASE: `t-${randomUUID().slice(0, 8)}`,
    SHUTDOWN_GRACE_MS: '1000',
    MICROSOFT_APP_ID: APP_ID,
    MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
    MICROSOFT_APP_TENANT_ID: '72f988bf-0000-4000-8000-00000000aa01',
    // The fake connector is on loopback: listed explicitly, as no production host would be.
    TRUSTED_SERVICE_URL_HOSTS: '127.0.0.1',
  });
  const openIdMetadataUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/.well-known/openidconfiguration`;
  schakel = await startSchakel(config, createLogger('debug', new LogCapture()), { startScheduler: false, channelAuth: { openIdMetadataUrl, tokenIssuer: ISSUER } });
});

afterAll(async () => {
  await schakel?.stop();
  await connector?.stop();
  await cosmos?.close();
  await new Promise<void>((r) => (keys ? keys.close(() => r()) : r()));
});

/** The bot added to a personal chat: stores a conversation reference and calls nobody. */
function install(user: ReturnType<typeof makeUser>) {
  const base = message(user, '', connector.url);
  return { ...base, type: 'conversationUpdate', text: undefined, membersAdded: [{ id: BOT.id }], conversation: personalConversation(user) };
}

async function post(activity: object, bearer?: string) {
  const res = await fetch(`${schakel.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: res.status, text: await res.text() };
}

async function stored(user: { aadObjectId: string }): Promise<unknown> {
  const { resource } = await schakel.store.containers.conversations.item(`personal:${user.aadObjectId}`, user.aadObjectId).read();
  return resource;
}

describe('Bot Framework token validation (offline, local keys)', () => {
  it('a valid token: 200, and the turn runs (the conversation reference is stored)', async () => {
    const user = makeUser('Geldig');
    const res = await post(install(user), token(claims(connector.url)));
    expect(res.status).toBe(200);
    expect(await stored(user)).toMatchObject({ serviceUrl: connector.url, userId: user.aadObjectId });
    expect(metadataRequests).toBeGreaterThanOrEqual(2);
  });

  const refused: [string, () => string][] = [
    ['wrong audience', () => token(claims(connector.url, { aud: '00000000-0000-4000-8000-0000000000ff' }))],
    ['wrong issuer', () => token(claims(connector.url, { iss: 'https://sts.evil.example/' }))],
    ['expired', () => token(claims(connector.url, { exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 }))],
    ['bad signature', () => token(claims(connector.url), other.privateKey)],
    ['serviceurl claim not the activity\'s', () => token(claims('https://smba.trafficmanager.net/emea/'))],
    ['not a JWT', () => 'forged.token.value'],
  ];
  for (const [name, make] of refused) {
    it(`${name}: 401 with a neutral body; nothing stored, the connector not called`, async () => {
      const user = makeUser(name);
      const calls = connector.calls.length;
      const res = await post(install(user), make());
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toEqual({ error: 'unauthorized' });
      expect(await stored(user)).toBeUndefined();
      expect(connector.calls.length).toBe(calls);
    });
  }

  it('no token at all: 401 before the activity is even read', async () => {
    const res = await post({ nonsense: true });
    expect(res.status).toBe(401);
  });
});
