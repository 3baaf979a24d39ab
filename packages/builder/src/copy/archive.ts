import { posix } from "node:path";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import tar from "tar-stream";
// @ts-expect-error seek-bzip ships no types: decode(Buffer) → Buffer.
import Bunzip from "seek-bzip";
import xzDecompress from "xz-decompress";
import type { RootFS } from "@tsbuild/fs-snapshot";

type Compression = "none" | "gzip" | "bzip2" | "xz";

/** The magic numbers pkg/archive.DetectCompression looks for. */
export function compressionOf(data: Buffer): Compression {
  if (data[0] === 0x1f && data[1] === 0x8b && data[2] === 0x08) return "gzip";
  if (data.subarray(0, 3).toString("latin1") === "BZh") return "bzip2";
  if (data.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return "xz";
  return "none";
}

/** ADD only extracts what decompresses to a tar whose first header parses (archive.IsArchivePath). */
export function isArchive(data: Buffer): boolean {
  const kind = compressionOf(data);
  if (kind === "none") return looksLikeTar(data);
  // The body is checked when it is extracted; a compressed non-tar is copied as is by Docker too,
  // but deciding needs the first block, which gzip lets us read cheaply.
  if (kind === "gzip") {
    try {
      return looksLikeTar(gunzipSync(data));
    } catch {
      return false;
    }
  }
  return true;
}

function looksLikeTar(data: Buffer): boolean {
  if (data.length < 512) return false;
  const header = data.subarray(0, 512);
  const stored = parseInt(header.subarray(148, 156).toString("latin1").replace(/\0.*$/s, "").trim(), 8);
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === stored;
}

async function decompress(data: Buffer): Promise<Buffer> {
  switch (compressionOf(data)) {
    case "gzip":
      return gunzipSync(data);
    case "bzip2":
      return Buffer.from(Bunzip.decode(data));
    case "xz": {
      const web = new xzDecompress.XzReadableStream(new Blob([new Uint8Array(data)]).stream() as ReadableStream<Uint8Array>);
      return collect(Readable.fromWeb(web as import("node:stream/web").ReadableStream<Uint8Array>));
    }
    default:
      return data;
  }
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/**
 * archive.Untar into DEST: entries keep their mode and owner; no entry may land outside DEST
 * (`../`, absolute names and links through symlinks are confined or refused).
 */
export async function extractArchive(fs: RootFS, data: Buffer, dest: string): Promise<void> {
  const plain = await decompress(data);
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        try {
          writeEntry(fs, dest, header, Buffer.concat(chunks));
          next();
        } catch (e) {
          reject(e);
        }
      });
      stream.on("error", reject);
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([plain]).pipe(extract);
  await done;
}

function writeEntry(fs: RootFS, dest: string, h: tar.Header, body: Buffer): void {
  const rel = posix.normalize("/" + h.name).slice(1);
  const cleaned = posix.normalize(h.name);
  if (cleaned === ".." || cleaned.startsWith("../")) {
    throw new Error(`invalid archive entry "${h.name}": it would land outside the destination`);
  }
  const target = rel ? posix.join(dest, rel) : dest;
  const owner = { uid: h.uid ?? 0, gid: h.gid ?? 0 };
  const mode = (h.mode ?? 0o644) & 0o7777;
  ensureParents(fs, posix.dirname(target));
  switch (h.type) {
    case "directory":
      if (!isDir(fs, target)) fs.mkdir(target, { mode, owner });
      fs.chmod(target, mode);
      fs.chown(target, owner, { noFollow: true });
      return;
    case "symlink":
      removeExisting(fs, target);
      fs.symlink(h.linkname ?? "", target, { owner });
      return;
    case "link": {
      const linkRel = posix.normalize("/" + (h.linkname ?? "")).slice(1);
      removeExisting(fs, target);
      fs.link(posix.join(dest, linkRel), target);
      return;
    }
    case "file":
    case "contiguous-file":
    case undefined:
      removeExisting(fs, target);
      fs.writeFile(target, body, { mode, owner, mtime: h.mtime });
      return;
    default:
      // Devices and fifos need privileges Docker has and a sandbox doesn't; skip them as rootless Docker does.
      return;
  }
}

function isDir(fs: RootFS, p: string): boolean {
  try {
    return fs.lstat(p).type === "dir";
  } catch {
    return false;
  }
}

function removeExisting(fs: RootFS, p: string): void {
  try {
    const st = fs.lstat(p);
    if (st.type === "dir") fs.rm(p, { recursive: true });
    else fs.unlink(p);
  } catch {
    /* nothing there */
  }
}

function ensureParents(fs: RootFS, dir: string): void {
  if (isDir(fs, dir)) return;
  fs.mkdir(dir, { recursive: true, mode: 0o755, owner: { uid: 0, gid: 0 } });
}
