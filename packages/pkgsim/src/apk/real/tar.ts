import { readTar, type TarItem } from "../../deb/real/tar.js";

export type ApkTarEntry = TarItem;

/**
 * Entries of one decompressed part. apk's signature and control parts carry no end-of-archive
 * blocks (they are cut so the parts concatenate into one tar): two zero blocks are added here.
 * Names keep a leading "/" or a lone "." as apk would see them (dpkg's normalising is not apk's).
 */
export async function readApkTar(data: Buffer): Promise<ApkTarEntry[]> {
  const items = await readTar(Buffer.concat([data, Buffer.alloc(1024)]));
  return items.map((i) => ({ ...i, name: i.rawName.replace(/^\.\//, "").replace(/\/+$/, "") }));
}

/** A regular-file entry as apk_tar_write_entry writes it (scripts.tar): GNU "ustar  " magic, octal fields. */
export function tarEntry(name: string, data: Buffer, mode: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  const octal = (off: number, len: number, v: number, nul: boolean) => {
    const digits = v.toString(8).padStart(nul ? len - 1 : len, "0");
    h.write(digits, off, "latin1");
  };
  h.write(name.slice(0, 100), 0, "latin1");
  octal(100, 8, mode & 0o7777, true);
  octal(108, 8, 0, true);
  octal(116, 8, 0, true);
  octal(124, 12, data.length, false);
  octal(136, 12, mtime, false);
  h.write("0", 156, "latin1");
  h.write("ustar  \0", 257, "latin1");
  h.write("root", 265, "latin1");
  h.write("root", 297, "latin1");
  h.fill(" ", 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0", 148, "latin1");
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad]);
}

/** A raw tar's regular files in order: scripts.tar as apk reads it back. */
export function readScriptsTar(buf: Buffer): Array<{ name: string; data: Buffer; mode: number; mtime: number }> {
  const out: Array<{ name: string; data: Buffer; mode: number; mtime: number }> = [];
  let pos = 0;
  while (pos + 512 <= buf.length) {
    const h = buf.subarray(pos, pos + 512);
    if (h.every((b) => b === 0)) break;
    const str = (o: number, l: number) => h.subarray(o, o + l).toString("latin1").replace(/\0.*$/s, "");
    const num = (o: number, l: number) => parseInt(str(o, l).trim() || "0", 8);
    const size = num(124, 12);
    out.push({ name: str(0, 100), mode: num(100, 8), mtime: num(136, 12), data: Buffer.from(buf.subarray(pos + 512, pos + 512 + size)) });
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}
