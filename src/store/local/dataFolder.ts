import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from '../../log.js';
import type { EmbeddedState, Mutation } from './embeddedState.js';
import { decodeFrames, encodeFrame, JournalWriter, syncDirectory } from './journal.js';

/**
 * The local store's files. `snapshot-N.bin` holds the whole state at generation N;
 * `journal-N.bin` the changes made after it, one checksummed frame per operation, appended and
 * fdatasync'd before the server answers. The state is: the newest snapshot, then every journal
 * of its generation or later, in order. Compaction writes snapshot N+1 (to a temporary name,
 * fsync, rename) while new changes already go to journal N+1, then removes the older files.
 */
const SNAPSHOT_FORMAT = 'schakel-local-store/1';
const SNAPSHOT_CHUNK = 1_000;
/** Compact once the journal is larger than this and larger than the last snapshot. */
const COMPACT_MIN_BYTES = 8 * 1024 * 1024;

const name = (kind: 'snapshot' | 'journal', generation: number) => `${kind}-${String(generation).padStart(8, '0')}.bin`;
const FILE = /^(snapshot|journal)-(\d{8})\.bin$/;

/** Files the local store (and the local clock) keep in the data folder: what `data:reset` may delete. */
export function isDataFolderFile(file: string): boolean {
  return FILE.test(file) || file.endsWith('.bin.tmp') || file === 'clock.json' || file === 'clock.json.tmp' || file === 'demo.json' || file === LOCK;
}

export interface LoadReport {
  snapshotGeneration: number;
  resources: number;
  journalFrames: number;
  journalBytes: number;
  expired: number;
  /** A damaged or torn journal tail that was cut off. */
  cut?: { file: string; problem: string; keptBytes: number; droppedBytes: number };
  ms: number;
}

const LOCK = 'lock';

/** Whether a process with this id runs (a lock left by a killed process does not count). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One process per data folder: two would interleave their journals. The lock names its owner's
 * process id; a lock whose process is gone (killed) is taken over.
 */
function takeLock(dir: string): void {
  const file = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8'));
      if (owner === process.pid || (Number.isInteger(owner) && owner > 0 && alive(owner))) {
        throw new DataFolderInUseError(`the data folder ${dir} is in use by process ${owner}: stop it first, or use another SCHAKEL_DATA_DIR`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataFolderInUseError(`could not lock the data folder ${dir}`);
}

/** The live process holding the folder's lock, if any. */
export function lockOwner(dir: string): number | undefined {
  try {
    const owner = Number(readFileSync(join(dir, LOCK), 'utf8'));
    return Number.isInteger(owner) && owner > 0 && alive(owner) ? owner : undefined;
  } catch {
    return undefined;
  }
}

export class DataFolderInUseError extends Error {
  override readonly name = 'DataFolderInUseError';
}

/** Thrown when a snapshot (written whole and renamed into place) does not read back intact. */
export class DamagedDataError extends Error {
  override readonly name = 'DamagedDataError';
}

export class DataFolder {
  private writer!: JournalWriter;
  private retiring: JournalWriter | undefined;
  private generation = 0;
  private snapshotBytes = 0;
  private compacting: Promise<void> | undefined;

  private constructor(
    readonly dir: string,
    private readonly state: EmbeddedState,
    private readonly log: Logger,
  ) {}

  /** Loads the folder into `state`, cuts a damaged journal tail, and starts journalling. */
  static async open(dir: string, state: EmbeddedState, log: Logger): Promise<{ folder: DataFolder; report: LoadReport }> {
    const started = performance.now();
    mkdirSync(dir, { recursive: true });
    takeLock(dir);
    try {
      return await DataFolder.load(dir, state, log, started);
    } catch (err) {
      rmSync(join(dir, LOCK), { force: true });
      throw err;
    }
  }

  private static async load(dir: string, state: EmbeddedState, log: Logger, started: number): Promise<{ folder: DataFolder; report: LoadReport }> {
    const folder = new DataFolder(dir, state, log);
    const files = readdirSync(dir);
    for (const f of files) if (f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
    const generations = (kind: string) =>
      files
        .map((f) => FILE.exec(f))
        .filter((m): m is RegExpExecArray => m !== null && m[1] === kind)
        .map((m) => Number(m[2]))
        .sort((a, b) => a - b);
    const snapshot = generations('snapshot').at(-1) ?? 0;
    let resources = 0;
    if (snapshot > 0) {
      const file = join(dir, name('snapshot', snapshot));
      const buf = readFileSync(file);
      folder.snapshotBytes = buf.length;
      const { payloads, problem } = decodeFrames(buf);
      const header = payloads[0] as { format?: string } | undefined;
      const end = payloads.at(-1) as { end?: number } | undefined;
      if (problem || header?.format !== SNAPSHOT_FORMAT || typeof end?.end !== 'number') {
        throw new DamagedDataError(`${file} is damaged (${problem ?? 'incomplete'}); move the data folder away or run 'npm run data:reset'`);
      }
      for (const chunk of payloads.slice(1, -1)) resources += state.replay(chunk as Mutation[]);
    }
    let journalFrames = 0;
    let cut: LoadReport['cut'];
    const journals = generations('journal');
    for (const g of journals) if (g < snapshot) rmSync(join(dir, name('journal', g)), { force: true });
    const live = journals.filter((g) => g >= snapshot);
    let journalBytes = 0;
    for (const g of live) {
      const file = join(dir, name('journal', g));
      const buf = readFileSync(file);
      const decoded = decodeFrames(buf);
      for (const frame of decoded.payloads) state.replay(frame as Mutation[]);
      journalFrames += decoded.payloads.length;
      if (decoded.problem) {
        cut = { file: name('journal', g), problem: decoded.problem, keptBytes: decoded.validBytes, droppedBytes: decoded.totalBytes - decoded.validBytes };
        // The tail was never acknowledged (or is damaged): cut it, so new frames follow intact ones.
        truncateSync(file, decoded.validBytes);
        log.warn({ ...cut, dir }, 'local store: damaged journal tail cut off (writes in it were never acknowledged)');
      }
      journalBytes = decoded.validBytes;
    }
    folder.generation = Math.max(snapshot, live.at(-1) ?? 0, 1);
    folder.writer = await JournalWriter.open(join(dir, name('journal', folder.generation)), live.at(-1) === folder.generation ? journalBytes : 0);
    state.sink = (frame) => folder.writer.append(encodeFrame(frame));
    state.startRecording();
    const expired = state.sweepExpired();
    state.seal();
    await folder.flush();
    return { folder, report: { snapshotGeneration: snapshot, resources, journalFrames, journalBytes: folder.writer.bytes, expired, ...(cut ? { cut } : {}), ms: Math.round(performance.now() - started) } };
  }

  get journalBytes(): number {
    return this.writer.bytes;
  }

  /** Resolves when every change made so far is on disk; starts a compaction when the journal has grown large. */
  async flush(): Promise<void> {
    this.state.seal();
    await Promise.all([this.retiring?.flush(), this.writer.flush()]);
    if (!this.compacting && this.writer.bytes > Math.max(COMPACT_MIN_BYTES, this.snapshotBytes)) {
      void this.compact().catch((err: unknown) => this.log.error({ err: { message: (err as Error).message } }, 'local store: compaction failed'));
    }
  }

  /** Writes a new snapshot and drops the journals it covers. Changes keep flowing meanwhile. */
  compact(): Promise<void> {
    this.compacting ??= this.runCompaction().finally(() => {
      this.compacting = undefined;
    });
    return this.compacting;
  }

  private async runCompaction(): Promise<void> {
    const started = performance.now();
    const next = this.generation + 1;
    const nextWriter = await JournalWriter.open(join(this.dir, name('journal', next)), 0);
    // No await from here to the switch: the captured state is exactly "everything in journals ≤ generation".
    this.state.seal();
    const retired = this.writer;
    this.retiring = retired;
    this.writer = nextWriter;
    this.generation = next;
    const captured = this.state.capture();
    await retired.flush();
    await retired.close();
    this.retiring = undefined;

    const file = join(this.dir, name('snapshot', next));
    const tmp = `${file}.tmp`;
    const handle = await open(tmp, 'w');
    let bytes = 0;
    try {
      const write = async (frame: Buffer) => {
        let written = 0;
        while (written < frame.length) written += (await handle.write(frame, written, frame.length - written)).bytesWritten;
        bytes += frame.length;
      };
      await write(encodeFrame({ format: SNAPSHOT_FORMAT, generation: next }));
      for (let i = 0; i < captured.length; i += SNAPSHOT_CHUNK) {
        await write(encodeFrame(captured.slice(i, i + SNAPSHOT_CHUNK)));
        await yieldToLoop();
      }
      await write(encodeFrame({ end: captured.length }));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    renameSync(tmp, file);
    syncDirectory(this.dir);
    this.snapshotBytes = bytes;
    for (const f of readdirSync(this.dir)) {
      const m = FILE.exec(f);
      if (m && Number(m[2]) < next) rmSync(join(this.dir, f), { force: true });
    }
    this.log.debug({ generation: next, resources: captured.length, bytes, ms: Math.round(performance.now() - started) }, 'local store: snapshot written');
  }

  async close(): Promise<void> {
    await this.compacting?.catch(() => undefined);
    this.state.seal();
    await this.writer.close();
    rmSync(join(this.dir, LOCK), { force: true });
  }
}
