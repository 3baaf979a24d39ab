import { decodeHeader, isZeroBlock } from "@tsbuild/archive";
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
    const block = buf.subarray(pos, pos + 512);
    if (isZeroBlock(block)) break;
    const h = decodeHeader(block);
    out.push({ name: h.name, mode: h.mode, mtime: h.mtime, data: Buffer.from(buf.subarray(pos + 512, pos + 512 + h.size)) });
    pos += 512 + Math.ceil(h.size / 512) * 512;
  }
  return out;
}
