import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, makeUser, message, personalConversationId } from '../support/activities.js';
import { FakeConnector } from '../support/fakeConnector.js';

/**
 * What `npm start` runs: the bundle `scripts/build-if-stale.mjs` makes (src, cards and the
 * packages in one module, a few packages left to node_modules), started as its own process with
 * the flags of `npm start` in local mode (its embedded Cosmos-compatible database, in a data
 * folder of its own), talking to a fake Bot Connector of this test.
 * Everything else in the suite runs the sources; this proves the bundle is the same bot.
 */
const ROOT = join(import.meta.dirname, '..', '..');
// Inside the project: the packages left out of the bundle resolve from its node_modules.
const OUT = join(ROOT, 'node_modules', '.cache', `schakel-built-${process.pid}`);

/** The first section of the aanmeldformulier, as an SMW'er fills it in. */
const pupil = { firstNames: 'Noa Maria', surname: 'de Vries', dateOfBirth: '2015-03-14', gender: 'meisje', postcode: '3072 AB', houseNumber: '12a', school: 'OBS De Regenboog', group: 'groep 6', homeLanguages: 'Nederlands', interpreterNeeded: 'false' };

/** The Node flags of `npm start` (heap limits), from package.json. */
const NODE_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/).filter((t) => t.startsWith('--'));

let data: string;
let connector: FakeConnector;
let bot: ChildProcess;
let url: string;
let stderr = '';

const post = async (activity: object) => {
  const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
};

beforeAll(async () => {
  const build = spawnSync(process.execPath, ['scripts/build-if-stale.mjs', '--force', '--outdir', OUT], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  expect(existsSync(join(OUT, 'main.js'))).toBe(true);
  data = mkdtempSync(join(tmpdir(), 'schakel-built-'));
  connector = await new FakeConnector().start();
  // A port free now (the bot is a process of its own: it cannot be handed a listening socket).
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  url = `http://127.0.0.1:${port}`;
  bot = spawn(process.execPath, [...NODE_FLAGS, join(OUT, 'main.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'development', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', COSMOS_ENDPOINT: '', SCHAKEL_DATA_DIR: data, LOCAL_COSMOS_PORT: '0' },
  });
  bot.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const until = Date.now() + 30_000;
  for (;;) {
    if (bot.exitCode !== null) throw new Error(`the built bot exited with ${bot.exitCode}:\n${stderr}`);
    if (await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false)) break;
    if (Date.now() > until) throw new Error(`the built bot was not ready within 30 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}, 90_000);

afterAll(async () => {
  bot?.kill('SIGKILL');
  await connector?.stop();
  rmSync(data, { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
});

describe('the built bot (npm start)', () => {
  it('answers health checks and help over HTTP, in Dutch', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const smw = makeUser('Sanne Smit');
    expect((await post(message(smw, 'help', connector.url))).status).toBe(200);
    await connector.waitFor(() => connector.sent(personalConversationId(smw)).length > 0);
    expect(String(connector.sent(personalConversationId(smw)).at(-1)?.text)).toContain('nieuwe aanmelding');
  });

  it('posts the aanmeld card, saves a section in Cosmos and answers on the card', async () => {
    const smw = makeUser('Fatima Bakker');
    expect((await post(message(smw, 'aanmelden', connector.url))).status).toBe(200);
    await connector.waitFor(() => connector.sent(personalConversationId(smw)).length > 0);
    const sent = connector.sent(personalConversationId(smw)).at(-1) as { attachments?: { contentType: string; content: { body: unknown[] } }[] };
    const card = sent.attachments?.[0];
    expect(card?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const referralId = /"referralId":"([0-9a-f-]{36})"/.exec(JSON.stringify(card?.content))?.[1];
    expect(referralId).toBeDefined();
    const saved = await post(cardAction(smw, VERBS.sectionSave, { referralId, version: 0, section: 'pupil', ...pupil }, connector.url));
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).toContain('Concept opgeslagen');
  });

  it('answers a malformed request with 400 and keeps running', async () => {
    const res = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":' });
    expect(res.status).toBe(400);
    expect(bot.exitCode).toBeNull();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('logs no error while doing so', () => {
    const errors = stderr.split('\n').filter((l) => /"level":(50|60)/.test(l));
    expect(errors).toEqual([]);
  });
});
