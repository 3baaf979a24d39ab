import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * File bytes kept on disk instead of in Node's heap: one append-only temp file per tree, written
 * and read through an fd. The file is unlinked (with the directory made for it) as soon as it is
 * open, so nothing of it survives the process, whether it exits or is killed; its space returns
 * when the fd closes: when the last node or layer that refers to it is collected (a tree's nodes
 * may be shared with another tree, so no single owner can close it), or at exit.
 *
 * Bytes once written are never rewritten: a range handed out stays valid for as long as anything
 * refers to it, which gives undo records and copied-up nodes their old bytes for free.
 */
export class SpillFile implements RangeFile {
  private fd: number | undefined;
  private end = 0;
  private limit = 0;

  constructor(private readonly dir: string = spillDirectory()) {}

  /** Bytes written so far (the file's length). */
  get size(): number {
    return this.end;
  }

  /** Writes `data` at the end; returns where it went. */
  append(data: Uint8Array): SpillRange {
    const fd = this.open();
    if (this.end + data.length > this.limit) throw new SpillFullError(this.limit);
    const offset = this.end;
    let done = 0;
    while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done, offset + done);
    this.end += data.length;
    return new SpillRange(this, offset, data.length);
  }

  /** Bytes [offset, offset+length) into `out` at `at`. */
  readInto(out: Buffer, at: number, offset: number, length: number): void {
    const fd = this.open();
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, out, at + done, length - done, offset + done);
      if (n === 0) throw new Error(`fs-snapshot: the spill file ended at ${offset + done} of ${offset + length} bytes`);
      done += n;
    }
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd;
    const dir = fs.mkdtempSync(join(this.dir, "tsbuild-spill-"));
    const path = join(dir, "bytes");
    try {
      this.fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    closer.register(this, this.fd);
    this.limit = spillLimit(this.dir);
    return this.fd;
  }
}

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed (the process is going down): nothing is left to free.
  }
});

/** A spill file that may grow no further: the build's disk is full, as far as its files know. */
export class SpillFullError extends Error {
  readonly code = "ENOSPC";
  readonly errno = -28;
  readonly syscall = "write";
  constructor(readonly limit: number) {
    super(`ENOSPC: no space left on device, write (the build's spill file reached its limit of ${limit} bytes)`);
  }
}

/** Space kept free on the spill file's filesystem for everything else. */
const SPILL_RESERVE = 1 << 30;

/**
 * How far one spill file may grow: TSBUILD_SPILL_LIMIT (bytes) if set, else the space free on its
 * filesystem when it is opened, less a reserve: a RUN writing more fails as a full disk would
 * (`No space left on device`) rather than filling the host's.
 */
function spillLimit(dir: string): number {
  const env = Number(process.env.TSBUILD_SPILL_LIMIT);
  if (Number.isSafeInteger(env) && env >= 0 && process.env.TSBUILD_SPILL_LIMIT !== "") return env;
  const st = fs.statfsSync(dir);
  return Math.max(0, st.bavail * st.bsize - SPILL_RESERVE);
}

/** Where spill files are made: TSBUILD_SPILL_DIR, else the OS temp directory (TMPDIR). */
function spillDirectory(): string {
  return process.env.TSBUILD_SPILL_DIR || tmpdir();
}

/** Length of the buffers a spilled range is read back in. */
export const SPILL_READ_CHUNK = 1 << 20;

/**
 * Bytes kept outside Node's heap that a range can refer to: the tree's spill file, or a file of
 * the build context (ExternalBytes), read when the bytes are needed.
 */
export interface RangeFile {
  /** Bytes [offset, offset+length) into `out` at `at`; throws if they can no longer be read as they were. */
  readInto(out: Buffer, at: number, offset: number, length: number): void;
  /** Bytes [offset, offset+length) in fresh buffers of at most `chunk` bytes, with one open for all. */
  chunks?(offset: number, length: number, chunk: number): Iterable<Buffer>;
}

/**
 * A file outside the tree whose bytes a file of the tree is (COPY of a build context's file):
 * the tree keeps this reference, not the bytes, and reads them when they are needed (the layer's
 * tar, a RUN reading the file). The owner promises the bytes do not change, and checks it on
 * every read (the context checks the file's inode, size and mtime against what it hashed).
 */
export interface ExternalBytes extends RangeFile {
  readonly length: number;
}

/** A byte range of a spill file or an external file: a file segment whose bytes are on disk. */
export class SpillRange {
  constructor(readonly file: RangeFile, readonly offset: number, readonly length: number) {}

  /** The sub-range [from, from+length) of this range. */
  slice(from: number, length: number): SpillRange {
    return new SpillRange(this.file, this.offset + from, Math.min(length, this.length - from));
  }

  /** Whether `next` continues this range in the same file (then the two are one range). */
  joins(next: SpillRange): boolean {
    return next.file === this.file && next.offset === this.offset + this.length;
  }

  /** Bytes [from, to) of the range, read into `out` at `at`. */
  copyTo(out: Buffer, at: number, from: number, to: number): void {
    this.file.readInto(out, at, this.offset + from, to - from);
  }

  /** The range is its own bytes as an iterable (contentChunks hands out a single range as it is). */
  [Symbol.iterator](): Iterator<Buffer> {
    return this.chunks();
  }

  /** The range's bytes, read a megabyte at a time into fresh buffers when iterated. */
  *chunks(): Generator<Buffer> {
    if (this.file.chunks) {
      // A reader that gave more or less than the range would leave a layer whose body and header
      // disagree (a corrupt tar): it is refused here instead.
      let given = 0;
      for (const c of this.file.chunks(this.offset, this.length, SPILL_READ_CHUNK)) {
        given += c.length;
        if (given > this.length) break;
        yield c;
      }
      if (given !== this.length) throw new Error(`a file's bytes on disk gave ${given > this.length ? "more" : given} bytes of a ${this.length}-byte range`);
      return;
    }
    for (let pos = 0; pos < this.length; pos += SPILL_READ_CHUNK) {
      const n = Math.min(SPILL_READ_CHUNK, this.length - pos);
      const buf = Buffer.allocUnsafe(n);
      this.file.readInto(buf, 0, this.offset + pos, n);
      yield buf;
    }
  }
}

/**
 * A file whose bytes would grow past this many is spilled: its bytes move to the tree's spill
 * file and later writes go there. TSBUILD_SPILL_THRESHOLD (bytes) overrides it, for tests and for
 * conformance runs that want small files spilled.
 */
export const SPILL_THRESHOLD = 64 << 20;

let thresholdOverride: number | undefined;

export function spillThreshold(): number {
  if (thresholdOverride !== undefined) return thresholdOverride;
  const env = Number(process.env.TSBUILD_SPILL_THRESHOLD);
  return Number.isSafeInteger(env) && env > 0 ? env : SPILL_THRESHOLD;
}

/** Sets the threshold for this process (undefined: back to the default); for tests. */
export function setSpillThreshold(bytes: number | undefined): void {
  thresholdOverride = bytes;
}
