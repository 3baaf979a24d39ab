import { inflateRawSync } from "node:zlib";

export interface ZipEntry { name: string; data: Buffer; mode: number }

export class ZipError extends Error {}

/**
 * Reads a zip archive (a wheel) through its central directory: stored and deflated entries.
 * Every offset is checked against the buffer, so a damaged or hostile file fails with ZipError.
 */
export function readZip(buf: Buffer, maxBytes = 1 << 30): ZipEntry[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new ZipError("not a zip file (no end of central directory)");
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw new ZipError("damaged central directory");
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50) throw new ZipError(`damaged local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + csize > buf.length) throw new ZipError(`${name}: data past the end of the file`);
    total += usize;
    if (total > maxBytes) throw new ZipError("archive expands past the size limit");
    const raw = buf.subarray(start, start + csize);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw, { maxOutputLength: Math.max(usize, 1) }) : undefined;
    if (!data) throw new ZipError(`${name}: compression method ${method} not supported`);
    if (data.length !== usize) throw new ZipError(`${name}: size ${data.length} is not the recorded ${usize}`);
    out.push({ name, data, mode: (external >>> 16) & 0o7777 });
  }
  return out;
}
