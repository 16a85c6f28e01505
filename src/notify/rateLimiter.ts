/** At most `limit` events in any interval of `ms` milliseconds. */
export interface RateWindow {
  limit: number;
  ms: number;
}

/** Teams' documented limits per bot per conversation. */
export const TEAMS_CONVERSATION_WINDOWS: RateWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 },
];

/** Teams' limit per app per tenant (about 50 requests per second). */
export const TEAMS_TENANT_WINDOWS: RateWindow[] = [{ limit: 50, ms: 1_000 }];

/**
 * What the instances together send per second of the tenant's 50: one less. Requests leave the
 * senders spaced but reach Teams with varying delays, and one that arrives late counts in the
 * next second there; the one request of headroom absorbs that instead of a 429 (measured:
 * docs/BENCHMARKS.md, P2).
 */
export const TENANT_SEND_BUDGET = 49;

/** How soon a key whose limit is 0 is tried again. */
const ZERO_LIMIT_RETRY_MS = 50;

/** One key (a conversation, a tenant) and the windows that apply to it; `windows` is read at every try, so it may change. */
export interface RateKey {
  key: string;
  windows: RateWindow[];
}

interface KeyState {
  /** Start times of recent events, ascending; only ever appended at "now". */
  times: number[];
  /** No event before this instant (a 429's Retry-After). */
  blockedUntil: number;
}

/**
 * A sliding-log limiter over several windows at once, with a shared block for Retry-After.
 * An event is only recorded at the moment it is allowed (never reserved in the future), so a
 * busy conversation cannot hold up others that share the tenant key.
 */
export class SlidingWindowLimiter {
  private readonly state = new Map<string, KeyState>();
  private readonly horizon: number;

  constructor(
    horizonMs = 3_600_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.horizon = horizonMs;
  }

  /** Records an event for all keys and returns 0 if allowed now; otherwise records nothing and returns the wait in ms. */
  tryAcquire(keys: RateKey[]): number {
    const now = this.now();
    let wait = 0;
    for (const k of keys) wait = Math.max(wait, this.waitFor(k, now));
    if (wait > 0) return wait;
    for (const k of keys) this.stateOf(k.key).times.push(now);
    return 0;
  }

  /** Waits until one event fits every key, then records it. Gives up (returning false) if that would pass `notAfter`. */
  async acquire(keys: RateKey[], notAfter = Number.POSITIVE_INFINITY): Promise<boolean> {
    for (;;) {
      const wait = this.tryAcquire(keys);
      if (wait === 0) return true;
      if (this.now() + wait > notAfter) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    }
  }

  /** How long until an event would be allowed for all keys (0 = now). */
  waitTime(keys: RateKey[]): number {
    const now = this.now();
    return Math.max(0, ...keys.map((k) => this.waitFor(k, now)));
  }

  /** Nothing for this key before `ms` from now (honours Retry-After for everyone sharing the key). */
  block(key: string, ms: number): void {
    const s = this.stateOf(key);
    s.blockedUntil = Math.max(s.blockedUntil, this.now() + ms);
  }

  private waitFor(k: RateKey, now: number): number {
    const s = this.state.get(k.key);
    if (!s) return 0;
    while (s.times.length > 0 && (s.times[0] as number) <= now - this.horizon) s.times.shift();
    let earliest = Math.max(now, s.blockedUntil);
    for (const w of k.windows) {
      // A limit of 0 (no share of a shared budget yet): look again shortly.
      if (w.limit <= 0) {
        earliest = Math.max(earliest, now + ZERO_LIMIT_RETRY_MS);
        continue;
      }
      // With `limit` events already inside (earliest - ms, earliest], wait until the oldest of them leaves.
      const inWindow = s.times.length - lowerBound(s.times, earliest - w.ms + 1e-6);
      if (inWindow >= w.limit) earliest = Math.max(earliest, (s.times[s.times.length - w.limit] as number) + w.ms);
    }
    if (s.times.length === 0 && s.blockedUntil <= now) this.state.delete(k.key);
    return earliest - now;
  }

  private stateOf(key: string): KeyState {
    let s = this.state.get(key);
    if (!s) {
      s = { times: [], blockedUntil: 0 };
      this.state.set(key, s);
    }
    return s;
  }
}

/** First index whose value is >= x in an ascending array. */
function lowerBound(values: number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
