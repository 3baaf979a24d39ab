import { ByteReader, forEachChunkEntry, walkTar, type TarEntry as RawEntry } from "@tsbuild/archive";
import { allZero, pushSegment, type Segment } from "./memfs-node.js";
import type { HollowLayer } from "./base-memo.js";
import { spillThreshold, type ExternalBytes, type SpillFile } from "./spill.js";

export type TarEntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo" | "other";

export interface TarEntry {
  /** The name as archived (PAX `path` and GNU long names applied), "./" and "/" not stripped. */
  name: string;
  type: TarEntryType;
  /** The raw mode field (may include file-type bits). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** The body of a regular file; empty otherwise. May be a view of the input buffer. */
  data: Buffer;
  /**
   * A large body (past {@link LARGE_BODY}) as parts instead of `data`: buffers, and runs of
   * zeros as their length, so a multi-gigabyte sparse file costs no memory and no file needs
   * one Buffer larger than Node allows.
   */
  parts?: Segment[];
  /** A body the tree refers to instead of holding (a store's diff/ file), read when needed. */
  external?: ExternalBytes;
}

/** Bodies larger than this come as parts. */
export const LARGE_BODY = 64 * 1024 * 1024;

// "7" is a contiguous file, which every reader treats as a regular one.
const TYPES: Record<string, TarEntryType> = {
  "0": "file", "7": "file", "5": "dir", "2": "symlink", "1": "hardlink", "3": "char", "4": "block", "6": "fifo",
};

const EMPTY: Buffer = Buffer.alloc(0);

/**
 * Calls `visit` with each entry of an uncompressed layer tar, in order, with its whole body, read
 * by @tsbuild/archive's Go reader (the one every tar in tsbuild goes through). An exception thrown
 * by `visit` stops the read and rejects the promise. Given a spill file, a large body's bytes past
 * the spill threshold are written there as they are read, never held (an image's 1.5 GB file).
 */
export async function forEachTarEntry(input: Buffer | NodeJS.ReadableStream, visit: (entry: TarEntry) => void, spill?: SpillFile): Promise<void> {
  const source = Buffer.isBuffer(input) ? [input] : (input as AsyncIterable<unknown>);
  await walkTar(new ByteReader(toAsync(source)), {
    async entry(h, body) {
      if (h.typeflag === "g") return; // a PAX global header describes the archive, not a member
      let data: Buffer = EMPTY;
      if (h.size > LARGE_BODY) {
        visit({ ...toEntry(h, EMPTY), parts: await partsOf(body, h.size > spillThreshold() ? spill : undefined) });
        return;
      }
      if (h.size > 0) {
        const chunks: Buffer[] = [];
        for await (const c of body) chunks.push(c);
        data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      }
      visit(toEntry(h, data));
    },
  });
}

/**
/**
 * The same entries, synchronously, from a tar already held as chunks whose bytes a store has
 * verified (archive's chunk walk has walkTar's header rules but not all of its error checks for
 * damaged tars, which a verified tar cannot be). Bodies are views of the chunks, as walkTar's are
 * views of its reads; no promise per entry. Given a spill file, a body past the spill threshold
 * is written there, as forEachTarEntry does.
 */
export function forEachVerifiedTarEntry(chunks: readonly Buffer[], visit: (entry: TarEntry) => void, spill?: SpillFile): void {
  // Entries of a layer mostly share an mtime, and the tree never changes a Date in place (it
  // assigns new ones), so one Date serves every run of equal times: a surviving object less per file.
  const times = { seconds: NaN, date: new Date(0) };
  forEachChunkEntry(chunks, (h) => {
    const views = h.data;
    if (h.size > LARGE_BODY) {
      const parts = new Parts(h.size > spillThreshold() ? spill : undefined);
      for (const c of views) parts.add(c, false);
      visit({ ...toEntry(h, EMPTY, times), parts: parts.done() });
      return;
    }
    if (views.length <= 1) {
      visit(toEntry(h, views.length === 0 ? EMPTY : views[0], times));
      return;
    }
    // A body across several of the held chunks stays as views of them: joining them copied every
    // such file of a stage image materialised again (21 ms of a 340 ms in-process build).
    const parts: Segment[] = [];
    for (const v of views) pushSegment(parts, v, true);
    visit({ ...toEntry(h, EMPTY, times), parts });
  }, { verified: true });
}

/**
 * The entries of a layer given hollow: its members' headers, already folded, each with its data
 * referred to rather than read (a disk store's diff/ files, as overlay2 stacks them without
 * reading them). A body whose length is not the header's size means the records disagree.
 */
export function forEachHollowTarEntry(layer: HollowLayer, visit: (entry: TarEntry) => void): void {
  const times = { seconds: NaN, date: new Date(0) };
  layer.members((m) => {
    if (m.typeflag === "g") return;
    if (times.seconds !== m.mtime) {
      times.seconds = m.mtime;
      times.date = new Date(m.mtime * 1000);
    }
    const e: TarEntry = {
      name: m.name, type: TYPES[m.typeflag] ?? "other", mode: m.mode, uid: m.uid, gid: m.gid, size: m.size, mtime: times.date,
      linkname: m.linkname, devmajor: m.devmajor, devminor: m.devminor, data: EMPTY,
    };
    if (m.size > 0 && !"123456".includes(m.typeflag)) {
      if (!m.body || m.body.length !== m.size) {
        throw new Error(`${layer.what ?? "layer"}: ${m.name} has ${m.size} bytes in its header but ${m.body ? m.body.length : "none"} stored`);
      }
      e.external = m.body;
    }
    visit(e);
  });
}

/**
 * A body as parts: zero chunks become counts, other chunks are kept, small ones joined; with a
 * spill file, written there instead (one range while they follow each other).
 */
class Parts {
  private readonly parts: Segment[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly spill?: SpillFile) {}

  /** `copy`: the chunk is a view of a read buffer the reader reuses, so keep a copy of it. */
  add(c: Buffer, copy: boolean): void {
    if (allZero(c)) {
      this.flush();
      pushSegment(this.parts, c.length);
      return;
    }
    this.pending.push(copy ? Buffer.from(c) : c);
    this.pendingBytes += c.length;
    if (this.pendingBytes >= 1 << 20) this.flush();
  }

  done(): Segment[] {
    this.flush();
    return this.parts;
  }

  private flush(): void {
    if (this.pendingBytes > 0) {
      const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
      pushSegment(this.parts, this.spill ? this.spill.append(bytes) : bytes, true);
    }
    this.pending = [];
    this.pendingBytes = 0;
  }
}

async function partsOf(body: AsyncIterable<Buffer>, spill?: SpillFile): Promise<Segment[]> {
  const parts = new Parts(spill);
  // The reader may hand out views of a larger read buffer: keep a copy, not the whole buffer.
  for await (const c of body) parts.add(c, true);
  return parts.done();
}

async function* toAsync(source: Iterable<unknown> | AsyncIterable<unknown>): AsyncGenerator<unknown> {
  yield* source;
}

function toEntry(h: RawEntry, data: Buffer, times?: { seconds: number; date: Date }): TarEntry {
  const type = TYPES[h.typeflag] ?? "other";
  const seconds = paxSeconds(h);
  let mtime: Date;
  if (!times) mtime = new Date(seconds * 1000);
  else {
    if (times.seconds !== seconds) {
      times.seconds = seconds;
      times.date = new Date(seconds * 1000);
    }
    mtime = times.date;
  }
  return {
    name: h.name,
    type,
    mode: h.mode,
    uid: h.uid,
    gid: h.gid,
    size: h.size,
    mtime,
    linkname: h.linkname,
    devmajor: h.devmajor,
    devminor: h.devminor,
    data,
  };
}

/** The reader keeps whole seconds; a PAX mtime's fraction is kept here, as the tree holds milliseconds. */
function paxSeconds(h: RawEntry): number {
  const pax = h.pax.get("mtime");
  const exact = pax ? Number(pax.toString("latin1")) : NaN;
  return Number.isFinite(exact) ? exact : h.mtime;
}
