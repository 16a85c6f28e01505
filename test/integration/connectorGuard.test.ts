import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../../src/bot/app.js';
import { UntrustedServiceUrlError } from '../../src/bot/connector.js';
import { loadConfig } from '../../src/config.js';
import { trustOf } from '../../src/server/trust.js';
import { makeUser, message } from '../support/activities.js';
import { startHarness } from '../support/harness.js';

/** A host that accepts connections and never answers. */
let silent: Server;
let silentUrl = '';
const sockets: Socket[] = [];
let accepted = 0;

beforeAll(async () => {
  silent = createServer((s) => {
    accepted++;
    sockets.push(s);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
});

const config = loadConfig({ CONNECTOR_TIMEOUT_MS: '600' });
const adapter = createAdapter(config, trustOf(config));

async function send(serviceUrl: string): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await adapter.continueConversationAsync(
      '',
      { channelId: 'msteams', serviceUrl, conversation: { id: 'a:x', isGroup: false, conversationType: 'personal', name: '' }, bot: { id: 'schakel', name: 'Schakel' } },
      async (ctx) => {
        await ctx.sendActivity('hallo');
      },
    );
    return { error: undefined, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

describe('outbound connector calls', () => {
  it('a host that never answers is given up within the deadline (retries included)', async () => {
    const { error, ms } = await send(silentUrl);
    expect(error).toBeDefined();
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(2_500);
  });

  it('a dead port (connection refused, retried by the client) does not hold the call for seconds', async () => {
    const { error, ms } = await send('http://127.0.0.1:1/');
    expect(error).toBeDefined();
    expect(ms).toBeLessThan(2_500);
  });

  it('an untrusted service URL is never called', async () => {
    const { error, ms } = await send('http://evil.example/');
    expect(error).toBeInstanceOf(UntrustedServiceUrlError);
    expect(ms).toBeLessThan(500);
  });
});

describe('connector calls inside a turn', () => {
  it('a reply to a dead loopback port (trusted in anonymous mode) ends within the deadline, not after the retries', async () => {
    const h = await startHarness({ env: { CONNECTOR_TIMEOUT_MS: '500' } });
    try {
      const started = Date.now();
      const res = await h.bot.send(message(makeUser('Dood'), 'help', 'http://127.0.0.1:1/'));
      expect(res.status).toBeLessThan(500);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await h.stop();
    }
  });
});
