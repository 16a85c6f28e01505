import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigRepository, type WijkteamChannel } from '../../src/store/configRepository.js';
import { ConversationRepository, type ConversationRecord } from '../../src/store/conversations.js';
import type { Store } from '../../src/store/cosmos.js';
import { startLocalCosmos, type LocalCosmosServer } from '../../src/store/localCosmos.js';
import { openTestStore } from '../support/reminderHarness.js';

let cosmos: LocalCosmosServer;
let store: Store;

beforeAll(async () => {
  cosmos = await startLocalCosmos();
  store = await openTestStore(cosmos.endpoint, 'read-cache-test');
});
afterAll(async () => {
  await store.close();
  await cosmos.close();
});

const TTL = 300;

function record(aad: string, locale: string): ConversationRecord {
  return {
    id: `personal:${aad}`,
    userId: aad,
    kind: 'personal',
    tenantId: 'tenant-1',
    serviceUrl: 'http://127.0.0.1:1/',
    conversationId: `a:${aad}`,
    botId: '28:bot',
    locale,
    updatedAt: '2026-12-07T10:00:00.000Z',
  };
}

describe('conversation references kept in memory', () => {
  it('a reference read once is served from memory until it expires, then read again', async () => {
    const here = new ConversationRepository(store.containers.conversations, { cacheMs: TTL });
    const elsewhere = new ConversationRepository(store.containers.conversations);
    await elsewhere.save(record('u-1', 'nl-NL'));
    expect((await here.personal('u-1'))?.locale).toBe('nl-NL');
    // Another instance changes it: this one still answers from memory …
    await elsewhere.save(record('u-1', 'en-US'));
    expect((await here.personal('u-1'))?.locale).toBe('nl-NL');
    // … until the time is up.
    await sleep(TTL + 50);
    expect((await here.personal('u-1'))?.locale).toBe('en-US');
  });

  it('a change made on this instance shows at once, and a missing reference is looked up again next time', async () => {
    const here = new ConversationRepository(store.containers.conversations, { cacheMs: 60_000 });
    const elsewhere = new ConversationRepository(store.containers.conversations);
    expect(await here.personal('u-2')).toBeUndefined();
    await elsewhere.save(record('u-2', 'nl-NL'));
    expect((await here.personal('u-2'))?.locale).toBe('nl-NL');
    await here.save(record('u-2', 'en-GB'));
    expect((await here.personal('u-2'))?.locale).toBe('en-GB');
    expect((await elsewhere.personal('u-2'))?.locale).toBe('en-GB');
  });

  it('the kept object is shared, so it is frozen: a reader cannot change it for the others', async () => {
    const here = new ConversationRepository(store.containers.conversations, { cacheMs: 60_000 });
    await here.save(record('u-3', 'nl-NL'));
    const kept = (await here.personal('u-3'))!;
    expect(() => {
      (kept as { locale?: string }).locale = 'xx';
    }).toThrow(TypeError);
    expect((await here.personal('u-3'))?.locale).toBe('nl-NL');
  });

  it('with no cache time every read goes to the database', async () => {
    const here = new ConversationRepository(store.containers.conversations, { cacheMs: 0 });
    const elsewhere = new ConversationRepository(store.containers.conversations);
    await elsewhere.save(record('u-4', 'nl-NL'));
    expect((await here.personal('u-4'))?.locale).toBe('nl-NL');
    await elsewhere.save(record('u-4', 'en-US'));
    expect((await here.personal('u-4'))?.locale).toBe('en-US');
  });
});

describe('the wijkindeling and linked channels kept in memory', () => {
  const channel = (conversationId: string): WijkteamChannel => ({
    id: 'wijkteam:wt-c',
    kind: 'wijkteam',
    wijkteamId: 'wt-c',
    name: 'Wijkteam C',
    tenantId: 'tenant-1',
    teamId: 'team-c',
    channelId: '19:c@thread.tacv2',
    conversationId,
    serviceUrl: 'http://127.0.0.1:1/',
    linkedBy: 'coordinator',
    linkedAt: '2026-12-07T10:00:00.000Z',
  });

  it('a channel linked on another instance is found at once (nothing missing is kept), a relink shows after the time', async () => {
    const here = new ConfigRepository(store.containers.config, { cacheMs: TTL });
    const elsewhere = new ConfigRepository(store.containers.config);
    expect(await here.channel('wt-c')).toBeUndefined();
    await elsewhere.linkChannel(channel('19:first'));
    expect((await here.channel('wt-c'))?.conversationId).toBe('19:first');
    await elsewhere.linkChannel(channel('19:second'));
    expect((await here.channel('wt-c'))?.conversationId).toBe('19:first');
    await sleep(TTL + 50);
    expect((await here.channel('wt-c'))?.conversationId).toBe('19:second');
  });

  it('a wijkindeling saved on this instance routes at once', async () => {
    const here = new ConfigRepository(store.containers.config, { cacheMs: 60_000 });
    const row = (wijkteamId: string) => ({ postcode4: '3072', district: 'Afrikaanderwijk', wijkteamId, wijkteamName: `Wijkteam ${wijkteamId}` });
    await here.saveDistrictMap([row('wt-a')], 'coordinator', new Date());
    expect((await here.districtMap())?.route('3072 AB')?.wijkteamId).toBe('wt-a');
    await here.saveDistrictMap([row('wt-b')], 'coordinator', new Date());
    expect((await here.districtMap())?.route('3072 AB')?.wijkteamId).toBe('wt-b');
  });
});
