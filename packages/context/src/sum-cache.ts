import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from "node:fs";
import { join } from "node:path";
import type { ContextRecord } from "./record.js";

/**
 * The tarsums of a context directory's files, remembered between builds and keyed by what lstat
 * says of each file (BuildKit's contenthash cache keys by path and stat the same way): a file
 * whose size, mtime, ctime, inode, device and mode are unchanged is not read again to hash it,
 * so a rebuild of an unchanged tree costs the walk's lstat calls. The ctime is part of the key
 * because no user call sets it back (touch -m can restore an mtime); a file changed in the last
 * seconds is not remembered, since two writes within one timestamp tick look the same.
 *
 * One JSON file per context directory, named by the hash of its real path; it is a cache:
 * unreadable or of another version, it is ignored, and concurrent builds may overwrite each
 * other's (each entry is checked against the file's stat before use).
 */
const VERSION = 2;
/** Files modified this recently (ns) are not remembered. */
const RACY_NS = 2_000_000_000n;

/** What lstat said of the file when it was hashed, then its tarsum (numbers: no key string to build). */
type Entry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, dev: number, mode: number, headerMode: number, sum: string];
const SUM = 7;

export class ContextSumCache {
  private readonly known: Map<string, Entry>;
  private readonly fresh = new Map<string, Entry>();
  /** The context's files: entries of others (removed since) are not written back. */
  private readonly present = new Set<string>();
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
    return new ContextSumCache(join(dir, createHash("sha256").update(root).digest("hex") + ".json"), opts.racyNs ?? RACY_NS);
  }

  /**
   * The record with its tarsum taken from the cache when the file's stat matches, else computed
   * (by `compute`, from the record's content) and remembered. The record itself is given its
   * `tarsum` (no copy per file: 20,000 of them in the big-context bench).
   */
  wrap(rec: ContextRecord, stat: Stats | undefined, compute: (rec: ContextRecord) => string): ContextRecord {
    if (!stat || rec.header.typeflag !== "0") return rec;
    const name = rec.header.name;
    this.present.add(name);
    // Plain-number stats (no BigInts: the profile's cost per file): the times as fractional ms
    // keep sub-microsecond steps at today's dates, inodes and devices fit in 2^53 on Linux's
    // file systems, and anything changed within the racy window is never remembered anyway.
    const racy = stat.mtimeMs > this.racyAfterMs || stat.ctimeMs > this.racyAfterMs;
    rec.tarsum = () => {
      const hit = this.known.get(name);
      if (
        hit && hit[0] === stat.size && hit[1] === stat.mtimeMs && hit[2] === stat.ctimeMs && hit[3] === stat.ino &&
        hit[4] === stat.dev && hit[5] === stat.mode && hit[6] === rec.header.mode
      ) {
        this.fresh.set(name, hit);
        return hit[SUM];
      }
      const sum = compute(rec);
      if (!racy) {
        this.fresh.set(name, [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, stat.dev, stat.mode, rec.header.mode, sum]);
        this.scheduleSave();
      }
      return sum;
    };
    return rec;
  }

  /** The file the sums are kept in. */
  get path(): string {
    return this.file;
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
    const entries = new Map([...this.known].filter(([k]) => this.present.has(k)));
    for (const [k, v] of this.fresh) entries.set(k, v);
    const text = JSON.stringify({ version: VERSION, entries: Object.fromEntries(entries) });
    const tmp = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      mkdirSync(join(this.file, ".."), { recursive: true });
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs the next build its reads.
      rmSync(tmp, { force: true });
    }
  }
}

function load(file: string): Map<string, Entry> {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown; entries?: Record<string, Entry> };
    if (parsed.version !== VERSION || !parsed.entries || typeof parsed.entries !== "object") return new Map();
    // One loop into the map: no intermediate arrays of 20,000 pairs to collect.
    const known = new Map<string, Entry>();
    for (const name in parsed.entries) {
      const e = parsed.entries[name];
      if (Array.isArray(e) && e.length === SUM + 1 && typeof e[SUM] === "string") known.set(name, e);
    }
    return known;
  } catch {
    return new Map();
  }
}
