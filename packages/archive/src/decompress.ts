import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { createRequire } from "node:module";
import { chunksOf, type ByteSource } from "./bytes.js";
import { bunzipBlocks } from "./bzip2.js";
import { ArchiveFormatError, ExpansionLimitError } from "./errors.js";
import { compressionOf, SNIFF_BYTES, type Compression } from "./sniff.js";

export interface DecompressOptions {
  /** Most bytes the decompressed stream may hold; past it an ExpansionLimitError stops it. */
  limit?: number;
}

export interface Opened {
  compression: Compression;
  /** The decompressed bytes, streamed: nothing is held whole. */
  chunks: AsyncGenerator<Buffer>;
}

/**
 * archive.DecompressStream: the input's magic number picks the decoder (gzip, bzip2, xz, zstd,
 * or none), and the output is streamed and counted, so a bomb stops at `limit` instead of
 * growing a buffer until Node aborts.
 */
export async function openCompressed(input: ByteSource, opts: DecompressOptions = {}): Promise<Opened> {
  const it = chunksOf(input);
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) break;
    head.push(r.value);
    headLength += r.value.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    yield* it;
  }
  const compression = compressionOf(Buffer.concat(head));
  const limit = opts.limit ?? Infinity;
  return { compression, chunks: counted(decoders[compression](all(), limit), compression === "none" ? Infinity : limit) };
}

/** The decompressed bytes of `input` (see openCompressed). */
export async function* decompress(input: ByteSource, opts: DecompressOptions = {}): AsyncGenerator<Buffer> {
  yield* (await openCompressed(input, opts)).chunks;
}

async function* counted(source: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const c of source) {
    total += c.length;
    if (total > limit) throw new ExpansionLimitError(limit);
    yield c;
  }
}

const decoders: Record<Compression, (src: AsyncGenerator<Buffer>, limit: number) => AsyncIterable<Buffer>> = {
  none: (src) => src,
  gzip: gunzip,
  bzip2: bunzip2,
  xz: unxz,
  zstd: unzstd,
};

async function* gunzip(src: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const z = createGunzip();
  const feed = Readable.from(src);
  feed.on("error", (e) => z.destroy(e));
  feed.pipe(z);
  try {
    for await (const c of z) yield c as Buffer;
  } catch (e) {
    throw codecError("gzip", e);
  } finally {
    feed.destroy();
    z.destroy();
  }
}

async function* bunzip2(src: AsyncGenerator<Buffer>, limit: number): AsyncGenerator<Buffer> {
  // seek-bzip decodes from memory: the compressed input is gathered (it is what the user gave),
  // the output is not.
  const parts: Buffer[] = [];
  for await (const c of src) parts.push(c);
  yield* bunzipBlocks(Buffer.concat(parts), (produced) => {
    if (produced > limit) throw new ExpansionLimitError(limit);
  });
}

async function* unxz(src: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const { XzReadableStream } = createRequire(import.meta.url)("xz-decompress") as typeof import("xz-decompress");
  const web = new XzReadableStream(Readable.toWeb(Readable.from(src)) as unknown as ReadableStream<Uint8Array>);
  const reader = web.getReader();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw codecError("xz", e);
      }
      if (r.done) return;
      yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** Compressed bytes handed to fzstd at once: bounds what one push can expand to (RLE blocks). */
const ZSTD_SLICE = 1024;

async function* unzstd(src: AsyncGenerator<Buffer>, limit: number): AsyncGenerator<Buffer> {
  const { Decompress } = createRequire(import.meta.url)("fzstd") as typeof import("fzstd");
  let out: Buffer[] = [];
  let total = 0;
  const d = new Decompress((data) => {
    total += data.length;
    if (total > limit) throw new ExpansionLimitError(limit);
    // fzstd reuses its window buffer: the bytes are copied before the next push.
    out.push(Buffer.from(data));
  });
  let sawInput = false;
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      d.push(chunk, final);
    } catch (e) {
      throw codecError("zstd", e);
    }
  };
  for await (const c of src) {
    sawInput = true;
    for (let i = 0; i < c.length; i += ZSTD_SLICE) {
      push(c.subarray(i, i + ZSTD_SLICE), false);
      if (out.length) {
        yield* out;
        out = [];
      }
    }
  }
  if (!sawInput) throw new ArchiveFormatError("zstd data is corrupt: empty input");
  push(new Uint8Array(0), true);
  yield* out;
}

function codecError(codec: string, e: unknown): Error {
  if (e instanceof ExpansionLimitError || e instanceof ArchiveFormatError) return e;
  const msg = ((e as Error)?.message ?? String(e)).replace(/^Error:\s*/, "");
  return new ArchiveFormatError(`${codec} data is corrupt: ${msg}`);
}
