import { readFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../../domain/clock.js';
import { syncDirectory, writeFileDurably } from './journal.js';

/**
 * Local mode's clock: the base clock plus an offset that only grows (`tijdreis`), kept in the
 * data folder (`clock.json`) so a restart stays in the same "now". Never used against Azure.
 */
export class TravelClock implements Clock {
  private offsetMs = 0;

  constructor(
    private readonly file: string,
    private readonly base: Clock,
  ) {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown };
      if (typeof stored.offsetMs === 'number' && Number.isFinite(stored.offsetMs) && stored.offsetMs > 0) this.offsetMs = stored.offsetMs;
    } catch {
      // No file yet (or unreadable): the real time.
    }
  }

  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }

  /** How far ahead of the base clock this clock runs. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock to `target` (forward only) and keeps the offset on disk before returning. */
  travelTo(target: Date): void {
    const ahead = target.getTime() - this.now().getTime();
    if (!(ahead > 0)) throw new RangeError('time travel goes forward only');
    const offsetMs = this.offsetMs + ahead;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileDurably(tmp, [Buffer.from(JSON.stringify({ offsetMs, since: new Date().toISOString() }))]);
    renameSync(tmp, this.file);
    syncDirectory(dirname(this.file));
    this.offsetMs = offsetMs;
  }
}

/** Reads the stored offset without a clock (scripts). */
export function storedOffset(file: string): number {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown };
    return typeof stored.offsetMs === 'number' ? stored.offsetMs : 0;
  } catch {
    return 0;
  }
}

