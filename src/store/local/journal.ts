import { openSync, closeSync, writeSync, fdatasyncSync, fsyncSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * Framing shared by the journal and the snapshots: `[u32 length][u32 crc32][JSON payload]`,
 * little-endian. A frame whose length runs past the end of the file or whose checksum does not
 * match ends the readable part: everything from there on is a torn or damaged tail.
 */
const HEADER_BYTES = 8;
/** Larger than any frame the store writes (a 2 MB document plus overhead); guards against garbage lengths. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

export function encodeFrame(payload: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  frame.writeUInt32LE(body.length, 0);
  frame.writeUInt32LE(crc32(body), 4);
  body.copy(frame, HEADER_BYTES);
  return frame;
}

export interface DecodedFrames {
  payloads: unknown[];
  /** Bytes from the start that hold whole, intact frames. */
  validBytes: number;
  totalBytes: number;
  /** Why reading stopped before the end, when it did. */
  problem?: 'truncated' | 'checksum' | 'unreadable';
}

export function decodeFrames(buf: Buffer): DecodedFrames {
  const payloads: unknown[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < HEADER_BYTES) return { payloads, validBytes: at, totalBytes: buf.length, problem: 'truncated' };
    const length = buf.readUInt32LE(at);
    const checksum = buf.readUInt32LE(at + 4);
    if (length > MAX_FRAME_BYTES) return { payloads, validBytes: at, totalBytes: buf.length, problem: 'unreadable' };
    const end = at + HEADER_BYTES + length;
    if (end > buf.length) return { payloads, validBytes: at, totalBytes: buf.length, problem: 'truncated' };
    const body = buf.subarray(at + HEADER_BYTES, end);
    if (crc32(body) !== checksum) return { payloads, validBytes: at, totalBytes: buf.length, problem: 'checksum' };
    try {
      payloads.push(JSON.parse(body.toString('utf8')));
    } catch {
      return { payloads, validBytes: at, totalBytes: buf.length, problem: 'unreadable' };
    }
    at = end;
  }
  return { payloads, validBytes: at, totalBytes: buf.length };
}

/**
 * An append-only file written with group commit: frames appended while a write is on its way
 * go out together in the next write. `flush()` resolves once every frame appended before the
 * call is on disk (written and fdatasync'd).
 */
export class JournalWriter {
  private pending: Buffer[] = [];
  private appended = 0;
  private durable = 0;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  bytes: number;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
    bytes: number,
  ) {
    this.bytes = bytes;
  }

  static async open(path: string, bytes: number): Promise<JournalWriter> {
    return new JournalWriter(path, await open(path, 'a'), bytes);
  }

  append(frame: Buffer): void {
    this.pending.push(frame);
    this.appended++;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  async flush(): Promise<void> {
    const target = this.appended;
    while (this.durable < target) {
      if (this.failure) throw this.failure;
      this.writing ??= this.writeBatch().finally(() => {
        this.writing = undefined;
      });
      await this.writing;
    }
    if (this.failure) throw this.failure;
  }

  private async writeBatch(): Promise<void> {
    const frames = this.pending;
    const upTo = this.appended;
    this.pending = [];
    if (frames.length === 0) return;
    const data = frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames);
    try {
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await this.file.write(data, written, data.length - written);
        written += bytesWritten;
      }
      await this.file.datasync();
      this.bytes += data.length;
      this.durable = upTo;
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      throw this.failure;
    }
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    await this.file.close();
  }
}

/** Makes a rename or a new file in `dir` durable (the directory entry itself). */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `frames` to a new file synchronously and makes it durable. */
export function writeFileDurably(path: string, frames: Buffer[]): void {
  const fd = openSync(path, 'w');
  try {
    for (const frame of frames) {
      let written = 0;
      while (written < frame.length) written += writeSync(fd, frame, written, frame.length - written);
    }
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
