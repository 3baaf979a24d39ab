import { ByteReader, forEachChunkEntry, walkTar, type TarEntry as RawEntry } from "@tsbuild/archive";
import { allZero, type Segment } from "./memfs-node.js";

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
 * by `visit` stops the read and rejects the promise.
 */
export async function forEachTarEntry(input: Buffer | NodeJS.ReadableStream, visit: (entry: TarEntry) => void): Promise<void> {
  const source = Buffer.isBuffer(input) ? [input] : (input as AsyncIterable<unknown>);
  await walkTar(new ByteReader(toAsync(source)), {
    async entry(h, body) {
      if (h.typeflag === "g") return; // a PAX global header describes the archive, not a member
      let data: Buffer = EMPTY;
      if (h.size > LARGE_BODY) {
        visit({ ...toEntry(h, EMPTY), parts: await partsOf(body) });
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
 * The same entries, synchronously, from a tar already held as chunks whose bytes a store has
 * verified (archive's chunk walk has walkTar's header rules but not all of its error checks for
 * damaged tars, which a verified tar cannot be). Bodies are views of the chunks, as walkTar's are
 * views of its reads; no promise per entry.
 */
export function forEachVerifiedTarEntry(chunks: readonly Buffer[], visit: (entry: TarEntry) => void): void {
  // Entries of a layer mostly share an mtime, and the tree never changes a Date in place (it
  // assigns new ones), so one Date serves every run of equal times: a surviving object less per file.
  const times = { seconds: NaN, date: new Date(0) };
  forEachChunkEntry(chunks, (h) => {
    const views = h.data;
    if (h.size > LARGE_BODY) {
      visit({ ...toEntry(h, EMPTY, times), parts: partsOfViews(views) });
      return;
    }
    visit(toEntry(h, views.length === 0 ? EMPTY : views.length === 1 ? views[0] : Buffer.concat(views), times));
  });
}

function partsOfViews(views: readonly Buffer[]): Segment[] {
  const parts: Segment[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pendingBytes > 0) parts.push(Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  };
  for (const c of views) {
    if (allZero(c)) {
      flush();
      const last = parts[parts.length - 1];
      if (typeof last === "number") parts[parts.length - 1] = last + c.length;
      else parts.push(c.length);
      continue;
    }
    pending.push(c);
    pendingBytes += c.length;
    if (pendingBytes >= 1 << 20) flush();
  }
  flush();
  return parts;
}

/** A body as parts: zero chunks become counts, other chunks are kept, small ones joined. */
async function partsOf(body: AsyncIterable<Buffer>): Promise<Segment[]> {
  const parts: Segment[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pendingBytes > 0) parts.push(pending.length === 1 ? pending[0] : Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
  };
  for await (const c of body) {
    if (allZero(c)) {
      flush();
      const last = parts[parts.length - 1];
      if (typeof last === "number") parts[parts.length - 1] = last + c.length;
      else parts.push(c.length);
      continue;
    }
    // The reader may hand out views of a larger read buffer: keep a copy, not the whole buffer.
    pending.push(Buffer.from(c));
    pendingBytes += c.length;
    if (pendingBytes >= 1 << 20) flush();
  }
  flush();
  return parts;
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
