import { applyLayerTo } from "./apply-layer.js";
import { applyVerifiedLayers, type VerifiedLayer } from "./base-memo.js";
import { CommittedLayer } from "./committed-layer.js";
import { Changes } from "./changes.js";
import { fsError, isFsError, withDest } from "./errors.js";
import { writeLayer } from "./layer-writer.js";
import {
  childNames, contentChunks, contentIsOneBuffer, contentRange, contentSize, contentView, FileTooLargeError, placeholderSize, spilledSize, allZero, allZeroAdopted, zeroView, ZERO_CHUNK, hasChildren, isDir, isSymlink, kindOf, makedev, pathOf, type INode, type Link,
} from "./memfs-node.js";
import { sortNames, splitPath } from "./names.js";
import { resolvePath, type Resolved } from "./resolve.js";
import { Tree } from "./tree.js";
import type { ExternalBytes } from "./spill.js";
import type { CommitOptions, LayerDiff, MkdirOptions, Owner, RootFSOptions, Stat, WriteFileOptions } from "./types.js";
import { UndoLog } from "./undo.js";
import { UpperLayer } from "./upper.js";
import type { FileSystem } from "./filesystem.js";

const ROOT: Owner = { uid: 0, gid: 0 };

interface OpenStep {
  upper: UpperLayer;
  undo: UndoLog;
}

/** Copied writes of zeros at least this long (and under ZERO_CHUNK) share one zero buffer. */
const SHARED_ZEROS_MIN = 4096;

/**
 * A build's root filesystem: image layers applied into a memfs tree, then one journaled step at a
 * time whose changes come out as the layer tar Docker's overlay2 driver would have produced.
 * Paths are absolute and resolved like inside a chroot (symlinks and ".." never leave the tree).
 */
export class RootFS implements FileSystem {
  /** Tree entries the last commitStep inspected: grows with the diff, not with the tree. */
  lastCommitVisited = 0;

  private readonly tree: Tree;
  private readonly changes: Changes;
  private readonly clock: () => Date;
  private readonly clockKey: string;
  private readonly names: NonNullable<RootFSOptions["ownerNames"]>;
  private step: OpenStep | null = null;

  constructor(opts: RootFSOptions = {}) {
    const fixed = opts.defaultMtime;
    this.clock = fixed ? () => new Date(fixed.getTime()) : () => new Date();
    this.clockKey = fixed ? String(fixed.getTime()) : "wall";
    this.tree = new Tree(this.clock());
    this.changes = new Changes(this.tree);
    this.names = opts.ownerNames ?? { user: () => "", group: () => "" };
  }

  /** Applies an image layer (not journaled). The tree may keep views of a Buffer passed here. */
  async applyLayer(tar: Buffer | NodeJS.ReadableStream): Promise<void> {
    if (this.step) throw new Error("applyLayer: a step is open; commit or abort it first");
    await applyLayerTo(this.tree, tar, this.clock);
  }

  /**
   * Applies the image's layers to a RootFS nothing has been applied to yet, copying a tree this
   * process already materialised from the same verified diffIDs (base-memo.ts) instead of
   * re-reading the tars.
   */
  async applyVerifiedLayers(layers: readonly VerifiedLayer[]): Promise<void> {
    if (this.step) throw new Error("applyVerifiedLayers: a step is open; commit or abort it first");
    if (hasChildren(this.tree.root)) throw new Error("applyVerifiedLayers: the filesystem already has layers");
    await applyVerifiedLayers(this.tree, layers, this.clock, this.clockKey);
  }

  get stepOpen(): boolean {
    return this.step !== null;
  }

  /** Starts journaling: from now on every change is recorded against the tree as it is now. */
  beginStep(): void {
    if (this.step) throw new Error("beginStep: a step is already open");
    const undo = new UndoLog();
    this.step = { upper: new UpperLayer(), undo };
    this.tree.undo = undo;
    this.changes.upper = this.step.upper;
  }

  /** Ends the step and returns its layer. */
  async commitStep(opts: CommitOptions = {}): Promise<LayerDiff> {
    const step = this.openStep("commitStep");
    const layer = writeLayer(step.upper.root, this.tree.root, {
      mtime: opts.mtime,
      userName: (uid) => this.names.user(uid),
      groupName: (gid) => this.names.group(gid),
    });
    this.closeStep();
    this.lastCommitVisited = layer.visited;
    return new CommittedLayer(layer);
  }

  /** Ends the step and puts the tree back as it was at beginStep. */
  abortStep(): void {
    const step = this.openStep("abortStep");
    step.undo.rollback();
    this.closeStep();
  }

  // ---- reading ----

  lstat(p: string): Stat {
    return statOf(this.lookup(p, false, "lstat").node);
  }

  stat(p: string): Stat {
    return statOf(this.lookup(p, true, "stat").node);
  }

  /** Follows symlinks: a dangling symlink does not exist. */
  exists(p: string): boolean {
    try {
      this.lookup(p, true, "access");
      return true;
    } catch (err) {
      if (isFsError(err)) return false;
      throw err;
    }
  }

  /**
   * A copy of the file's bytes; a device or fifo reads as empty. A file past the materialising
   * cap (a placeholder of zeros larger than a Buffer may be) fails with EFBIG: read it with
   * readChunks or readRange.
   */
  readFile(p: string): Buffer {
    const node = this.lookup(p, true, "open").node;
    if (isDir(node)) throw fsError("EISDIR", "read", p);
    if (kindOf(node) !== "file") return Buffer.alloc(0);
    try {
      const view = contentView(node);
      return contentIsOneBuffer(node) ? Buffer.from(view) : view;
    } catch (err) {
      if (err instanceof FileTooLargeError) throw fsError("EFBIG", "read", p);
      throw err;
    }
  }

  /** Bytes [offset, offset+length) of a file, clipped to its end; a device or fifo reads as empty. */
  readRange(p: string, offset: number, length: number): Buffer {
    const node = this.lookup(p, true, "open").node;
    if (isDir(node)) throw fsError("EISDIR", "read", p);
    return kindOf(node) === "file" ? contentRange(node, offset, length) : Buffer.alloc(0);
  }

  /**
   * The file's bytes as buffers in order, shared with the tree (never modify them): the route for
   * files of any size, placeholders of zeros included (their chunks are one shared buffer).
   */
  readChunks(p: string): Iterable<Buffer> {
    const node = this.lookup(p, true, "open").node;
    if (isDir(node)) throw fsError("EISDIR", "read", p);
    return kindOf(node) === "file" ? contentChunks(node) : [];
  }

  /** Bytes of the file not held in memory: zeros held as a size only, and bytes spilled to disk. */
  placeholderBytes(p: string): number {
    const node = this.lookup(p, true, "open").node;
    return kindOf(node) === "file" ? placeholderSize(node) + spilledSize(node) : 0;
  }

  /** Entry names in byte order. */
  readdir(p: string): string[] {
    const link = this.lookup(p, true, "scandir");
    if (!isDir(link.node)) throw fsError("ENOTDIR", "scandir", p);
    return sortNames(childNames(link));
  }

  readlink(p: string): string {
    const node = this.lookup(p, false, "readlink").node;
    if (!isSymlink(node)) throw fsError("EINVAL", "readlink", p);
    return node.symlink;
  }

  realpath(p: string): string {
    return pathOf(this.lookup(p, true, "realpath"));
  }

  // ---- creating ----

  /**
   * Creates (mode default 0o644, owner default 0:0) or rewrites a file; an existing file keeps its
   * mode and owner. Follows a final symlink, creating a dangling one's target. Writing to a device
   * or fifo changes nothing in the tree (the bytes go to the device).
   */
  writeFile(p: string, data: Buffer | Uint8Array | string, opts: WriteFileOptions = {}): void {
    const raw = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    // Large runs of zeros (`head -c 100M /dev/zero > f`) are kept as a size, not bytes: not copied either.
    const zeros = raw.length >= ZERO_CHUNK && (opts.adopt && raw === data ? allZeroAdopted(raw) : allZero(raw));
    const keep = zeros || raw !== data || (opts.adopt && Buffer.isBuffer(raw));
    // Smaller zeros (a package list's placeholder) are kept as bytes, but as a view of the shared
    // zero chunk rather than a copy: no allocation, and the same buffer in every build's layer.
    const bytes = keep ? (raw as Buffer) : raw.length >= SHARED_ZEROS_MIN && allZero(raw) ? zeroView(raw.length) : Buffer.from(raw);
    const at = this.fileForWrite(p);
    if (at.kind === "device") return;
    if (at.kind === "file") {
      const node = at.node;
      if (zeros) {
        const keep = opts.append ? contentSize(node) : 0;
        if (!opts.append) this.tree.resizeContent(node, 0);
        this.tree.resizeContent(node, keep + bytes.length);
      } else if (opts.append) this.tree.appendContent(node, bytes);
      else this.tree.replaceContent(node, bytes);
      this.tree.setMtime(node, opts.mtime ?? at.now);
      return;
    }
    const node = this.newFile(at, opts, zeros ? undefined : bytes);
    if (zeros) this.tree.resizeContent(node, bytes.length);
    this.changes.create(at.parent, at.name, node, at.now);
  }

  /**
   * writeFile of bytes the tree refers to instead of holding (a build context's file for COPY):
   * read when the layer is written or a program reads the file, each read checked by `bytes`.
   */
  writeExternal(p: string, bytes: ExternalBytes, opts: Pick<WriteFileOptions, "mode" | "owner" | "mtime"> = {}): void {
    const at = this.fileForWrite(p);
    if (at.kind === "device") return;
    if (at.kind === "file") {
      this.tree.replaceExternal(at.node, bytes);
      this.tree.setMtime(at.node, opts.mtime ?? at.now);
      return;
    }
    const owner = opts.owner ?? ROOT;
    const node = this.tree.newNode({ kind: "file", perm: opts.mode ?? 0o644, uid: owner.uid, gid: owner.gid, mtime: opts.mtime ?? at.now, external: bytes });
    this.changes.create(at.parent, at.name, node, at.now);
  }

  /**
   * truncate(2): cuts the file or extends it with zeros, which are kept as a size (a placeholder)
   * rather than bytes, so `truncate -s 5G` or `dd if=/dev/zero` allocate nothing. Creates the
   * file like writeFile when it is missing.
   */
  truncate(p: string, size: number, opts: WriteFileOptions = {}): void {
    if (!Number.isSafeInteger(size) || size < 0) throw fsError("EINVAL", "truncate", p);
    const at = this.fileForWrite(p);
    if (at.kind === "device") return;
    if (at.kind === "file") {
      this.tree.resizeContent(at.node, size);
      this.tree.setMtime(at.node, opts.mtime ?? at.now);
      return;
    }
    const node = this.newFile(at, opts);
    this.tree.resizeContent(node, size);
    this.changes.create(at.parent, at.name, node, at.now);
  }

  /**
   * Where a write to `p` goes: the regular file it names (copied up into the step), a device or
   * fifo (whose bytes leave the tree), or the directory and name of a file to create.
   * A final symlink is followed, so a dangling one's target is created.
   */
  private fileForWrite(p: string): { kind: "file"; node: INode; now: Date } | { kind: "device" } | { kind: "new"; parent: Link; name: string; now: Date } {
    const r = this.resolve(p, true, "open");
    if (r.trailingSlash || (r.link && isDir(r.link.node))) throw fsError("EISDIR", "open", p);
    const now = this.clock();
    if (!r.link) return { kind: "new", parent: r.parent, name: r.name, now };
    if (kindOf(r.link.node) !== "file") return { kind: "device" };
    this.changes.copyUp(r.link);
    return { kind: "file", node: r.link.node, now };
  }

  /** A new regular file for writeFile/truncate: mode 0644 and owner 0:0 unless given. */
  private newFile(at: { now: Date }, opts: WriteFileOptions, content?: Buffer): INode {
    const owner = opts.owner ?? ROOT;
    return this.tree.newNode({ kind: "file", perm: opts.mode ?? 0o644, uid: owner.uid, gid: owner.gid, mtime: opts.mtime ?? at.now, content });
  }

  /** Default mode 0o755. `recursive` creates missing parents 0o755, all owned by `owner`. */
  mkdir(p: string, opts: MkdirOptions = {}): void {
    const now = this.clock();
    const owner = opts.owner ?? ROOT;
    const make = (perm: number) => this.tree.newNode({ kind: "dir", perm, uid: owner.uid, gid: owner.gid, mtime: opts.mtime ?? now });
    if (!opts.recursive) {
      const r = this.resolve(p, false, "mkdir");
      if (r.link) throw fsError("EEXIST", "mkdir", p);
      this.changes.create(r.parent, r.name, make(opts.mode ?? 0o755), now);
      return;
    }
    const comps = splitPath(p);
    for (let i = 1; i <= comps.length; i++) {
      const last = i === comps.length;
      const prefix = "/" + comps.slice(0, i).join("/");
      const r = this.resolve(prefix, false, "mkdir");
      if (!r.link) {
        this.changes.create(r.parent, r.name, make(last ? (opts.mode ?? 0o755) : 0o755), now);
        continue;
      }
      // Like Go's os.MkdirAll: an existing directory (or symlink to one) is fine, anything else is not.
      const target = isSymlink(r.link.node) ? this.resolve(prefix, true, "mkdir").link : r.link;
      if (target && isDir(target.node)) continue;
      throw fsError(last || !target ? "EEXIST" : "ENOTDIR", "mkdir", p);
    }
  }

  symlink(target: string, p: string, opts: { owner?: Owner; mtime?: Date } = {}): void {
    if (target === "") throw fsError("ENOENT", "symlink", target, p);
    const r = this.resolveFor(p, false, "symlink", target, p);
    if (r.link) throw fsError("EEXIST", "symlink", target, p);
    const now = this.clock();
    const owner = opts.owner ?? ROOT;
    const node = this.tree.newNode({ kind: "symlink", perm: 0o777, uid: owner.uid, gid: owner.gid, mtime: opts.mtime ?? now, symlink: target });
    this.changes.create(r.parent, r.name, node, now);
  }

  /** Creates a fifo or device node (mode default 0o644). */
  mknod(p: string, type: "fifo" | "char" | "block", opts: { mode?: number; owner?: Owner; major?: number; minor?: number } = {}): void {
    const r = this.resolve(p, false, "mknod");
    if (r.link) throw fsError("EEXIST", "mknod", p);
    const now = this.clock();
    const owner = opts.owner ?? ROOT;
    const rdev = type === "fifo" ? 0 : makedev(opts.major ?? 0, opts.minor ?? 0);
    this.changes.create(r.parent, r.name, this.tree.newNode({ kind: type, perm: opts.mode ?? 0o644, uid: owner.uid, gid: owner.gid, mtime: now, rdev }), now);
  }

  /** A hard link; like linkat(2) without AT_SYMLINK_FOLLOW, a symlink is linked itself. */
  link(existing: string, newPath: string): void {
    const src = this.resolveFor(existing, false, "link", existing, newPath);
    if (!src.link) throw fsError("ENOENT", "link", existing, newPath);
    if (isDir(src.link.node)) throw fsError("EPERM", "link", existing, newPath);
    const dst = this.resolveFor(newPath, false, "link", existing, newPath);
    if (dst.link || dst.trailingSlash) throw fsError("EEXIST", "link", existing, newPath);
    this.changes.hardLink(src.link, dst.parent, dst.name, this.clock());
  }

  // ---- removing and renaming ----

  unlink(p: string): void {
    const r = this.resolve(p, false, "unlink");
    if (!r.link) throw fsError("ENOENT", "unlink", p);
    if (r.isDirRef || isDir(r.link.node)) throw fsError("EISDIR", "unlink", p);
    this.changes.remove(r.parent, r.link, this.clock());
  }

  rmdir(p: string): void {
    const r = this.resolve(p, false, "rmdir");
    if (!r.link) throw fsError("ENOENT", "rmdir", p);
    if (r.link === this.tree.root) throw fsError("EBUSY", "rmdir", p);
    if (r.isDirRef) throw fsError("EINVAL", "rmdir", p);
    if (!isDir(r.link.node)) throw fsError("ENOTDIR", "rmdir", p);
    if (hasChildren(r.link)) throw fsError("ENOTEMPTY", "rmdir", p);
    this.changes.remove(r.parent, r.link, this.clock());
  }

  /** Like fs.rmSync: `recursive` for directories, `force` ignores a missing path. */
  rm(p: string, opts: { recursive?: boolean; force?: boolean } = {}): void {
    let r: Resolved;
    try {
      r = this.resolve(p, false, "rm");
    } catch (err) {
      if (opts.force && isFsError(err, "ENOENT")) return;
      throw err;
    }
    if (!r.link) {
      if (opts.force) return;
      throw fsError("ENOENT", "rm", p);
    }
    if (r.link === this.tree.root) throw fsError("EBUSY", "rm", p);
    if (r.isDirRef) throw fsError("EINVAL", "rm", p);
    if (isDir(r.link.node) && !opts.recursive) throw fsError("EISDIR", "rm", p);
    this.changes.remove(r.parent, r.link, this.clock());
  }

  /**
   * rename(2): replaces a non-directory, or an empty directory with a directory. In the layer a
   * renamed directory that existed when the step began is a copy plus a whiteout (overlay2 without
   * redirect_dir answers EXDEV and mv copies), so its files also stop sharing inodes with names
   * outside it.
   */
  rename(from: string, to: string): void {
    const src = this.resolveFor(from, false, "rename", from, to);
    if (!src.link) throw fsError("ENOENT", "rename", from, to);
    if (src.link === this.tree.root || src.isDirRef) throw fsError("EBUSY", "rename", from, to);
    const dst = this.resolveFor(to, false, "rename", from, to);
    if (dst.isDirRef) throw fsError("EBUSY", "rename", from, to);
    if (dst.link === src.link) return;
    const srcIsDir = isDir(src.link.node);
    // The kernel refuses a move into the source's own subtree (EINVAL), or over a directory the
    // source is inside (ENOTEMPTY), before it compares the two types.
    if (srcIsDir && this.isWithin(dst.parent, src.link)) throw fsError("EINVAL", "rename", from, to);
    if (dst.link) {
      if (dst.link.node === src.link.node) return; // two names of one inode: POSIX says do nothing
      if (isDir(dst.link.node) && this.isWithin(src.parent, dst.link)) throw fsError("ENOTEMPTY", "rename", from, to);
      const dstIsDir = isDir(dst.link.node);
      if (srcIsDir && !dstIsDir) throw fsError("ENOTDIR", "rename", from, to);
      if (!srcIsDir && dstIsDir) throw fsError("EISDIR", "rename", from, to);
      if (dstIsDir && hasChildren(dst.link)) throw fsError("ENOTEMPTY", "rename", from, to);
    } else if (dst.trailingSlash && !srcIsDir) {
      throw fsError("ENOTDIR", "rename", from, to);
    }
    this.changes.move(src.link, dst.parent, dst.name, dst.link, this.clock());
  }

  // ---- metadata ----

  chmod(p: string, mode: number): void {
    const link = this.lookup(p, true, "chmod");
    this.changes.copyUp(link);
    this.tree.setPerm(link.node, mode);
  }

  /** Like the kernel, changing a non-directory's owner clears setuid, and setgid if group-executable. */
  chown(p: string, owner: Owner, opts: { noFollow?: boolean } = {}): void {
    const link = this.lookup(p, !opts.noFollow, opts.noFollow ? "lchown" : "chown");
    this.changes.copyUp(link);
    const node = link.node;
    if (!isDir(node) && !isSymlink(node)) {
      let perm = node.mode & 0o7777;
      perm &= ~0o4000;
      if (perm & 0o010) perm &= ~0o2000;
      if (perm !== (node.mode & 0o7777)) this.tree.setPerm(node, perm);
    }
    this.tree.setOwner(node, owner.uid, owner.gid);
  }

  utimes(p: string, atime: Date, mtime: Date, opts: { noFollow?: boolean } = {}): void {
    const link = this.lookup(p, !opts.noFollow, opts.noFollow ? "lutimes" : "utime");
    this.changes.copyUp(link);
    this.tree.setTimes(link.node, atime, mtime);
  }

  // ---- internals ----

  private openStep(op: string): OpenStep {
    if (!this.step) throw new Error(`${op}: no step is open (call beginStep first)`);
    return this.step;
  }

  private closeStep(): void {
    this.step = null;
    this.tree.undo = null;
    this.changes.upper = null;
  }

  private resolve(p: string, followLast: boolean, syscall: string): Resolved {
    return resolvePath(this.tree.root, p, followLast, syscall);
  }

  /** Resolution inside a two-path call: errors name both paths. */
  private resolveFor(p: string, followLast: boolean, syscall: string, path: string, dest: string): Resolved {
    try {
      return this.resolve(p, followLast, syscall);
    } catch (err) {
      throw withDest(err, syscall, path, dest);
    }
  }

  private lookup(p: string, followLast: boolean, syscall: string): Link {
    const r = this.resolve(p, followLast, syscall);
    if (!r.link) throw fsError("ENOENT", syscall, p);
    return r.link;
  }

  private isWithin(link: Link, ancestor: Link): boolean {
    for (let l: Link | undefined = link; l; l = l.parent) {
      if (l === ancestor) return true;
      if (l === this.tree.root) return false;
    }
    return false;
  }
}

function statOf(node: INode): Stat {
  const kind = kindOf(node);
  return {
    type: kind,
    mode: node.mode & 0o7777,
    uid: node.uid,
    gid: node.gid,
    size: kind === "file" ? contentSize(node) : kind === "symlink" ? Buffer.byteLength(node.symlink) : 0,
    mtime: new Date(node.mtime.getTime()),
    ino: node.ino,
    nlink: node.nlink,
    rdev: kind === "char" || kind === "block" ? node.rdev : 0,
  };
}
