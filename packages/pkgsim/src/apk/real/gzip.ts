import { inflateRawSync } from "node:zlib";

/** One gzip member of an apk file: its compressed bytes (what apk hashes and signs) and its content. */
export interface GzipPart {
  raw: Buffer;
  data: Buffer;
}

/**
 * Splits concatenated gzip streams (apk's signature, control and data parts; APKINDEX's
 * signature and index). apk hashes each part's compressed bytes, so the boundaries matter.
 */
export function splitGzip(buf: Buffer, what: string): GzipPart[] {
  const parts: GzipPart[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    if (buf.length - pos < 18 || buf[pos] !== 0x1f || buf[pos + 1] !== 0x8b || buf[pos + 2] !== 8) {
      throw new Error(`${what}: not a gzip stream at byte ${pos} (BAD archive)`);
    }
    const flags = buf[pos + 3];
    pos += 10;
    if (flags & 4) pos += 2 + buf.readUInt16LE(pos); // FEXTRA
    if (flags & 8) pos = buf.indexOf(0, pos) + 1; // FNAME
    if (flags & 16) pos = buf.indexOf(0, pos) + 1; // FCOMMENT
    if (flags & 2) pos += 2; // FHCRC
    let r;
    try {
      r = inflateRawSync(buf.subarray(pos), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    } catch (e) {
      throw new Error(`${what}: damaged gzip stream at byte ${start}: ${(e as Error).message} (BAD archive)`);
    }
    pos += r.engine.bytesWritten + 8; // CRC32 and ISIZE
    parts.push({ raw: buf.subarray(start, pos), data: r.buffer });
  }
  return parts;
}
