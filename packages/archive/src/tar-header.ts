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

/** Up to the first NUL, as Go's parser.parseString. */
function str(b: Buffer, start: number, len: number): Buffer {
  const field = b.subarray(start, start + len);
  const nul = field.indexOf(0);
  return nul >= 0 ? field.subarray(0, nul) : field;
}

/** Octal (spaces and NULs trimmed) or GNU base-256 when the high bit is set. */
export function parseNumeric(field: Buffer): number {
  if (field.length > 0 && field[0] & 0x80) {
    // Base-256: two's complement big-endian, the top bit of the first byte is the marker.
    const neg = (field[0] & 0x40) !== 0;
    let v = 0n;
    for (let i = 0; i < field.length; i++) {
      let c = neg ? field[i] ^ 0xff : field[i];
      if (i === 0) c &= 0x7f;
      v = (v << 8n) | BigInt(c);
    }
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new TarFormatError("numeric field out of range");
    return neg ? -Number(v) - 1 : Number(v);
  }
  let s = field.toString("latin1");
  s = s.replace(/^[ \0]+|[ \0]+$/g, "");
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) throw new TarFormatError(`invalid octal number ${JSON.stringify(s)}`);
  const v = parseInt(s, 8);
  if (!Number.isSafeInteger(v)) throw new TarFormatError("numeric field out of range");
  return v;
}

function checksumMatches(b: Buffer): boolean {
  let stored: number;
  try {
    stored = parseNumeric(b.subarray(148, 156));
  } catch {
    return false;
  }
  // Go accepts the unsigned and the signed (historic) sum, with the checksum field as spaces.
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : b[i];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** File names are carried as strings; a name that is not UTF-8 cannot round-trip, so it is refused. */
export function decodeName(b: Buffer, what: string): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new TarFormatError(`${what} ${JSON.stringify(b.toString("latin1"))} is not valid UTF-8 (not supported)`);
  }
}

/** A GNU long name or link record's data: the name up to its first NUL. */
export function decodeLongName(data: Buffer): string {
  const nul = data.indexOf(0);
  return decodeName(nul >= 0 ? data.subarray(0, nul) : data, "long name");
}

export function decodeHeader(b: Buffer): RawHeader {
  if (!checksumMatches(b)) throw new TarFormatError("archive/tar: invalid tar header");
  const magic = b.subarray(257, 263).toString("latin1");
  const version = b.subarray(263, 265).toString("latin1");
  const trailer = b.subarray(508, 512).toString("latin1");
  const ustar = magic === "ustar\0";
  const star = ustar && trailer === "tar\0";
  const gnu = magic === "ustar " && version === " \0";

  let name = decodeName(str(b, 0, 100), "entry name");
  if (ustar) {
    const prefix = decodeName(str(b, 345, star ? 131 : 155), "entry name prefix");
    if (prefix.length > 0) name = prefix + "/" + name;
  }
  const modern = ustar || gnu;
  return {
    name,
    linkname: decodeName(str(b, 157, 100), "link name"),
    size: parseNumeric(b.subarray(124, 136)),
    typeflag: String.fromCharCode(b[156]),
    mode: parseNumeric(b.subarray(100, 108)),
    uid: parseNumeric(b.subarray(108, 116)),
    gid: parseNumeric(b.subarray(116, 124)),
    mtime: parseNumeric(b.subarray(136, 148)),
    uname: modern ? str(b, 265, 32).toString("utf8") : "",
    gname: modern ? str(b, 297, 32).toString("utf8") : "",
    devmajor: modern ? parseNumeric(b.subarray(329, 337)) : 0,
    devminor: modern ? parseNumeric(b.subarray(337, 345)) : 0,
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
