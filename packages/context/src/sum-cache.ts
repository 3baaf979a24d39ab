import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import { join } from "node:path";
import type { ContextRecord, FileStat } from "./record.js";

/**
 * The tarsums of a context directory's files, remembered between builds and keyed by what lstat
 * says of each file (BuildKit's contenthash cache keys by path and stat the same way): a file
 * whose size, mtime, ctime, inode, device and mode are unchanged is not read again to hash it,
 * so a rebuild of an unchanged tree costs the walk's lstat calls. The ctime is part of the key
 * because no user call sets it back (touch -m can restore an mtime); a file changed in the last
 * seconds is not remembered, since two writes within one timestamp tick look the same.
 *
 * The stat fields are plain numbers (BigInt stats cost more than the rest of a warm build's
 * per-file work). Times as fractional milliseconds lose steps under ~0.25 µs at today's dates,
 * which cannot hide a change: a remembered file's ctime was at least the racy window (2 s)
 * before it was hashed, and any later write, chmod or utimes moves the ctime to the time of
 * that call, past the stored one. Inodes and devices fit in 2^53 on Linux's file systems.
 *
 * One file per context directory, named by the hash of its real path; it is a cache:
 * unreadable, cut short or of another version, it is ignored, and concurrent builds may
 * overwrite each other's (each entry is checked against the file's stat before use).
 *
 * Format (version 3; a version-2 JSON file is ignored, i.e. one rehash after upgrading): the
 * magic, the count n and the names' byte length (u32 each), then n rows of the seven key numbers
 * (f64, this machine's byte order, named in the magic), n tarsums as 64 hex characters, and the
 * names joined by NUL (which no path holds), all in the walk's order. A warm build finds each
 * file at the next row (no map built, no object per entry), and takes its sum as a slice of
 * one string.
 */
// 24 bytes, so that the rows after the two counts start 8-byte aligned.
const MAGIC = Buffer.from(`tsbuild-ctx-sums-3-${endianness()}`.padEnd(23) + "\n", "latin1");
const HEAD = MAGIC.length + 8;
/** The key's fields per row: size, mtimeMs, ctimeMs, ino, dev, mode, the tar header's mode. */
const FIELDS = 7;
const SUM_HEX = 64;
/** Files modified this recently (ns) are not remembered. */
const RACY_NS = 2_000_000_000n;

/** A newly computed entry: the key's fields, then the tarsum. */
type Fresh = { key: number[]; sum: string };

interface Loaded {
  names: string[];
  keys: Float64Array;
  sums: string;
}

const EMPTY_CACHE: Loaded = { names: [], keys: new Float64Array(0), sums: "" };

export class ContextSumCache {
  private readonly known: Loaded;
  /** Row of a name, built only when a name is not at the row the walk's order predicts. */
  private rowOf: Map<string, number> | undefined;
  private nextRow = 0;
  /** The files wrapped so far, in order, and the row each matched (-1: none); what is saved. */
  private readonly order: string[] = [];
  private readonly matched: number[] = [];
  private readonly fresh = new Map<string, Fresh>();
  private saveScheduled = false;
  /** Files modified after this (ms since the epoch) are racy. */
  private readonly racyAfterMs: number;

  private constructor(
    private readonly file: string,
    racyNs: bigint,
  ) {
    this.known = load(file);
    this.racyAfterMs = Date.now() - Number(racyNs) / 1e6;
  }

  /** The cache of the context directory `root` (a real path) kept under `dir`. */
  static open(dir: string, root: string, opts: { racyNs?: bigint } = {}): ContextSumCache {
    return new ContextSumCache(join(dir, createHash("sha256").update(root).digest("hex") + ".sums"), opts.racyNs ?? RACY_NS);
  }

  /**
   * The record with its tarsum taken from the cache when the file's stat matches, else computed
   * (by `compute`, from the record's content, when first asked for) and remembered. The record
   * itself is given its `tarsum` (no copy per file: 20,000 of them in the big-context bench).
   */
  wrap(rec: ContextRecord, stat: FileStat | undefined, compute: (rec: ContextRecord) => string): ContextRecord {
    if (!stat || rec.header.typeflag !== "0") return rec;
    const name = rec.header.name;
    const row = this.rowFor(name);
    const k = this.known.keys;
    const at = row * FIELDS;
    const hit =
      row >= 0 && k[at] === stat.size && k[at + 1] === stat.mtimeMs && k[at + 2] === stat.ctimeMs && k[at + 3] === stat.ino &&
      k[at + 4] === stat.dev && k[at + 5] === stat.mode && k[at + 6] === rec.header.mode;
    this.order.push(name);
    this.matched.push(hit ? row : -1);
    if (hit) {
      rec.knownTarsum = this.known.sums.slice(row * SUM_HEX, (row + 1) * SUM_HEX);
      rec.tarsum = knownTarsum;
      return rec;
    }
    const racy = stat.mtimeMs > this.racyAfterMs || stat.ctimeMs > this.racyAfterMs;
    rec.tarsum = this.computer(rec, racy ? undefined : [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, stat.dev, stat.mode, rec.header.mode], compute);
    return rec;
  }

  /** A miss: the sum computed when first asked for, and remembered unless the file is racy (no key). */
  private computer(rec: ContextRecord, key: number[] | undefined, compute: (rec: ContextRecord) => string): () => string {
    let sum: string | undefined;
    return () => {
      if (sum !== undefined) return sum;
      sum = compute(rec);
      if (key) {
        this.fresh.set(rec.header.name, { key, sum });
        this.scheduleSave();
      }
      return sum;
    };
  }

  /** The file the sums are kept in. */
  get path(): string {
    return this.file;
  }

  private rowFor(name: string): number {
    const names = this.known.names;
    const guess = this.nextRow;
    if (guess < names.length && names[guess] === name) {
      this.nextRow = guess + 1;
      return guess;
    }
    if (!this.rowOf) {
      this.rowOf = new Map();
      for (let i = 0; i < names.length; i++) this.rowOf.set(names[i], i);
    }
    const row = this.rowOf.get(name);
    if (row === undefined) return -1;
    this.nextRow = row + 1;
    return row;
  }

  /** Written once the current burst of hashing is over; entries of files no longer hashed go. */
  private scheduleSave(): void {
    if (this.saveScheduled) return;
    this.saveScheduled = true;
    setImmediate(() => {
      this.saveScheduled = false;
      this.save();
    });
  }

  private save(): void {
    const names: string[] = [];
    const keys: number[] = [];
    const sums: string[] = [];
    const k = this.known.keys;
    for (let i = 0; i < this.order.length; i++) {
      const name = this.order[i];
      const f = this.fresh.get(name);
      const row = this.matched[i];
      if (f) {
        keys.push(...f.key);
        sums.push(f.sum);
      } else if (row >= 0) {
        for (let j = 0; j < FIELDS; j++) keys.push(k[row * FIELDS + j]);
        sums.push(this.known.sums.slice(row * SUM_HEX, (row + 1) * SUM_HEX));
      } else continue;
      names.push(name);
    }
    const tmp = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      mkdirSync(join(this.file, ".."), { recursive: true });
      writeFileSync(tmp, encode(names, keys, sums), { mode: 0o600 });
      renameSync(tmp, this.file);
      // Version 2 kept the same sums as JSON beside it.
      rmSync(this.file.replace(/\.sums$/, ".json"), { force: true });
    } catch {
      // A cache that cannot be written only costs the next build its reads.
      rmSync(tmp, { force: true });
    }
  }
}

/**
 * A hit's `tarsum`: one function for all records, reading the record's own field (a closure per
 * file, with its context, was ~100 bytes of heap each for 20,000 files). Called as a method.
 */
function knownTarsum(this: ContextRecord): string {
  return this.knownTarsum!;
}

function encode(names: string[], keys: number[], sums: string[]): Buffer {
  const nameBytes = Buffer.from(names.join("\0"), "utf8");
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head);
  head.writeUInt32LE(names.length, MAGIC.length);
  head.writeUInt32LE(nameBytes.length, MAGIC.length + 4);
  const rows = Buffer.from(new Float64Array(keys).buffer);
  return Buffer.concat([head, rows, Buffer.from(sums.join(""), "latin1"), nameBytes]);
}

function load(file: string): Loaded {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return EMPTY_CACHE;
  }
  if (buf.length < HEAD || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return EMPTY_CACHE;
  const n = buf.readUInt32LE(MAGIC.length);
  const nameLength = buf.readUInt32LE(MAGIC.length + 4);
  const rowsEnd = HEAD + n * FIELDS * 8;
  const sumsEnd = rowsEnd + n * SUM_HEX;
  if (sumsEnd + nameLength !== buf.length) return EMPTY_CACHE;
  const names = n === 0 ? [] : buf.toString("utf8", sumsEnd).split("\0");
  if (names.length !== n) return EMPTY_CACHE;
  // Not checked character by character: the file is only ever replaced whole (temp file, rename).
  const sums = buf.toString("latin1", rowsEnd, sumsEnd);
  // A Float64Array view needs 8-byte alignment; copy the rows when the buffer does not give it.
  const rows = buf.subarray(HEAD, rowsEnd);
  const keys = rows.byteOffset % 8 === 0
    ? new Float64Array(rows.buffer, rows.byteOffset, n * FIELDS)
    : new Float64Array(new Uint8Array(rows).buffer);
  return { names, keys, sums };
}
