import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/domain/clock.js';
import { createLogger } from '../../src/log.js';
import { Downloads } from '../../src/server/downloads.js';

const clock = new ManualClock('2026-11-23T10:00:00Z');
const downloads = new Downloads({ key: Downloads.ephemeralKey(), clock, log: createLogger('silent') });
let server: ReturnType<express.Express['listen']>;

beforeAll(async () => {
  downloads.register('test.txt', async (id) => (id === 'secret' ? { body: 'geheime inhoud', contentType: 'text/plain', fileName: 'x.txt' } : undefined));
  const app = express();
  app.use(downloads.router());
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  downloads.setBaseUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), headers: res.headers };
};

describe('signed downloads', () => {
  it('serves a valid link with no-store, no-referrer and nosniff', async () => {
    const res = await get(downloads.url('test.txt', 'secret', 60));
    expect(res.status).toBe(200);
    expect(res.text).toBe('geheime inhoud');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toContain('x.txt');
  });

  it('makes a different, unguessable token for every link', () => {
    expect(downloads.token('test.txt', 'secret', 60)).not.toBe(downloads.token('test.txt', 'secret', 60));
  });

  it('refuses a tampered token (404) and an expired one (410), revealing nothing', async () => {
    const url = downloads.url('test.txt', 'secret', 60);
    const [base, token] = url.split('/downloads/');
    const [body, mac] = token!.split('.');
    const otherBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), e: Date.parse('2030-01-01') })).toString('base64url');
    for (const bad of [`${otherBody}.${mac}`, `${body}.${mac!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, `${body}`, `${body}.${mac}.x`]) {
      const res = await get(`${base}/downloads/${bad}`);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('geheime');
    }
    expect(downloads.verify(token!).ok).toBe(true);
    clock.advance(61_000);
    const expired = await get(url);
    expect(expired.status).toBe(410);
    expect(expired.text).not.toContain('geheime');
  });

  it('answers 404 when the provider has nothing, and refuses a token signed with another key', async () => {
    expect((await get(downloads.url('test.txt', 'other', 60))).status).toBe(404);
    const other = new Downloads({ key: Downloads.ephemeralKey(), clock, log: createLogger('silent') });
    expect(downloads.verify(other.token('test.txt', 'secret', 60))).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('the signing key', () => {
  it('is required in production and must be long enough', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ NODE_ENV: 'production' }).join('\n')).toMatch(/DOWNLOAD_SIGNING_KEY: required in production/);
    expect(problems({ DOWNLOAD_SIGNING_KEY: 'kort' }).join('\n')).toMatch(/DOWNLOAD_SIGNING_KEY: at least 32 characters/);
    expect(loadConfig({ DOWNLOAD_SIGNING_KEY: 'x'.repeat(40) }).report.signingKey).toHaveLength(40);
  });
});
