/**
 * The one tar writer: header blocks byte-for-byte as Go's archive/tar Writer produces them for the headers moby's
 * pkg/archive builds (Format=PAX, which still lets Go pick USTAR when the fields fit). tar-stream's
 * packer can't be used for writing: it masks the mode to 0o7777 (Docker keeps the file-type bits,
 * e.g. 0o100644), pads numeric fields differently and never uses the USTAR prefix field.
 */
import { BLOCK, padding } from "./tar-header.js";

export interface TarHeader {
  name: string;
  /** "0" file, "1" hard link, "2" symlink, "3" char, "4" block, "5" dir, "6" fifo. */
  typeflag: string;
  /** As written: Docker includes the file-type bits, whiteouts are a bare 0o600. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds since the epoch; null for Go's zero time (written as 0). */
  mtime: number | null;
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
}

const NAME_SIZE = 100;
const PREFIX_SIZE = 155;

/** The block(s) preceding an entry's body: either one USTAR header, or a PAX extended header + its
 *  records + the main header. */
export function encodeHeader(h: TarHeader): Buffer {
  // Nearly every header fits USTAR: tested without building a PAX map and closures per header.
  if (!fitsUSTAR(h)) return encodeHeaderGeneral(h);
  const split = h.name.length > NAME_SIZE ? splitUSTARPath(h.name) : null;
  const blk = mainBlock(h, split ? split.suffix : h.name, false);
  if (split) putString(blk, 345, PREFIX_SIZE, split.prefix);
  finishBlock(blk);
  return blk;
}

/** What encodeHeaderGeneral's checks would all pass: no PAX record needed. */
function fitsUSTAR(h: TarHeader): boolean {
  const name = h.name;
  if (!(isASCII(name) && name.length <= NAME_SIZE) && !splitUSTARPath(name)) return false;
  const link = h.linkname;
  if (link !== undefined && !(link.length <= NAME_SIZE && isASCII(link))) return false;
  const uname = h.uname;
  if (uname !== undefined && !(uname.length <= 32 && isASCII(uname))) return false;
  const gname = h.gname;
  if (gname !== undefined && !(gname.length <= 32 && isASCII(gname))) return false;
  return fitsInOctal(8, h.uid) && fitsInOctal(8, h.gid) && fitsInOctal(12, h.size) && (h.mtime === null || fitsInOctal(12, h.mtime));
}

/** encodeHeader for any header (PAX records where a field does not fit); exported for tests. */
export function encodeHeaderGeneral(h: TarHeader): Buffer {
  const pax = new Map<string, string>();
  let ustar = true;
  const checkString = (s: string, size: number, key: string) => {
    if (isASCII(s) && s.length <= size) return;
    if (key !== "path" || !splitUSTARPath(s)) ustar = false;
    pax.set(key, s);
  };
  const checkNumber = (n: number, size: number, key: string) => {
    if (fitsInOctal(size, n)) return;
    ustar = false;
    pax.set(key, String(n));
  };
  checkString(h.name, NAME_SIZE, "path");
  checkString(h.linkname ?? "", NAME_SIZE, "linkpath");
  checkString(h.uname ?? "", 32, "uname");
  checkString(h.gname ?? "", 32, "gname");
  checkNumber(h.uid, 8, "uid");
  checkNumber(h.gid, 8, "gid");
  checkNumber(h.size, 12, "size");
  if (h.mtime !== null) checkNumber(h.mtime, 12, "mtime");

  if (ustar) {
    const split = h.name.length > NAME_SIZE ? splitUSTARPath(h.name) : null;
    const blk = mainBlock(h, split ? split.suffix : h.name, false);
    if (split) putString(blk, 345, PREFIX_SIZE, split.prefix);
    finishBlock(blk);
    return blk;
  }
  const records = [...pax.keys()].sort().map((k) => paxRecord(k, pax.get(k)!)).join("");
  const data = Buffer.from(records, "utf8");
  const paxBlock = rawFileBlock(paxHeaderName(h.name), data.length);
  const main = mainBlock(h, h.name, true);
  finishBlock(main);
  return Buffer.concat([paxBlock, data, zeroPadding(padding(data.length)), main]);
}

/** The end-of-archive marker Go writes: two zero blocks, no padding to a record size. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);

// Go's templateV7Plus: numeric fields are octal with leading zeros and a NUL; out-of-range values
// (carried in PAX records instead) are written as 0.
function mainBlock(h: TarHeader, name: string, ascii: boolean): Buffer {
  const blk = allocBlock();
  const str = (off: number, size: number, s: string) => putString(blk, off, size, ascii ? toASCII(s) : s);
  str(0, 100, name);
  putOctal(blk, 100, 8, h.mode);
  putOctal(blk, 108, 8, h.uid);
  putOctal(blk, 116, 8, h.gid);
  putOctal(blk, 124, 12, h.size);
  putOctal(blk, 136, 12, h.mtime ?? 0);
  blk[156] = h.typeflag.charCodeAt(0);
  str(157, 100, h.linkname ?? "");
  str(265, 32, h.uname ?? "");
  str(297, 32, h.gname ?? "");
  putOctal(blk, 329, 8, h.devmajor ?? 0);
  putOctal(blk, 337, 8, h.devminor ?? 0);
  return blk;
}

// Header blocks are carved out of zeroed slabs: a layer of 20,000 files would otherwise make
// 20,000 separate allocations. Blocks are never written after they are returned.
const SLAB_BLOCKS = 128;
let slab = Buffer.alloc(0);
/** The slab as 32-bit words (its own ArrayBuffer, offset 0), for summing a block four bytes a step. */
let slabWords = new Uint32Array(0);
let slabUsed = 0;

function allocBlock(): Buffer {
  if (slabUsed === slab.length) {
    slab = Buffer.alloc(SLAB_BLOCKS * BLOCK);
    slabWords = new Uint32Array(slab.buffer, slab.byteOffset, slab.length / 4);
    slabUsed = 0;
  }
  slabUsed += BLOCK;
  return slab.subarray(slabUsed - BLOCK, slabUsed);
}

/** Zero bytes for padding, shared: a view of it is never written to. */
const ZEROS = Buffer.alloc(BLOCK);

/** The `n` (< 512) zero bytes that pad a body, as a view of a shared zero block. */
export function zeroPadding(n: number): Buffer {
  return ZEROS.subarray(0, n);
}

// Go's writeRawFile for the PAX extended header: only name, mode/uid/gid 0, size, mtime 0.
function rawFileBlock(name: string, size: number): Buffer {
  const blk = allocBlock();
  let n = toASCII(name);
  if (n.length > NAME_SIZE) n = n.slice(0, NAME_SIZE);
  n = n.replace(/\/+$/, "");
  putString(blk, 0, 100, n);
  putOctal(blk, 100, 8, 0);
  putOctal(blk, 108, 8, 0);
  putOctal(blk, 116, 8, 0);
  putOctal(blk, 124, 12, size);
  putOctal(blk, 136, 12, 0);
  blk[156] = "x".charCodeAt(0);
  finishBlock(blk);
  return blk;
}

/** path.Join(dir, "PaxHeaders.0", file) of path.Split(name). */
function paxHeaderName(name: string): string {
  const slash = name.lastIndexOf("/");
  const dir = name.slice(0, slash + 1);
  const file = name.slice(slash + 1);
  return [dir.replace(/\/+$/, ""), "PaxHeaders.0", file].filter((p) => p !== "").join("/");
}

const MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72, 0, 0x30, 0x30]; // "ustar\0" "00"

// Magic "ustar\0" + version "00", then the checksum: six octal digits, NUL, space.
function finishBlock(blk: Buffer): void {
  for (let i = 0; i < 8; i++) blk[257 + i] = MAGIC[i];
  // The checksum field counts as eight spaces.
  for (let i = 148; i < 156; i++) blk[i] = 0x20;
  putOctal(blk, 148, 7, byteSum(blk));
  blk[155] = 0x20;
}

/**
 * The sum of a block's bytes. A block of the current slab is summed as 128 words, two 16-bit
 * lanes at a time (each lane adds at most 128 × 2 × 255 < 65,536, so none carries into the other).
 */
function byteSum(blk: Buffer): number {
  if (blk.buffer === slab.buffer && (blk.byteOffset & 3) === 0 && blk.length === BLOCK) {
    const start = (blk.byteOffset - slab.byteOffset) >>> 2;
    let acc = 0;
    for (let i = start; i < start + BLOCK / 4; i++) {
      const w = slabWords[i];
      acc += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    }
    return (acc & 0xffff) + (acc >>> 16);
  }
  let sum = 0;
  for (let i = 0; i < blk.length; i++) sum += blk[i];
  return sum;
}

/** The field [off, off+size): octal digits with leading zeros and a NUL, 0 when x does not fit. */
function putOctal(b: Buffer, off: number, size: number, x: number): void {
  let v = fitsInOctal(size, x) ? x : 0;
  let i = off + size - 2;
  // Bit operations while the value fits 31 bits (every mode and id, mtimes until 2038).
  for (; i >= off && v > 0x7fffffff; i--) {
    b[i] = 0x30 + (v % 8);
    v = Math.floor(v / 8);
  }
  for (; i >= off; i--) {
    b[i] = 0x30 + (v & 7);
    v >>>= 3;
  }
  b[off + size - 1] = 0;
}

// Go's formatString: truncate to the field, NUL-terminate when shorter, and never leave a
// truncated field ending in "/" (some readers would take the entry for a directory).
function putString(b: Buffer, off: number, size: number, s: string): void {
  if (s.length <= size) {
    // Short fields by hand: a native write per field cost more than the copy. Latin-1 keeps the
    // low byte of each code unit, as Buffer.write does.
    for (let i = 0; i < s.length; i++) b[off + i] = s.charCodeAt(i) & 0xff;
    if (s.length < size) b[off + s.length] = 0;
    return;
  }
  b.write(s, off, Math.min(s.length, size), "latin1");
  if (s.length < size) b[off + s.length] = 0;
  if (s.length > size && b[off + size - 1] === 0x2f) {
    const n = s.slice(0, size - 1).replace(/\/+$/, "").length;
    b[off + n] = 0;
  }
}

/** 8 ** (width - 1): the first value an octal field of this width cannot hold. */
const OCTAL_LIMIT = Array.from({ length: 13 }, (_, w) => 8 ** Math.max(0, w - 1));

function fitsInOctal(width: number, x: number): boolean {
  return x >= 0 && x < OCTAL_LIMIT[width];
}

function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

function toASCII(s: string): string {
  return isASCII(s) && !s.includes("\0") ? s : s.replace(/[^\x01-\x7f]/gu, "");
}

/** Go's splitUSTARPath: a prefix (≤155) and a name (≤100) split at a "/", ASCII only. */
function splitUSTARPath(name: string): { prefix: string; suffix: string } | null {
  let length = name.length;
  if (length <= NAME_SIZE || !isASCII(name)) return null;
  if (length > PREFIX_SIZE + 1) length = PREFIX_SIZE + 1;
  else if (name[length - 1] === "/") length--;
  const i = name.lastIndexOf("/", length - 1);
  const nlen = name.length - i - 1;
  if (i <= 0 || nlen > NAME_SIZE || nlen === 0 || i > PREFIX_SIZE) return null;
  return { prefix: name.slice(0, i), suffix: name.slice(i + 1) };
}

/** "%d %s=%s\n" where the length counts itself (Go's formatPAXRecord). */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body, "utf8");
  let size = bodyLen + String(bodyLen).length;
  if (String(size).length + bodyLen !== size) size = String(size).length + bodyLen;
  return `${size}${body}`;
}
