import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter, TEAMS_CONVERSATION_WINDOWS, TEAMS_TENANT_WINDOWS } from '../../src/notify/rateLimiter.js';

function limiterAt(start = 0) {
  const time = { now: start };
  return { time, limiter: new SlidingWindowLimiter(3_600_000, () => time.now) };
}

const conv = (key: string) => ({ key, windows: TEAMS_CONVERSATION_WINDOWS });
const tenant = { key: 'tenant', windows: TEAMS_TENANT_WINDOWS };

describe('SlidingWindowLimiter with Teams windows', () => {
  it('allows 7 per second per conversation, then waits until the oldest leaves the window', () => {
    const { time, limiter } = limiterAt();
    for (let i = 0; i < 7; i++) expect(limiter.tryAcquire([conv('a')])).toBe(0);
    expect(limiter.tryAcquire([conv('a')])).toBe(1000);
    expect(limiter.tryAcquire([conv('b')])).toBe(0); // another conversation is not affected
    time.now = 1000;
    expect(limiter.tryAcquire([conv('a')])).toBe(0);
  });

  it('keeps 8 per 2 seconds: after 7 + 1, the ninth waits for the two-second window', () => {
    const { time, limiter } = limiterAt();
    for (let i = 0; i < 7; i++) limiter.tryAcquire([conv('a')]);
    time.now = 1000;
    expect(limiter.tryAcquire([conv('a')])).toBe(0);
    expect(limiter.tryAcquire([conv('a')])).toBe(1000); // until t=2000, when the first seven leave
  });

  it('keeps 60 per 30 seconds at a steady pace', () => {
    const { time, limiter } = limiterAt();
    let sent = 0;
    for (time.now = 0; time.now < 30_000; time.now += 250) if (limiter.tryAcquire([conv('a')]) === 0) sent++;
    expect(sent).toBe(60);
  });

  it('shares the tenant window of 50 per second across conversations', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 50; i++) expect(limiter.tryAcquire([conv(`c${i}`), tenant])).toBe(0);
    expect(limiter.tryAcquire([conv('c99'), tenant])).toBe(1000);
  });

  it('records nothing when it refuses, so a refused key does not use up capacity of the other', () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 7; i++) limiter.tryAcquire([conv('a'), tenant]);
    for (let i = 0; i < 10; i++) expect(limiter.tryAcquire([conv('a'), tenant])).toBeGreaterThan(0);
    for (let i = 0; i < 43; i++) expect(limiter.tryAcquire([conv(`x${i}`), tenant])).toBe(0);
  });

  it('blocks a key for Retry-After, for every caller sharing it', () => {
    const { time, limiter } = limiterAt();
    limiter.block('conv:a', 1500);
    expect(limiter.tryAcquire([{ key: 'conv:a', windows: TEAMS_CONVERSATION_WINDOWS }])).toBe(1500);
    expect(limiter.waitTime([{ key: 'conv:a', windows: [] }])).toBe(1500);
    time.now = 1499;
    expect(limiter.tryAcquire([{ key: 'conv:a', windows: [] }])).toBe(1);
    time.now = 1500;
    expect(limiter.tryAcquire([{ key: 'conv:a', windows: [] }])).toBe(0);
  });

  it('acquire gives up when the wait would pass the deadline', async () => {
    const { limiter } = limiterAt();
    limiter.block('k', 10_000);
    expect(await limiter.acquire([{ key: 'k', windows: [] }], 5_000)).toBe(false);
  });
});
