import { createHash } from "node:crypto";
import { posix } from "node:path";
import { ByteReader, chunksOf, walkTar, type ByteSource } from "@tsbuild/archive";
import type { LayerEntry } from "./types.js";
import { whiteoutOf } from "./whiteout.js";

const TYPES: Record<string, LayerEntry["type"]> = {
  "0": "file", "7": "file", "5": "dir", "2": "symlink", "1": "hardlink", "3": "char", "4": "block", "6": "fifo",
};

/**
 * Any layer tar in the conformance shape (tools/make-expected.py, i.e. Python's tarfile view):
 * "./" stripped, directories without their trailing "/", the root as ".", mode as "%04o" of the
 * permission bits, size + sha256 for regular files, linkname for symlinks and hard links.
 * The tar is streamed: file bodies are hashed as they pass, never held.
 */
export async function layerEntries(tar: ByteSource): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  await walkTar(new ByteReader(chunksOf(tar)), {
    async entry(e, body) {
      if (e.typeflag === "g") return; // a PAX global header describes the archive, not a member
      let sha256: string | undefined;
      if (isFileTypeflag(e.typeflag)) {
        const h = createHash("sha256");
        for await (const c of body) h.update(c);
        sha256 = h.digest("hex");
      }
      out.push(layerEntryOf(e, sha256));
    },
  });
  return out;
}

/** Whether a member of this type carries a file's data (and so a size and sha256 in its entry). */
export function isFileTypeflag(typeflag: string): boolean {
  return TYPES[typeflag] === "file";
}

/**
 * One tar member in the conformance shape (make-expected.py's): "./" stripped, no trailing "/"
 * on a directory, a hard link's target without "./"; a file's size, and the sha256 its data
 * hashes to, which the caller computes (from a stream or from chunks at hand).
 */
export function layerEntryOf(
  e: { name: string; linkname: string; typeflag: string; mode: number; uid: number; gid: number; size: number },
  fileSha256: string | undefined,
): LayerEntry {
  const type = TYPES[e.typeflag] ?? "other";
  let path = e.name;
  if (type === "dir") path = path.replace(/\/+$/, "");
  if (path.startsWith("./")) path = path.slice(2);
  const entry: LayerEntry = { path: path || ".", type, mode: modeString(e.mode), uid: e.uid, gid: e.gid };
  if (type === "file") {
    entry.size = e.size;
    entry.sha256 = fileSha256;
  } else if (type === "symlink") {
    entry.linkname = e.linkname;
  } else if (type === "hardlink") {
    entry.linkname = e.linkname.startsWith("./") ? e.linkname.slice(2) : e.linkname;
  }
  return entry;
}

/** "%04o" of the permission bits, as the conformance cases write a mode. */
export function modeString(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
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
 * earlier ones at the same path. Only headers are read.
 */
export async function layerSize(tar: ByteSource): Promise<number> {
  const paths = new Map<string, Extracted>();
  let nextInode = 0;
  await walkTar(new ByteReader(chunksOf(tar)), {
    entry(e) {
      if (e.typeflag === "g") return;
      const type = TYPES[e.typeflag] ?? "other";
      const path = posix.normalize("/" + e.name).replace(/\/+$/, "") || "/";
      const whiteout = whiteoutOf(posix.basename(path));
      if (whiteout && whiteout.kind !== "delete") return;
      const existing = paths.get(path);
      if (existing && !(existing.dir && type === "dir")) removeTree(paths, path);
      if (whiteout) {
        paths.set(posix.join(posix.dirname(path), whiteout.name), { size: 0, inode: nextInode++, dir: false });
        return;
      }
      if (type === "hardlink") {
        const target = paths.get(posix.normalize("/" + e.linkname));
        paths.set(path, target ?? { size: 0, inode: nextInode++, dir: false });
        return;
      }
      const size = type === "file" ? e.size : type === "symlink" ? Buffer.byteLength(e.linkname) : 0;
      paths.set(path, { size, inode: nextInode++, dir: type === "dir" });
    },
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
