import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type * as tar from "tar-stream";
import { tarStream } from "./tar-stream.js";
import { ContextError } from "./errors.js";
import type { ContextRecord } from "./record.js";

const TYPEFLAGS: Record<string, string> = {
  file: "0", link: "1", symlink: "2", "character-device": "3", "block-device": "4",
  directory: "5", fifo: "6", "contiguous-file": "7",
};

const XATTR_PREFIX = "SCHILY.xattr.";

/**
 * Reads a context tar (plain or gzip, as `docker build -` accepts it) into records, headers
 * kept as the tar has them: the daemon hashes the raw name, mode, uid and gid.
 */
export async function readTarContext(input: Buffer | NodeJS.ReadableStream): Promise<ContextRecord[]> {
  const stream = await decompressed(input);
  // Go's reader also takes pre-POSIX (v7) tars, which tar-stream only reads when asked to.
  const extract = tarStream().extract({ allowUnknownFormat: true } as Parameters<typeof tar.extract>[0]);
  stream.on("error", (e: Error) => extract.destroy(e));
  stream.pipe(extract);
  const records: ContextRecord[] = [];
  try {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      records.push(toRecord(entry.header, data));
    }
  } catch (e) {
    if (e instanceof ContextError) throw e;
    throw new ContextError(`invalid build context tar: ${(e as Error).message}`);
  }
  return records;
}

function toRecord(h: tar.Header, data: Buffer): ContextRecord {
  const typeflag = TYPEFLAGS[h.type ?? ""];
  if (typeflag === undefined) throw new ContextError(`invalid build context tar: entry ${JSON.stringify(h.name)} has unsupported type ${h.type}`);
  const pax = (h.pax ?? {}) as Record<string, string>;
  // Go's tar reader takes uid and gid from PAX records when present (large ids).
  const uid = pax.uid !== undefined ? Number(pax.uid) : h.uid ?? 0;
  const gid = pax.gid !== undefined ? Number(pax.gid) : h.gid ?? 0;
  let xattrs: Record<string, string> | undefined;
  for (const [key, value] of Object.entries(pax)) {
    if (!key.startsWith(XATTR_PREFIX)) continue;
    (xattrs ??= {})[key.slice(XATTR_PREFIX.length)] = value;
  }
  return {
    header: {
      name: h.name,
      mode: h.mode ?? 0,
      uid,
      gid,
      size: h.size ?? data.length,
      typeflag,
      linkname: h.linkname ?? "",
      devmajor: h.devmajor ?? 0,
      devminor: h.devminor ?? 0,
      xattrs,
    },
    mtime: h.mtime ?? new Date(0),
    data: () => data,
  };
}

/** The input as a byte stream, gunzipped if it starts with gzip's magic (archive.DecompressStream). */
async function decompressed(input: Buffer | NodeJS.ReadableStream): Promise<Readable> {
  const source = Buffer.isBuffer(input) ? Readable.from([input]) : (input as AsyncIterable<Buffer | string>);
  const it = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < 6) {
    const next = await it.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value);
    head.push(chunk);
    headLength += chunk.length;
  }
  const magic = Buffer.concat(head);
  const all = Readable.from(
    (async function* () {
      yield* head;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield Buffer.from(next.value);
      }
    })(),
  );
  const format = compression(magic);
  if (format === "gzip") {
    const gunzip = createGunzip();
    all.on("error", (e) => gunzip.destroy(e));
    return all.pipe(gunzip);
  }
  if (format !== "none") {
    throw new ContextError(`unsupported build context compression: ${format} (only plain and gzip tar archives are read)`);
  }
  return all;
}

function compression(magic: Buffer): "none" | "gzip" | "bzip2" | "xz" | "zstd" {
  const starts = (bytes: number[]) => bytes.every((b, i) => magic[i] === b);
  if (starts([0x1f, 0x8b, 0x08])) return "gzip";
  if (starts([0x42, 0x5a, 0x68])) return "bzip2";
  if (starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "xz";
  if (starts([0x28, 0xb5, 0x2f, 0xfd])) return "zstd";
  return "none";
}
