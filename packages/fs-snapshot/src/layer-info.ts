import { createHash } from "node:crypto";
import { posix } from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { sha256Digest, type LayerEntry } from "@tsbuild/image";
import { octal } from "./layer-writer.js";
import { forEachTarEntry } from "./tar-reader.js";

const gzipAsync = promisify(gzip);

/**
 * Any layer tar in the conformance shape (tools/make-expected.py, i.e. Python's tarfile view):
 * "./" stripped, directories without their trailing "/", the root as ".", mode as "%04o" of the
 * permission bits, size + sha256 for regular files, linkname for symlinks and hard links.
 */
export async function layerEntries(tar: Buffer): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  await forEachTarEntry(tar, (e) => {
    let path = e.name;
    if (e.type === "dir") path = path.replace(/\/+$/, "");
    if (path.startsWith("./")) path = path.slice(2);
    const entry: LayerEntry = { path: path || ".", type: e.type, mode: octal(e.mode), uid: e.uid, gid: e.gid };
    if (e.type === "file") {
      entry.size = e.data.length;
      entry.sha256 = createHash("sha256").update(e.data).digest("hex");
    } else if (e.type === "symlink") {
      entry.linkname = e.linkname;
    } else if (e.type === "hardlink") {
      entry.linkname = e.linkname.startsWith("./") ? e.linkname.slice(2) : e.linkname;
    }
    out.push(entry);
  });
  return out;
}

interface Extracted {
  /** Bytes this path adds to the layer directory (0 for directories, whiteouts, devices). */
  size: number;
  /** Identity of the inode, so hard links count once. */
  inode: number;
  dir: boolean;
}

/**
 * Docker's layerdb size for a layer tar: what pkg/directory.Size finds in the directory the
 * overlay2 driver extracts it into — regular file bytes and symlink target lengths, each inode once
 * (hard links), directories and whiteouts (0/0 char devices) nothing, later entries replacing
 * earlier ones at the same path.
 */
export async function layerSize(tar: Buffer): Promise<number> {
  const paths = new Map<string, Extracted>();
  let nextInode = 0;
  await forEachTarEntry(tar, (e) => {
    const path = posix.normalize("/" + e.name).replace(/\/+$/, "") || "/";
    const base = posix.basename(path);
    if (base === ".wh..wh..opq") return;
    const existing = paths.get(path);
    if (existing && !(existing.dir && e.type === "dir")) removeTree(paths, path);
    if (base.startsWith(".wh.")) {
      paths.set(posix.join(posix.dirname(path), base.slice(4)), { size: 0, inode: nextInode++, dir: false });
      return;
    }
    if (e.type === "hardlink") {
      const target = paths.get(posix.normalize("/" + e.linkname));
      paths.set(path, target ?? { size: 0, inode: nextInode++, dir: false });
      return;
    }
    const size = e.type === "file" ? e.data.length : e.type === "symlink" ? Buffer.byteLength(e.linkname) : 0;
    paths.set(path, { size, inode: nextInode++, dir: e.type === "dir" });
  });
  const counted = new Set<number>();
  let total = 0;
  for (const x of paths.values()) {
    if (x.dir || x.size === 0 || counted.has(x.inode)) continue;
    counted.add(x.inode);
    total += x.size;
  }
  return total;
}

function removeTree(paths: Map<string, Extracted>, path: string): void {
  paths.delete(path);
  const prefix = path + "/";
  for (const p of paths.keys()) if (p.startsWith(prefix)) paths.delete(p);
}

/** What a registry stores for a layer: the gzip stream, its digest and length. */
export async function gzipLayer(tar: Buffer): Promise<{ gz: Buffer; digest: string; size: number }> {
  const gz = await gzipAsync(tar);
  return { gz, digest: sha256Digest(gz), size: gz.length };
}
