import { createHash } from "node:crypto";
import { deflateRawSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip archive (deflated entries, Unix modes in the external attributes), as wheel builders write them. */
export function zip(files: Array<{ name: string; data: Buffer | string; mode?: number }>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.from(f.data);
    const comp = deflateRawSync(data);
    const name = Buffer.from(f.name);
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0); lh.writeUInt16LE(20, 4); lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14); lh.writeUInt32LE(comp.length, 18); lh.writeUInt32LE(data.length, 22); lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0); ch.writeUInt16LE(0x031e, 4); ch.writeUInt16LE(20, 6); ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16); ch.writeUInt32LE(comp.length, 20); ch.writeUInt32LE(data.length, 24); ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(((0o100000 | (f.mode ?? 0o644)) << 16) >>> 0, 38); ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, comp);
    central.push(ch, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const recordHash = (d: Buffer) => `sha256=${createHash("sha256").update(d).digest("base64url")}`;

/** A pure-Python wheel: the files plus METADATA, WHEEL and RECORD in `<dist>-<version>.dist-info`. */
export function wheel(name: string, version: string, files: Record<string, string | { data: string; mode: number }>, metadataExtra = ""): { filename: string; bytes: Buffer } {
  const dist = name.replace(/-/g, "_");
  const info = `${dist}-${version}.dist-info`;
  const entries = Object.entries(files).map(([n, v]) => ({ name: n.startsWith("@") ? `${info}/${n.slice(1)}` : n, data: Buffer.from(typeof v === "string" ? v : v.data), mode: typeof v === "string" ? 0o644 : v.mode }));
  entries.push({ name: `${info}/METADATA`, data: Buffer.from(`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n${metadataExtra}\n`), mode: 0o644 });
  entries.push({ name: `${info}/WHEEL`, data: Buffer.from("Wheel-Version: 1.0\nGenerator: tsbuild-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n"), mode: 0o644 });
  const record = entries.map((e) => `${e.name},${recordHash(e.data)},${e.data.length}\n`).join("") + `${info}/RECORD,,\n`;
  entries.push({ name: `${info}/RECORD`, data: Buffer.from(record), mode: 0o644 });
  return { filename: `${dist}-${version}-py3-none-any.whl`, bytes: zip(entries) };
}
