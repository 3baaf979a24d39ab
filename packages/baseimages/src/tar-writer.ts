/**
 * A synchronous tar writer producing the same header layout as Go's archive/tar (which Docker
 * uses for layer tars): USTAR headers, the name split into prefix/name when that fits, a PAX
 * extended header otherwise, no uname/gname, two zero blocks at the end. Synchronous because a
 * built-in image's layer is generated in one go from static data, and the bytes must be
 * identical on every machine (its sha256 is the image's diffID).
 */
export type TarEntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface TarEntry {
  /** Path inside the archive, without a leading "/" (directories without the trailing "/"). */
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  mtime: number; // seconds since the epoch
  size?: number; // regular files
  /** Regular files: the content; when absent the file is `size` zero bytes (a placeholder). */
  content?: Buffer;
  linkname?: string; // symlink target, or the hard link's first path (no leading "/")
  devmajor?: number;
  devminor?: number;
}

const BLOCK = 512;
const TYPEFLAG: Record<TarEntryType, string> = {
  file: "0", hardlink: "1", symlink: "2", char: "3", block: "4", dir: "5", fifo: "6",
};

function padded(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

function writeOctal(buf: Buffer, off: number, width: number, value: number): void {
  buf.write(value.toString(8).padStart(width - 1, "0") + "\0", off, width, "ascii");
}

function fitsUSTAR(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: "", name };
  // Go's splitUSTARPath: the longest prefix (<=155 bytes) ending at a "/" whose rest fits in 100.
  for (let i = Math.min(name.length - 1, 155); i > 0; i--) {
    if (name[i] !== "/") continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && rest.length > 0 && Buffer.byteLength(rest) <= 100) {
      return { prefix, name: rest };
    }
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  let total = len + String(len).length;
  if (String(total).length !== String(len).length) total = len + String(total).length;
  return `${total}${body}`;
}

interface RawHeader {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  devmajor: number;
  devminor: number;
}

function encodeHeader(h: RawHeader): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, "utf8");
  writeOctal(b, 100, 8, h.mode);
  writeOctal(b, 108, 8, h.uid);
  writeOctal(b, 116, 8, h.gid);
  writeOctal(b, 124, 12, h.size);
  writeOctal(b, 136, 12, h.mtime);
  b.write("        ", 148, 8, "ascii");
  b.write(h.typeflag, 156, 1, "ascii");
  b.write(h.linkname, 157, 100, "utf8");
  b.write("ustar\u000000", 257, 8, "ascii");
  writeOctal(b, 329, 8, h.devmajor);
  writeOctal(b, 337, 8, h.devminor);
  b.write(h.prefix, 345, 155, "utf8");
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i];
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "ascii");
  return b;
}

/** The header blocks (PAX header included when needed) for one entry. */
function headerBlocks(e: TarEntry): Buffer[] {
  const fullName = e.type === "dir" ? e.name + "/" : e.name;
  const linkname = e.linkname ?? "";
  const pax: string[] = [];
  let split = fitsUSTAR(fullName);
  if (!split) {
    pax.push(paxRecord("path", fullName));
    split = { prefix: "", name: fullName.slice(0, 100) };
  }
  if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord("linkpath", linkname));
  const size = e.type === "file" ? (e.content?.length ?? e.size ?? 0) : 0;
  const blocks: Buffer[] = [];
  if (pax.length) {
    const data = Buffer.from(pax.join(""), "utf8");
    const slash = fullName.replace(/\/$/, "").lastIndexOf("/");
    const paxName = (slash >= 0 ? fullName.slice(0, slash + 1) : "") + "PaxHeaders.0/" +
      fullName.replace(/\/$/, "").slice(slash + 1);
    blocks.push(encodeHeader({
      name: paxName.slice(0, 100), prefix: "", mode: 0, uid: 0, gid: 0, size: data.length, mtime: 0,
      typeflag: "x", linkname: "", devmajor: 0, devminor: 0,
    }));
    const body = Buffer.alloc(padded(data.length));
    data.copy(body);
    blocks.push(body);
  }
  blocks.push(encodeHeader({
    name: split.name, prefix: split.prefix, mode: e.mode & 0o7777, uid: e.uid, gid: e.gid, size,
    mtime: e.mtime, typeflag: TYPEFLAG[e.type], linkname: linkname.slice(0, 100),
    devmajor: e.devmajor ?? 0, devminor: e.devminor ?? 0,
  }));
  return blocks;
}

/** Writes the entries, in the order given, into one tar Buffer. */
export function writeTar(entries: Iterable<TarEntry>): Buffer {
  const headers: Buffer[][] = [];
  const list: TarEntry[] = [];
  let total = 2 * BLOCK;
  for (const e of entries) {
    const h = headerBlocks(e);
    headers.push(h);
    list.push(e);
    for (const b of h) total += b.length;
    if (e.type === "file") total += padded(e.content?.length ?? e.size ?? 0);
  }
  // One zero-filled allocation: placeholder files need no writes at all.
  const out = Buffer.alloc(total);
  let off = 0;
  for (let i = 0; i < list.length; i++) {
    for (const b of headers[i]) off += b.copy(out, off);
    const e = list[i];
    if (e.type !== "file") continue;
    const size = e.content?.length ?? e.size ?? 0;
    if (e.content) e.content.copy(out, off);
    off += padded(size);
  }
  return out;
}
