import { createRequire } from "node:module";
import { Readable } from "node:stream";
import type * as TarStream from "tar-stream";
import type { Header } from "tar-stream";

let tarStream: typeof TarStream | undefined;

/** tar-stream (and streamx under it), loaded when a layer is first read, not at startup. */
function loadTarStream(): typeof TarStream {
  return (tarStream ??= createRequire(import.meta.url)("tar-stream") as typeof TarStream);
}

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
}

const TYPES: Record<string, TarEntryType> = {
  file: "file", "contiguous-file": "file", directory: "dir", symlink: "symlink", link: "hardlink",
  "character-device": "char", "block-device": "block", fifo: "fifo",
};

type PaxHeaders = Header & { pax?: Record<string, string> | null };

/**
 * Calls `visit` with each entry of an uncompressed tar, in order, with its whole body. Callbacks
 * rather than async iteration: tar-stream's per-entry async iterators cost a third more time.
 * An exception thrown by `visit` stops the read and rejects the promise.
 */
export function forEachTarEntry(input: Buffer | NodeJS.ReadableStream, visit: (entry: TarEntry) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const extract = loadTarStream().extract();
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      extract.destroy();
      reject(err);
    };
    extract.on("entry", (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (chunk) => {
        chunks.push(chunk as Buffer);
      });
      body.on("error", fail);
      body.on("end", () => {
        try {
          visit(toEntry(header as PaxHeaders, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
        } catch (err) {
          fail(err);
          return;
        }
        next();
      });
    });
    extract.on("finish", () => {
      if (!failed) resolve();
    });
    extract.on("error", fail);
    const source = Buffer.isBuffer(input) ? Readable.from([input]) : input;
    source.on("error", fail);
    source.pipe(extract as unknown as NodeJS.WritableStream);
  });
}

// tar-stream applies PAX path/linkpath/size itself; the numeric PAX overrides are applied here.
function toEntry(h: PaxHeaders, data: Buffer): TarEntry {
  const pax = h.pax ?? {};
  const num = (key: string, fallback: number) => (pax[key] !== undefined ? Number(pax[key]) : fallback);
  return {
    name: h.name,
    type: (h.type && TYPES[h.type]) || "other",
    mode: h.mode ?? 0,
    uid: num("uid", h.uid ?? 0),
    gid: num("gid", h.gid ?? 0),
    size: h.size ?? 0,
    mtime: pax.mtime !== undefined ? new Date(Number(pax.mtime) * 1000) : (h.mtime ?? new Date(0)),
    linkname: h.linkname ?? "",
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
    data,
  };
}
