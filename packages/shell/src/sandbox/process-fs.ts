import { walkPath } from "@tsbuild/image";
import { PLACEHOLDER_MIN_BYTES, type Owner, type FileSystem, type Stat } from "@tsbuild/fs-snapshot";
import { errorCode, fsError } from "../util/errors.js";
import { dirname, joinPath, resolvePath } from "../util/paths.js";
import { type AccessBits, type Credentials, permits } from "./credentials.js";
import { fileWritten } from "./step-guard.js";
import type { VirtualMounts } from "./virtual-mounts.js";

/** A node of the path walk: a canonical path, what it is, and whether a mount serves it. */
interface Walk {
  path: string;
  dir: boolean;
  link?: string;
  virtual?: boolean;
}

/** A file as a process sees it: the image's file, or something Docker mounted over it. */
export interface Node extends Stat {
  /** Canonical path (symlinks resolved as the lookup asked). */
  path: string;
  /** True when the node is served by a mount (never part of the layer). */
  virtual: boolean;
}


/**
 * The filesystem as the processes of one RUN step see it: the RootFS seen through Docker's
 * mounts, with the step's user, umask and Unix permissions applied. Every write to the image
 * goes to the RootFS (so it is journaled into the layer); mounted paths never reach it.
 * Paths are resolved here, symlink by symlink, so a link into /dev or /proc (say
 * /root/.ash_history -> /dev/null) reaches the mount and not a file in the image.
 */
export class ProcessFs {
  umask = 0o022;

  constructor(
    readonly root: FileSystem,
    readonly mounts: VirtualMounts,
    readonly creds: Credentials,
  ) {}

  // ---- lookup ----

  /**
   * Canonical location of `input`: every symlink on the way resolved (the last one only when
   * `followLast`), confined to the root like chroot. Missing components are kept lexically.
   */
  locate(input: string, followLast: boolean): { path: string; virtual: boolean } {
    // The project's one path walk (@tsbuild/image's walkPath). A mounted path is a leaf of it:
    // what lies under a mount is the mount's business, so the walk stops there.
    let stop: { at: Walk; rest: string[] } | undefined;
    const w = walkPath<Walk>({ path: "/", dir: true }, components(resolvePath("/", input)), followLast, {
      child: (dir, name) => {
        const path = joinPath(dir.path, name);
        if (this.mounts.covers(path)) {
          const v = this.mounts.get(path);
          return { path, dir: false, virtual: true, link: v?.kind === "symlink" ? v.target : undefined };
        }
        const st = this.tryRootLstat(path);
        if (!st) return undefined;
        return { path, dir: st.type === "dir", link: st.type === "symlink" ? this.root.readlink(path) : undefined };
      },
      isDir: (n) => n.dir,
      linkTarget: (n) => n.link,
      stopped: (at, rest) => {
        stop = { at, rest };
      },
    });
    if (!w.ok) {
      if (w.code === "ELOOP" || !stop) throw fsError(w.code, "stat", input);
      if (stop.at.virtual) return { path: [stop.at.path, ...stop.rest].join("/"), virtual: true };
      // Below a missing directory or a file, the rest is kept lexically for the call to fail on.
      const rest = resolvePath(stop.at.path, stop.rest.join("/"));
      return { path: rest, virtual: this.mounts.covers(rest) };
    }
    if (w.dirRef) return { path: w.dirs[w.dirs.length - 1].path, virtual: false };
    const path = joinPath(w.dirs[w.dirs.length - 1].path, w.name);
    return { path, virtual: w.node?.virtual ?? this.mounts.covers(path) };
  }

  private tryRootLstat(p: string): Stat | undefined {
    try {
      return this.root.lstat(p);
    } catch (err) {
      const code = errorCode(err);
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw err;
    }
  }

  private virtualNode(path: string, syscall: string): Node {
    const v = this.mounts.get(path);
    if (!v) throw fsError("ENOENT", syscall, path);
    const base = { path, virtual: true, uid: 0, gid: 0, mtime: new Date(0), ino: 0, nlink: 1 };
    switch (v.kind) {
      case "dir": return { ...base, type: "dir", mode: v.mode, size: 0, nlink: 2 };
      case "file": return { ...base, type: "file", mode: v.mode, size: v.data.length };
      case "symlink": return { ...base, type: "symlink", mode: 0o777, size: v.target.length };
      case "device": return { ...base, type: "char", mode: v.mode, size: 0 };
    }
  }

  private node(input: string, followLast: boolean, syscall: string): Node {
    const loc = this.locate(input, followLast);
    if (loc.virtual) return this.virtualNode(loc.path, syscall);
    return { ...this.root.lstat(loc.path), path: loc.path, virtual: false };
  }

  stat(p: string): Node {
    return this.node(p, true, "stat");
  }
  lstat(p: string): Node {
    return this.node(p, false, "lstat");
  }
  tryStat(p: string): Node | undefined {
    return this.attempt(() => this.stat(p));
  }
  tryLstat(p: string): Node | undefined {
    return this.attempt(() => this.lstat(p));
  }
  exists(p: string): boolean {
    return this.tryStat(p) !== undefined;
  }

  private attempt<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (err) {
      const code = errorCode(err);
      if (code === "ENOENT" || code === "ENOTDIR" || code === "ELOOP") return undefined;
      throw err;
    }
  }

  realpath(p: string): string {
    return this.stat(p).path;
  }

  readlink(p: string): string {
    const loc = this.locate(p, false);
    if (loc.virtual) {
      const v = this.mounts.get(loc.path);
      if (v?.kind !== "symlink") throw fsError(v ? "EINVAL" : "ENOENT", "readlink", p);
      return v.target;
    }
    return this.root.readlink(loc.path);
  }

  // ---- reading ----

  /** open(O_RDONLY): the file, after the checks every read makes (a directory, read permission). */
  private openForReading(p: string): Node {
    const n = this.stat(p);
    if (n.type === "dir") throw fsError("EISDIR", "read", p);
    this.require(n, 4, "open", p);
    return n;
  }

  readFile(p: string): Buffer {
    const n = this.openForReading(p);
    return n.virtual ? this.mounts.readAll(n.path) : this.root.readFile(n.path);
  }

  /** At most `max` bytes; the only way to read an endless device such as /dev/zero. */
  readUpTo(p: string, max: number): Buffer {
    const n = this.openForReading(p);
    return n.virtual ? this.mounts.readBounded(n.path, max) : this.root.readRange(n.path, 0, max);
  }

  /**
   * The file's bytes as buffers in order (shared: never modify them): the route for files of any
   * size, zero placeholders larger than one Buffer included. Endless devices are refused as
   * readFile refuses them.
   */
  readChunks(p: string): Iterable<Buffer> {
    const n = this.openForReading(p);
    return n.virtual ? [this.mounts.readAll(n.path)] : this.root.readChunks(n.path);
  }

  /** Bytes [offset, offset+length) of a file, clipped to its end. */
  readRange(p: string, offset: number, length: number): Buffer {
    const n = this.openForReading(p);
    return n.virtual ? this.mounts.readBounded(n.path, offset + length).subarray(offset) : this.root.readRange(n.path, offset, length);
  }

  /** True for /dev/zero (and names that lead to it). */
  isZeroDevice(p: string): boolean {
    const n = this.tryStat(p);
    return n?.virtual === true && this.mounts.isZeroDevice(n.path);
  }

  isEndless(p: string): boolean {
    const n = this.tryStat(p);
    return n?.virtual === true && this.mounts.isEndless(n.path);
  }

  readdir(p: string): string[] {
    const n = this.stat(p);
    if (n.type !== "dir") throw fsError("ENOTDIR", "scandir", p);
    this.require(n, 4, "scandir", p);
    if (n.virtual) return this.mounts.list(n.path);
    const names = this.root.readdir(n.path);
    const extra = this.mounts.extraNames(n.path).filter((x) => !names.includes(x));
    return extra.length ? [...names, ...extra].sort() : names;
  }

  // ---- writing ----

  /** Owner of a new entry in `dir`: the process's, with the group inherited from a setgid dir. */
  newOwner(dir: string): Owner {
    const d = this.tryStat(dir);
    return { uid: this.creds.uid, gid: d && d.mode & 0o2000 ? d.gid : this.creds.gid };
  }

  /** Write (or append to) a file, creating it with `mode` (default 0666 & ~umask). */
  writeFile(p: string, data: Buffer, opts: { append?: boolean; mode?: number } = {}): void {
    const loc = this.locate(p, true);
    if (loc.virtual) {
      this.mounts.write(loc.path, data, opts.append ?? false);
      return;
    }
    const existing = this.tryRootLstat(loc.path);
    // Counted before the bytes are joined: an append past the budget never allocates.
    const kept = opts.append && existing?.type === "file" ? existing.size - this.root.placeholderBytes(loc.path) : 0;
    fileWritten(loc.path, kept + data.length);
    if (existing) {
      if (existing.type === "dir") throw fsError("EISDIR", "open", p);
      this.require({ ...existing }, 2, "open", p);
      this.root.writeFile(loc.path, data, { append: opts.append });
      this.recountIfPlaceholder(loc.path, data);
      return;
    }
    const parent = this.parentDir(loc.path, "open", p);
    this.require(parent, 3, "open", p);
    this.root.writeFile(loc.path, data, {
      mode: (opts.mode ?? 0o666 & ~this.umask) & 0o7777,
      owner: this.newOwner(parent.path),
      append: opts.append,
    });
    this.recountIfPlaceholder(loc.path, data);
  }

  /** A write too short to become a placeholder stored exactly what was counted before it. */
  private recountIfPlaceholder(path: string, data: Buffer): void {
    if (data.length >= PLACEHOLDER_MIN_BYTES) this.countStored(path);
  }

  /**
   * Writes `chunks` as the file's new contents, one after another (zeros in runs of a
   * megabyte or more stay a placeholder), so a copy never joins a large file into one Buffer.
   */
  writeChunks(p: string, chunks: Iterable<Buffer>, opts: { mode?: number } = {}): void {
    let first = true;
    for (const c of chunks) {
      this.writeFile(p, c, first ? opts : { append: true });
      first = false;
    }
    if (first) this.writeFile(p, Buffer.alloc(0), opts);
  }

  /**
   * truncate(2), or open(O_CREAT) then ftruncate for a missing file: extending adds zeros that
   * the image keeps as a size, not bytes (they do not count against the step's memory).
   */
  truncate(p: string, size: number, opts: { mode?: number; create?: boolean } = {}): void {
    const loc = this.locate(p, true);
    if (loc.virtual) {
      if (this.mounts.isZeroDevice(loc.path) || this.mounts.isEndless(loc.path)) return;
      const cur = this.mounts.readAll(loc.path);
      this.mounts.write(loc.path, size <= cur.length ? cur.subarray(0, size) : Buffer.concat([cur, Buffer.alloc(size - cur.length)]), false);
      return;
    }
    const existing = this.tryRootLstat(loc.path);
    if (existing?.type === "dir") throw fsError("EISDIR", "open", p);
    if (existing) {
      this.require({ ...existing }, 2, "open", p);
      this.root.truncate(loc.path, size);
    } else {
      const parent = this.parentDir(loc.path, "open", p);
      this.require(parent, 3, "open", p);
      this.root.truncate(loc.path, size, { mode: (opts.mode ?? 0o666 & ~this.umask) & 0o7777, owner: this.newOwner(parent.path) });
    }
    this.countStored(loc.path);
  }

  /** Records in the step's budget the bytes a file holds in memory (its placeholder zeros are not). */
  private countStored(path: string): void {
    const st = this.tryRootLstat(path);
    if (st?.type === "file") fileWritten(path, st.size - this.root.placeholderBytes(path));
  }

  /** mkdir; with `parents`, missing ancestors are made 0777 & ~umask (plus u+wx), like mkdir -p. */
  mkdir(p: string, opts: { mode?: number; parents?: boolean } = {}): void {
    const target = resolvePath("/", p);
    if (opts.parents) {
      const existing = this.tryStat(target);
      if (existing) {
        if (existing.type !== "dir") throw fsError("EEXIST", "mkdir", p);
        return;
      }
      const parent = dirname(target);
      if (parent !== target && !this.tryStat(parent)) {
        this.mkdir(parent, { parents: true, mode: (0o777 & ~this.umask) | 0o300 });
      }
    }
    const loc = this.locate(target, false);
    if (loc.virtual) {
      this.mounts.mkdir(loc.path);
      return;
    }
    if (this.tryRootLstat(loc.path)) throw fsError("EEXIST", "mkdir", p);
    const parent = this.parentDir(loc.path, "mkdir", p);
    this.require(parent, 3, "mkdir", p);
    const owner = this.newOwner(parent.path);
    let mode = (opts.mode ?? 0o777 & ~this.umask) & 0o7777;
    if (parent.mode & 0o2000) mode |= 0o2000;
    this.root.mkdir(loc.path, { mode, owner });
  }

  symlink(target: string, p: string): void {
    const loc = this.locate(p, false);
    if (loc.virtual) throw fsError("EACCES", "symlink", p);
    if (this.tryRootLstat(loc.path)) throw fsError("EEXIST", "symlink", p);
    const parent = this.parentDir(loc.path, "symlink", p);
    this.require(parent, 3, "symlink", p);
    this.root.symlink(target, loc.path, { owner: this.newOwner(parent.path) });
  }

  link(existing: string, p: string): void {
    const src = this.lstat(existing);
    if (src.type === "dir") throw fsError("EPERM", "link", existing);
    const loc = this.locate(p, false);
    if (src.virtual || loc.virtual) throw fsError("EXDEV", "link", p);
    if (this.tryRootLstat(loc.path)) throw fsError("EEXIST", "link", p);
    const parent = this.parentDir(loc.path, "link", p);
    this.require(parent, 3, "link", p);
    this.root.link(src.path, loc.path);
  }

  /** Remove one entry (a directory only when empty, or recursively). */
  remove(p: string, opts: { recursive?: boolean; force?: boolean; dirOk?: boolean } = {}): void {
    const loc = this.locate(p, false);
    if (loc.virtual) {
      if (!this.mounts.get(loc.path)) {
        if (opts.force) return;
        throw fsError("ENOENT", "unlink", p);
      }
      this.mounts.remove(loc.path);
      return;
    }
    const st = this.tryRootLstat(loc.path);
    if (!st) {
      if (opts.force) return;
      throw fsError("ENOENT", "unlink", p);
    }
    if (st.type === "dir" && !opts.recursive && !opts.dirOk) throw fsError("EISDIR", "unlink", p);
    this.requireRemovable(loc.path, st, p);
    if (st.type === "dir" && opts.recursive) {
      // A tree holding a mount point (/, /etc) cannot go as a whole: remove what can go.
      if (this.mounts.extraNames(loc.path).length > 0 || loc.path === "/") {
        const busy = this.removeChildren(loc.path);
        if (busy) throw busy;
        if (loc.path === "/") throw fsError("EBUSY", "rmdir", p);
      }
      if (this.creds.uid !== 0) {
        // Each entry needs its own permission check, as unlinkat(2) would make.
        const denied = this.removeChildren(loc.path);
        if (denied) throw denied;
      }
      this.root.rm(loc.path, { recursive: true, force: true });
      return;
    }
    if (st.type === "dir") this.root.rmdir(loc.path);
    else this.root.unlink(loc.path);
  }

  /** Remove the entries of a real directory one by one; returns the first failure, if any. */
  private removeChildren(dir: string): Error | undefined {
    let failure: Error | undefined;
    for (const name of this.readdir(dir)) {
      try {
        this.remove(joinPath(dir, name), { recursive: true });
      } catch (err) {
        failure ??= err as Error;
      }
    }
    return failure;
  }

  rename(from: string, to: string): void {
    const src = this.locate(from, false);
    const dst = this.locate(to, false);
    if (src.virtual || dst.virtual) throw fsError(src.virtual ? "EBUSY" : "EXDEV", "rename", from);
    const st = this.tryRootLstat(src.path);
    if (!st) throw fsError("ENOENT", "rename", from);
    this.requireRemovable(src.path, st, from);
    const parent = this.parentDir(dst.path, "rename", to);
    this.require(parent, 3, "rename", to);
    const existing = this.tryRootLstat(dst.path);
    if (existing) this.requireRemovable(dst.path, existing, to);
    this.root.rename(src.path, dst.path);
  }

  // ---- metadata ----

  chmod(p: string, mode: number): void {
    const n = this.stat(p);
    if (n.virtual) {
      if (this.creds.uid !== 0) throw fsError("EPERM", "chmod", p);
      return;
    }
    if (this.creds.uid !== 0 && this.creds.uid !== n.uid) throw fsError("EPERM", "chmod", p);
    this.root.chmod(n.path, mode & 0o7777);
  }

  chown(p: string, owner: Owner, opts: { noFollow?: boolean } = {}): void {
    const n = opts.noFollow ? this.lstat(p) : this.stat(p);
    if (this.creds.uid !== 0) {
      const ownGroup = owner.gid === this.creds.gid || this.creds.groups.includes(owner.gid);
      if (n.uid !== this.creds.uid || owner.uid !== n.uid || !ownGroup) throw fsError("EPERM", "chown", p);
    }
    if (n.virtual) return;
    this.root.chown(n.path, owner, { noFollow: opts.noFollow });
  }

  utimes(p: string, atime: Date, mtime: Date, opts: { noFollow?: boolean } = {}): void {
    const n = opts.noFollow ? this.lstat(p) : this.stat(p);
    if (this.creds.uid !== 0 && this.creds.uid !== n.uid && !permits(this.creds, n, 2)) {
      throw fsError("EPERM", "utime", p);
    }
    if (!n.virtual) this.root.utimes(n.path, atime, mtime, { noFollow: opts.noFollow });
  }

  // ---- permissions ----

  private parentDir(path: string, syscall: string, shown: string): Node {
    const parent = this.tryStat(dirname(path));
    if (!parent) throw fsError("ENOENT", syscall, shown);
    if (parent.type !== "dir") throw fsError("ENOTDIR", syscall, shown);
    return parent;
  }

  private require(n: { mode: number; uid: number; gid: number; type: string }, want: AccessBits, syscall: string, p: string) {
    if (!permits(this.creds, n, want)) throw fsError("EACCES", syscall, p);
  }

  /** Unlinking needs write+search on the directory, and ownership under a sticky bit. */
  private requireRemovable(path: string, st: Stat, shown: string): void {
    if (this.creds.uid === 0) return;
    const parent = this.parentDir(path, "unlink", shown);
    this.require(parent, 3, "unlink", shown);
    if (parent.mode & 0o1000 && st.uid !== this.creds.uid && parent.uid !== this.creds.uid) {
      throw fsError("EPERM", "unlink", shown);
    }
  }
}

function components(abs: string): string[] {
  return abs.split("/").filter((c) => c !== "");
}
