/**
 * When to retry a Microsoft Graph request and how long to wait. Pure: the caller passes the
 * clock reading and the random source.
 */
export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First back-off step when the server gives no Retry-After. */
  baseDelayMs: number;
  /** Cap of one back-off step (before jitter). */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the request fails at once. */
  maxRetryAfterMs: number;
  /** All waits of one request together stay below this. */
  maxTotalWaitMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
  maxTotalWaitMs: 45_000,
};

/**
 * 429 (throttled) and 503 (unavailable) mean the request was not carried out, so any request
 * may be repeated. 500/502/504 may come after the work was done: only idempotent requests are
 * repeated then (reads, PATCH, an event create carrying a transactionId; never sendMail).
 */
export function isRetryable(status: number, idempotent: boolean): boolean {
  if (status === 429 || status === 503) return true;
  return idempotent && (status === 500 || status === 502 || status === 504);
}

/**
 * The wait before retry number `retry` (1-based): the server's Retry-After (seconds or an HTTP
 * date) when given, else capped exponential back-off with jitter (between half and all of the
 * step). Returns undefined when the wait would break a limit: give up and report the failure.
 */
export function retryDelayMs(
  retry: number,
  retryAfter: string | null,
  waitedMs: number,
  options: RetryOptions,
  nowMs: number,
  random: () => number,
): number | undefined {
  if (retry > options.maxRetries) return undefined;
  let delay: number;
  const fromServer = parseRetryAfter(retryAfter, nowMs);
  if (fromServer !== undefined) {
    if (fromServer > options.maxRetryAfterMs) return undefined;
    delay = fromServer;
  } else {
    const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
    delay = Math.round(step / 2 + (random() * step) / 2);
  }
  return waitedMs + delay > options.maxTotalWaitMs ? undefined : delay;
}

function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
