import { ArchiveFormatError } from "./errors.js";

/**
 * Decoding of one 512-byte tar header block with the rules of Go's archive/tar
 * (the reader Docker's tar-split uses), so a tar is accepted or refused as Docker would
 * and names come out the same (GNU long names, PAX records, USTAR prefixes).
 */
export const BLOCK = 512;

export interface RawHeader {
  name: string;
  linkname: string;
  /** Size field of the block; PAX `size` may override it later. */
  size: number;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

export class TarFormatError extends ArchiveFormatError {}

/** Go's maxSpecialFileSize: PAX records and GNU long names past it are refused (ErrFieldTooLong). */
export const MAX_SPECIAL_FILE_SIZE = 1 << 20;

export function isZeroBlock(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Where the field [start, start+len) ends: at its first NUL, as Go's parser.parseString. */
function strEnd(b: Buffer, start: number, len: number): number {
  const end = start + len;
  for (let i = start; i < end; i++) if (b[i] === 0) return i;
  return end;
}

/** Octal (spaces and NULs trimmed) or GNU base-256 when the high bit is set. */
export function parseNumeric(field: Buffer): number {
  return numericAt(field, 0, field.length);
}

// Read in place, byte by byte: a header has eight numeric fields, and slicing each into a
// string and testing it with a regular expression was a third of the time spent listing a tar.
function numericAt(b: Buffer, start: number, len: number): number {
  let end = start + len;
  if (len > 0 && b[start] & 0x80) {
    // Base-256: two's complement big-endian, the top bit of the first byte is the marker.
    const neg = (b[start] & 0x40) !== 0;
    let v = 0n;
    for (let i = start; i < end; i++) {
      let c = neg ? b[i] ^ 0xff : b[i];
      if (i === start) c &= 0x7f;
      v = (v << 8n) | BigInt(c);
    }
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TarFormatError("numeric field out of range");
    return neg ? -Number(v) - 1 : Number(v);
  }
  let i = start;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  while (end > i && (b[end - 1] === 0x20 || b[end - 1] === 0)) end--;
  let v = 0;
  for (let k = i; k < end; k++) {
    const digit = b[k] - 0x30;
    if (digit < 0 || digit > 7) throw new TarFormatError(`invalid octal number ${JSON.stringify(b.toString("latin1", i, end))}`);
    v = v * 8 + digit;
  }
  if (!Number.isSafeInteger(v)) throw new TarFormatError("numeric field out of range");
  return v;
}

/** 32-bit word views of the buffers headers are read from, made once per buffer. */
const wordViews = new WeakMap<ArrayBufferLike, Uint32Array>();

/**
 * The sum of a block's 512 bytes: four bytes a step (two 16-bit lanes, which cannot carry into
 * each other over 128 words) when the block is word-aligned in its buffer, as a tar's headers
 * are when the tar was written in blocks; else byte by byte.
 */
function blockSum(b: Buffer): number {
  if ((b.byteOffset & 3) === 0 && b.length === BLOCK) {
    let words = wordViews.get(b.buffer);
    if (words === undefined) wordViews.set(b.buffer, (words = new Uint32Array(b.buffer, 0, b.buffer.byteLength >>> 2)));
    const start = b.byteOffset >>> 2;
    let acc = 0;
    for (let i = start; i < start + BLOCK / 4; i++) {
      const w = words[i];
      acc += (w & 0x00ff00ff) + ((w >>> 8) & 0x00ff00ff);
    }
    return (acc & 0xffff) + (acc >>> 16);
  }
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i];
  return sum;
}

function checksumMatches(b: Buffer): boolean {
  let stored: number;
  try {
    stored = numericAt(b, 148, 8);
  } catch {
    return false;
  }
  // Go accepts the unsigned and the signed (historic) sum, with the checksum field as spaces.
  let unsigned = 8 * 0x20 + blockSum(b);
  for (let i = 148; i < 156; i++) unsigned -= b[i];
  if (stored === unsigned) return true;
  let high = 0;
  for (let i = 0; i < BLOCK; i++) if ((i < 148 || i >= 156) && b[i] > 127) high++;
  return stored === unsigned - 256 * high;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** File names are carried as strings; a name that is not UTF-8 cannot round-trip, so it is refused. */
export function decodeName(b: Buffer, what: string): string {
  return nameAt(b, 0, b.length, what);
}

function nameAt(b: Buffer, start: number, end: number, what: string): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (b[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  // ASCII, as nearly every name is, reads as latin1 without the UTF-8 decoder.
  if (ascii) return b.toString("latin1", start, end);
  try {
    return utf8.decode(b.subarray(start, end));
  } catch {
    throw new TarFormatError(`${what} ${JSON.stringify(b.toString("latin1", start, end))} is not valid UTF-8 (not supported)`);
  }
}

/** A GNU long name or link record's data: the name up to its first NUL. */
export function decodeLongName(data: Buffer): string {
  return nameAt(data, 0, strEnd(data, 0, data.length), "long name");
}

/** "ustar\0" at 257 (POSIX), "ustar " + " \0" (old GNU), "tar\0" at 508 (star). */
function matches(b: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** `verified`: the bytes were checked against a digest already, so the checksum need not be summed. */
export function decodeHeader(b: Buffer, verified = false): RawHeader {
  if (!verified && !checksumMatches(b)) throw new TarFormatError("archive/tar: invalid tar header");
  const ustar = matches(b, 257, "ustar\0");
  const star = ustar && matches(b, 508, "tar\0");
  const gnu = matches(b, 257, "ustar ") && matches(b, 263, " \0");

  let name = nameAt(b, 0, strEnd(b, 0, 100), "entry name");
  if (ustar) {
    const prefixLen = star ? 131 : 155;
    const prefix = nameAt(b, 345, strEnd(b, 345, prefixLen), "entry name prefix");
    if (prefix.length > 0) name = prefix + "/" + name;
  }
  const modern = ustar || gnu;
  return {
    name,
    linkname: nameAt(b, 157, strEnd(b, 157, 100), "link name"),
    size: numericAt(b, 124, 12),
    typeflag: String.fromCharCode(b[156]),
    mode: numericAt(b, 100, 8),
    uid: numericAt(b, 108, 8),
    gid: numericAt(b, 116, 8),
    mtime: numericAt(b, 136, 12),
    uname: modern ? b.toString("utf8", 265, strEnd(b, 265, 32)) : "",
    gname: modern ? b.toString("utf8", 297, strEnd(b, 297, 32)) : "",
    devmajor: modern ? numericAt(b, 329, 8) : 0,
    devminor: modern ? numericAt(b, 337, 8) : 0,
  };
}

/** PAX extended header records: "%d %s=%s\n". */
export function parsePax(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) throw new TarFormatError("archive/tar: invalid PAX record");
    const len = Number(data.subarray(pos, sp).toString("latin1"));
    if (!Number.isInteger(len) || len <= sp - pos || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new TarFormatError("archive/tar: invalid PAX record");
    }
    const rec = data.subarray(sp + 1, pos + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw new TarFormatError("archive/tar: invalid PAX record");
    out.set(rec.subarray(0, eq).toString("utf8"), rec.subarray(eq + 1));
    pos += len;
  }
  return out;
}

/** Types whose size field says nothing about data in the archive (Go's isHeaderOnlyType). */
export function isHeaderOnly(typeflag: string): boolean {
  return "123456".includes(typeflag);
}

export function padding(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}
