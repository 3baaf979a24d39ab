import { readFileSync } from "node:fs";
import { writeTar, type TarFile as TarEntry } from "../../../packages/archive/dist/index.js";
import { ByteStream, fileSizes, treePath } from "./generate.js";

const BLOCK = 512;

/** Where a tar's end-of-archive blocks start (the first all-zero header). */
export function tarEnd(tar: Buffer): number {
  let off = 0;
  while (off + BLOCK <= tar.length) {
    const header = tar.subarray(off, off + BLOCK);
    if (header.every((b) => b === 0)) return off;
    const size = parseInt(header.toString("ascii", 124, 136).replace(/\0.*$/, "").trim() || "0", 8);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error("tar has no end-of-archive marker");
}

/**
 * A base image's root filesystem: the busybox rootfs (a shell for RUN) plus `count` files under
 * /data averaging `avgSize` bytes, as one tar for `docker import`.
 */
export function bigBaseTar(busyboxTar: string, count: number, avgSize: number): Buffer {
  const busybox = readFileSync(busyboxTar);
  const bytes = new ByteStream("tsbuild-bench-base");
  const sizes = fileSizes(count, count * avgSize, 11);
  const entries: TarEntry[] = [{ name: "data", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0 }];
  const dirs = new Set<string>();
  for (let i = 0; i < count; i++) {
    const rel = `data/${treePath(i)}`;
    const parts = rel.split("/");
    for (let j = 2; j < parts.length; j++) {
      const d = parts.slice(0, j).join("/");
      if (!dirs.has(d)) {
        dirs.add(d);
        entries.push({ name: d, type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0 });
      }
    }
    entries.push({ name: rel, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, content: bytes.next(sizes[i]) });
  }
  return Buffer.concat([busybox.subarray(0, tarEnd(busybox)), writeTar(entries)]);
}
