import { closeSync, constants as fsConstants, createReadStream, openSync, readFileSync, writeSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { constants, createGunzip, gunzipSync, gzipSync } from "node:zlib";
import { decodeEntry, type TarSplitEntry } from "../tarsplit/entry.js";
import { LayerRecordError } from "./layerdb.js";

/**
 * The records of a tar-split.json.gz, in order. The file is inflated in one go: it is metadata
 * (a few hundred bytes a member), and a stream with a line reader on top cost more per record
 * than the record itself.
 */
export async function* readTarSplitFile(path: string): AsyncGenerator<TarSplitEntry> {
  yield* readTarSplitFileSync(path);
}

function damaged(path: string, e: unknown): LayerRecordError {
  const code = (e as NodeJS.ErrnoException).code;
  const what = code === "ENOENT" ? "is missing" : `cannot be read (${(e as Error).message})`;
  return new LayerRecordError(`${path} ${what}: the layer's tar metadata is damaged and its tar cannot be rebuilt; run \`tsbuild fsck\`, then rebuild or re-load the image`);
}

/**
 * The records in batches, as the file inflates: zlib works on its own thread meanwhile, so a
 * caller handling each batch synchronously (reading the members' files) overlaps the two. A
 * 50,000-file layer's metadata is ~60 MB of JSON inflated.
 */
export async function* readTarSplitBatches(path: string): AsyncGenerator<TarSplitEntry[]> {
  const text = new StringDecoder("utf8");
  let rest = "";
  const lines = function* (s: string): Generator<TarSplitEntry> {
    for (let start = 0; start < s.length; ) {
      let end = s.indexOf("\n", start);
      if (end < 0) end = s.length;
      const line = s.slice(start, end);
      start = end + 1;
      if (line.trim() !== "") yield decodeEntry(line);
    }
  };
  const inflated = createReadStream(path).pipe(createGunzip({ chunkSize: 1 << 18 }));
  try {
    for await (const chunk of inflated) {
      const s = rest + text.write(chunk as Buffer);
      const cut = s.lastIndexOf("\n");
      rest = s.slice(cut + 1);
      if (cut >= 0) yield [...lines(s.slice(0, cut))];
    }
  } catch (e) {
    if (e instanceof LayerRecordError) throw e;
    throw damaged(path, e);
  } finally {
    inflated.destroy();
  }
  yield [...lines(rest + text.end())];
}

/** readTarSplitFile without a promise per record. */
export function* readTarSplitFileSync(path: string): Generator<TarSplitEntry> {
  let text: string;
  try {
    text = gunzipSync(readFileSync(path)).toString("utf8");
  } catch (e) {
    throw damaged(path, e);
  }
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === "") continue;
    yield decodeEntry(line);
  }
}

/**
 * A gzip'd JSON-lines writer for tar-split records, as layerdb's TarSplitWriter. Lines are
 * compressed in batches, each batch one gzip member (a reader inflates concatenated members as
 * one stream, Go's gzip.Reader included), at the fastest level: the file is only read back by a
 * store, and a layer of 20,000 files would otherwise spend longer compressing its metadata than
 * hashing its content. Synchronous writes: a batch is small and the build has nothing else to do.
 */
export class TarSplitFileWriter {
  private fd: number | undefined;
  /**
   * The pending lines' UTF-8 bytes, in a buffer reused from batch to batch: joining each batch
   * into a 256 KiB string put every one in V8's large-object space until the next full
   * collection (~28 MB for a 20,000-file layer's metadata, most of its peak heap growth).
   */
  private pending = Buffer.allocUnsafe(BATCH * 2);
  private pendingUsed = 0;
  /** The batch's length in UTF-16 code units: where batches end, as when they were joined strings. */
  private pendingChars = 0;
  private lines = 0;
  private wroteAny = false;

  constructor(path: string) {
    this.fd = openSync(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
  }

  async write(line: string): Promise<void> {
    const room = this.pending.length - this.pendingUsed;
    // A UTF-16 code unit is at most three bytes of UTF-8.
    if (line.length * 3 > room) {
      const grown = Buffer.allocUnsafe(Math.max(this.pending.length * 2, this.pendingUsed + line.length * 3));
      this.pending.copy(grown, 0, 0, this.pendingUsed);
      this.pending = grown;
    }
    this.pendingUsed += this.pending.write(line, this.pendingUsed, "utf8");
    this.pendingChars += line.length;
    this.lines++;
    if (this.pendingChars >= BATCH) this.flush();
  }

  async close(): Promise<void> {
    this.flush(true);
    this.destroy();
  }

  destroy(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Writes the pending lines as one member; at the end, one (possibly empty) member at least. */
  private flush(last = false): void {
    if (this.fd === undefined) throw new Error("tar-split writer is closed");
    if (this.lines === 0 && !(last && !this.wroteAny)) return;
    const gz = gzipSync(this.pending.subarray(0, this.pendingUsed), { level: constants.Z_BEST_SPEED });
    this.pendingUsed = 0;
    this.pendingChars = 0;
    this.lines = 0;
    for (let off = 0; off < gz.length; ) off += writeSync(this.fd, gz, off);
    this.wroteAny = true;
  }
}

const BATCH = 256 * 1024;
