import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, isRetryable, retryDelayMs } from '../../src/meetings/retryPolicy.js';

const now = Date.parse('2026-11-23T10:00:00Z');
const low = () => 0;
const high = () => 0.999999;

describe('retry policy', () => {
  it('retries throttling and unavailability for every request, other 5xx only when idempotent', () => {
    expect([429, 503].map((s) => isRetryable(s, false))).toEqual([true, true]);
    expect([500, 502, 504].map((s) => isRetryable(s, false))).toEqual([false, false, false]);
    expect([500, 502, 504].map((s) => isRetryable(s, true))).toEqual([true, true, true]);
    expect([400, 401, 403, 404, 409].map((s) => isRetryable(s, true))).toEqual([false, false, false, false, false]);
  });

  it('waits exactly the Retry-After the server asks for, in seconds or as an HTTP date', () => {
    expect(retryDelayMs(1, '3', 0, DEFAULT_RETRY, now, high)).toBe(3_000);
    expect(retryDelayMs(1, new Date(now + 2_500).toUTCString(), 0, DEFAULT_RETRY, now, high)).toBe(2_000); // HTTP dates have whole seconds
    expect(retryDelayMs(1, new Date(now - 5_000).toUTCString(), 0, DEFAULT_RETRY, now, high)).toBe(0);
  });

  it('gives up instead of waiting longer than allowed', () => {
    expect(retryDelayMs(1, '31', 0, DEFAULT_RETRY, now, low)).toBeUndefined();
    expect(retryDelayMs(2, '10', 40_000, DEFAULT_RETRY, now, low)).toBeUndefined(); // total budget 45 s
    expect(retryDelayMs(DEFAULT_RETRY.maxRetries + 1, null, 0, DEFAULT_RETRY, now, low)).toBeUndefined();
  });

  it('backs off exponentially with jitter between half and all of a capped step', () => {
    const steps = [1, 2, 3, 4, 5, 6].map((r) => [retryDelayMs(r, null, 0, { ...DEFAULT_RETRY, maxRetries: 10 }, now, low), retryDelayMs(r, null, 0, { ...DEFAULT_RETRY, maxRetries: 10 }, now, high)]);
    expect(steps).toEqual([
      [250, 500],
      [500, 1_000],
      [1_000, 2_000],
      [2_000, 4_000],
      [4_000, 8_000],
      [4_000, 8_000], // capped at maxDelayMs
    ]);
  });
});
