import { posix } from "node:path";
import type { RootFS } from "@tsbuild/fs-snapshot";
import type { CopySource, SourceItem } from "./source.js";
import { extractArchive, isArchive } from "./archive.js";

export interface Identity {
  uid: number;
  gid: number;
}

export interface CopyOptions {
  /** --chown, else root: the classic builder chowns everything it copies. */
  identity: Identity;
  /** --chmod (BuildKit's flag; the classic builder rejects it). */
  chmod?: number;
  /** ADD: local archives are extracted. */
  decompress: boolean;
}

/**
 * performCopyForInfo (moby builder/dockerfile/copy.go): a directory's contents go into DEST; a
 * file goes to DEST, or inside it when DEST ends in "/" or is an existing directory; ADD extracts
 * archives into DEST.
 */
export async function copyInto(fs: RootFS, src: CopySource, dest: string, opts: CopyOptions): Promise<void> {
  const destPath = posix.normalize(dest);
  if (src.isDir) {
    copyDirectory(fs, src, destPath, opts);
    return;
  }
  const item = src.items[0];
  if (opts.decompress && item.type === "file") {
    const data = item.data();
    if (await isArchive(data)) {
      // Extraction keeps the archive's owners and ignores --chown, destination included (x12).
      mkdirAllNew(fs, destPath, { uid: 0, gid: 0 });
      await extractArchive(fs, data, destPath, src.path);
      return;
    }
  }
  let target = destPath;
  if (dest.endsWith("/") || isDirectory(fs, destPath)) target = posix.join(destPath, posix.basename(src.path));
  mkdirAllNew(fs, posix.dirname(target), opts.identity);
  writeItem(fs, item, target, opts);
}

function copyDirectory(fs: RootFS, src: CopySource, destPath: string, opts: CopyOptions): void {
  const existed = isDirectory(fs, destPath);
  mkdirAllNew(fs, destPath, opts.identity);
  if (!existed && src.self) {
    fs.chown(destPath, opts.identity);
    if (opts.chmod !== undefined) fs.chmod(destPath, opts.chmod);
  }
  for (const item of src.items) writeItem(fs, item, posix.join(destPath, item.rel), opts);
  // Like archive.Untar, directories get their source mtimes last, once nothing is created in them;
  // the destination directory itself keeps the time it was made (checked against Docker 20.10).
  for (const item of src.items) if (item.type === "dir") fs.utimes(posix.join(destPath, item.rel), item.mtime, item.mtime);
}

function writeItem(fs: RootFS, item: SourceItem, target: string, opts: CopyOptions): void {
  const owner = opts.identity;
  const mode = opts.chmod ?? item.mode;
  if (item.type === "dir") {
    if (!isDirectory(fs, target)) {
      removeIfPresent(fs, target);
      fs.mkdir(target, { mode, owner });
    }
    // chown first: the kernel clears setuid/setgid on chown, even for root.
    fs.chown(target, owner);
    fs.chmod(target, mode);
    return;
  }
  removeIfPresent(fs, target, true);
  if (item.type === "symlink") {
    fs.symlink(item.linkname ?? "", target, { owner });
    return;
  }
  // The source's bytes are read for this copy and never changed: the tree may keep them.
  fs.writeFile(target, item.data(), { mode, owner, mtime: item.mtime, adopt: true });
  // An existing file keeps its mode and owner on write; a copy replaces both (chown clears setuid, so first).
  fs.chown(target, owner);
  fs.chmod(target, mode);
}

function removeIfPresent(fs: RootFS, p: string, keepDirs = false): void {
  let st;
  try {
    st = fs.lstat(p);
  } catch {
    return;
  }
  if (st.type === "dir") {
    if (keepDirs) throw Object.assign(new Error(`cannot overwrite directory "${p}" with non-directory`), { code: "EISDIR" });
    return;
  }
  fs.unlink(p);
}

export function isDirectory(fs: RootFS, p: string): boolean {
  try {
    return fs.stat(p).type === "dir";
  } catch {
    return false;
  }
}

/** MkdirAllAndChownNew: missing directories are made 0755 and owned by the identity; existing ones are left alone. */
export function mkdirAllNew(fs: RootFS, dir: string, owner: Identity): void {
  if (isDirectory(fs, dir)) return;
  const parts = dir.split("/").filter(Boolean);
  let cur = "";
  for (const part of parts) {
    cur += "/" + part;
    if (isDirectory(fs, cur)) continue;
    fs.mkdir(cur, { mode: 0o755, owner });
  }
}
