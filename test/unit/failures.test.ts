import { describe, expect, it } from 'vitest';
import { backoffMs, classify } from '../../src/notify/failures.js';

/** Shaped like the RestError the Bot Connector client throws. */
function restError(status: number, headers: Record<string, string> = {}, code?: string) {
  return Object.assign(new Error('x'), {
    statusCode: status,
    response: { status, headers: { get: (n: string) => headers[n.toLowerCase()] } },
    ...(code ? { details: { error: { code } } } : {}),
  });
}

describe('classify', () => {
  it('reads Retry-After as seconds or as an HTTP date on 429', () => {
    expect(classify(restError(429, { 'retry-after': '2' }))).toMatchObject({ kind: 'throttled', retryAfterMs: 2000 });
    const now = Date.parse('2026-11-18T08:00:00Z');
    expect(classify(restError(429, { 'retry-after': 'Wed, 18 Nov 2026 08:00:05 GMT' }), now)).toMatchObject({ retryAfterMs: 5000 });
    expect(classify(restError(429))).toMatchObject({ kind: 'throttled', retryAfterMs: undefined });
  });

  it('treats 403 and 404 as unreachable, with the service code for the record', () => {
    expect(classify(restError(403, {}, 'MessageWritesBlocked'))).toEqual({ kind: 'unreachable', status: 403, code: 'http403:MessageWritesBlocked' });
    expect(classify(restError(404))).toMatchObject({ kind: 'unreachable', code: 'http404' });
  });

  it('retries 408, 412 and 5xx; gives up at once on other 4xx', () => {
    for (const s of [408, 412, 500, 502, 503, 504]) expect(classify(restError(s)).kind).toBe('transient');
    for (const s of [400, 401, 413]) expect(classify(restError(s)).kind).toBe('permanent');
  });

  it('retries network failures but lets faults of this process surface', () => {
    expect(classify(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).kind).toBe('transient');
    expect(classify(Object.assign(new Error('x'), { code: 'REQUEST_SEND_ERROR' })).kind).toBe('transient');
    expect(classify(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })).kind).toBe('transient');
    expect(classify(new TypeError('cannot read properties of undefined')).kind).toBe('bug');
  });
});

describe('backoffMs', () => {
  it('doubles per failure, caps, and jitters between half and all of the step', () => {
    expect(backoffMs(1, 500, 30_000, () => 0)).toBe(250);
    expect(backoffMs(1, 500, 30_000, () => 1)).toBe(500);
    expect(backoffMs(3, 500, 30_000, () => 1)).toBe(2000);
    expect(backoffMs(20, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffMs(20, 500, 30_000, () => 0)).toBe(15_000);
  });
});
