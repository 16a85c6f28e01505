/** How an outbound request failed, and what to do about it. */
/** `bug`: no HTTP status and no network error code — a fault in this process, not worth retrying blindly. */
export type FailureKind = 'throttled' | 'transient' | 'unreachable' | 'permanent' | 'bug';

export interface Failure {
  kind: FailureKind;
  status?: number;
  /** From the Retry-After header (seconds or HTTP date), in ms. */
  retryAfterMs?: number;
  /** A short code for the document and logs; never message text (it may echo personal data). */
  code: string;
}

/**
 * Maps an error from the Bot Connector to a decision. 429 → throttled (honour Retry-After);
 * 412, 5xx, timeouts and broken connections → transient (retry with back-off); 403 / 404 →
 * the app was removed or the user blocked it (unreachable); any other 4xx → permanent; an
 * error with neither status nor network code → bug (the caller should let it surface).
 */
export function classify(err: unknown, now = Date.now()): Failure {
  const status = statusOf(err);
  if (status === undefined) {
    const code = networkCode(err);
    return { kind: NETWORK.test(code) ? 'transient' : 'bug', code };
  }
  const code = `http${status}${serviceCode(err) ? `:${serviceCode(err)}` : ''}`;
  if (status === 429) return { kind: 'throttled', status, code, retryAfterMs: retryAfterOf(err, now) };
  if (status === 403 || status === 404) return { kind: 'unreachable', status, code };
  if (status === 408 || status === 412 || status >= 500) return { kind: 'transient', status, code };
  return { kind: 'permanent', status, code };
}

/** Capped exponential back-off with jitter ("equal jitter": between half and all of the step). */
export function backoffMs(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return step / 2 + (random() * step) / 2;
}

/** Connection-level failures (Node, undici, the Azure pipeline): the request may or may not have arrived. */
const NETWORK = /^(E[A-Z]+|UND_ERR_\w+|REQUEST_SEND_ERROR|AbortError|TimeoutError|ERR_SOCKET\w*)$/;

interface ErrorLike {
  statusCode?: unknown;
  status?: unknown;
  code?: unknown;
  response?: { status?: unknown; headers?: unknown; bodyAsText?: unknown };
  details?: { error?: { code?: unknown } };
}

function statusOf(err: unknown): number | undefined {
  const e = err as ErrorLike | undefined;
  for (const candidate of [e?.statusCode, e?.status, e?.response?.status]) {
    if (typeof candidate === 'number' && candidate >= 100) return candidate;
  }
  return undefined;
}

function header(err: unknown, name: string): string | undefined {
  const headers = (err as ErrorLike | undefined)?.response?.headers as { get?: (n: string) => unknown } | Record<string, unknown> | undefined;
  if (!headers) return undefined;
  const value = typeof headers.get === 'function' ? (headers.get as (n: string) => unknown)(name) : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function retryAfterOf(err: unknown, now: number): number | undefined {
  const value = header(err, 'retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function serviceCode(err: unknown): string | undefined {
  const e = err as ErrorLike | undefined;
  const code = e?.details?.error?.code ?? (typeof e?.code === 'string' && !/\s/.test(e.code) ? e.code : undefined);
  return typeof code === 'string' ? code.slice(0, 60) : undefined;
}

function networkCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  if (typeof e?.code === 'string') return e.code.slice(0, 40);
  if (typeof e?.cause?.code === 'string') return e.cause.code.slice(0, 40);
  return typeof e?.name === 'string' ? e.name.slice(0, 40) : 'error';
}
