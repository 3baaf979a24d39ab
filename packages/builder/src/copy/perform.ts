import { posix } from "node:path";
import type { RootFS } from "@tsbuild/fs-snapshot";
import type { CopySource, SourceItem } from "./source.js";
import { extractArchive, isArchive } from "./archive.js";
import { mkdirAllInScope } from "./in-scope.js";

export interface Identity {
  uid: number;
  gid: number;
}

export interface CopyOptions {
  /**
   * --chown, else root: the classic builder chowns what it copies from the context. Undefined keeps
   * the source's owners, as COPY --from without --chown does (performCopy's preserveOwnership).
   */
  identity?: Identity;
  /** --chmod (BuildKit's flag; the classic builder rejects it). */
  chmod?: number;
  /** ADD: local archives are extracted. */
  decompress: boolean;
  /** BuildKit's FileOp copy: parents made with the --chown identity, an existing destination left alone. */
  buildkit?: boolean;
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
  mkdirAllNew(fs, posix.dirname(target), opts.identity ?? ROOT);
  writeItem(fs, item, target, opts);
}

function copyDirectory(fs: RootFS, src: CopySource, destPath: string, opts: CopyOptions): void {
  const existed = isDirectory(fs, destPath);
  // CopyWithTar makes the destination and its parents as root; only fixPermissions (with an
  // identity, for a destination it made) chowns the destination itself.
  mkdirAllNew(fs, destPath, opts.buildkit ? (opts.identity ?? ROOT) : ROOT);
  if (!existed && src.self && opts.identity) {
    fs.chown(destPath, opts.identity);
    // BuildKit's --chmod reaches what is copied, not the directory it makes for it (g-19-010).
    if (opts.chmod !== undefined && !opts.buildkit) fs.chmod(destPath, opts.chmod);
  }
  const links = new Map<string, string>();
  for (const item of src.items) writeItem(fs, item, posix.join(destPath, item.rel), opts, links);
  // Like archive.Untar, directories get their source mtimes last, once nothing is created in them;
  // the destination directory itself keeps the time it was made (checked against Docker 20.10).
  for (const item of src.items) if (item.type === "dir") fs.utimes(posix.join(destPath, item.rel), item.mtime, item.mtime);
  // Untar's "." entry touches an existing destination: it is copied up, so it is in the layer even
  // when nothing new lands in it (an empty source directory), with its own owner and mode.
  if (existed && src.self && !opts.buildkit) fs.utimes(destPath, src.self.mtime, src.self.mtime);
}

const ROOT: Identity = { uid: 0, gid: 0 };

function writeItem(fs: RootFS, item: SourceItem, target: string, opts: CopyOptions, links?: Map<string, string>): void {
  const owner = opts.identity ?? { uid: item.uid, gid: item.gid };
  // The tar CopyWithTar writes keeps hard links inside the copied tree: a second name links to the first.
  const first = item.inode !== undefined ? links?.get(item.inode) : undefined;
  if (first !== undefined && item.type === "file") {
    removeIfPresent(fs, target, true);
    fs.link(first, target);
    return;
  }
  if (item.inode !== undefined && item.type === "file") links?.set(item.inode, target);
  // BuildKit 20.10 hands --chmod to Go's os.FileMode, which keeps only its permission bits; the
  // source's setuid/setgid/sticky stay (recorded, g-19-*).
  const mode = opts.chmod === undefined ? item.mode : opts.buildkit ? (opts.chmod & 0o777) | (item.mode & 0o7000) : opts.chmod;
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
  // A context file is referred to, not read: its bytes are read when the layer is written.
  const external = item.bytes?.();
  // The source's bytes are read for this copy and never changed: the tree may keep them.
  const chunks = external ? undefined : item.chunks?.();
  if (external) fs.writeExternal(target, external, { mode, owner, mtime: item.mtime });
  else if (chunks) {
    // A large file (zeros kept as a size among its parts, bytes spilled to disk) is written part by part, never joined.
    let first = true;
    for (const c of chunks) {
      fs.writeFile(target, c, first ? { mode, owner, mtime: item.mtime } : { append: true, mtime: item.mtime });
      first = false;
    }
    if (first) fs.writeFile(target, Buffer.alloc(0), { mode, owner, mtime: item.mtime });
  } else fs.writeFile(target, item.data(), { mode, owner, mtime: item.mtime, adopt: true });
  // BuildKit's copy sets owner and mode itself, setuid kept (g-17-056).
  if (opts.identity && opts.chmod === undefined && !opts.buildkit) {
    // Untar sets the mode, then fixPermissions chowns: the kernel clears setuid (and a group-executable
    // setgid) on that chown, even for root.
    fs.chmod(target, mode);
    fs.chown(target, owner);
    return;
  }
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
  mkdirAllInScope(fs, dir, owner);
}
