import { walkPath } from "@tsbuild/image";
import {
  type FileSystem, type FsError, type RootFS, isFsError, type MkdirOptions, type Owner, type Stat,
  type WriteFileOptions, type ExternalBytes,
} from "@tsbuild/fs-snapshot";
import { resolvePath } from "../util/paths.js";
import { fsError as shellFsError } from "../util/errors.js";
import { mountError, relabel } from "./mount-errors.js";
import { Volume } from "./volume.js";

/** Inode numbers of the n-th volume start at n * 2^32 (memfs counts from 0 and never gets near). */
const INODE_SPAN = 2 ** 32;

/** Why a RUN step's container could not be created with its volumes; Docker fails the build with it. */
export class VolumeMountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "VolumeMountError";
  }
}

/** A canonical path of the view and what lstat says of it: the nodes of the path walk. */
interface Peeked {
  path: string;
  st: Pick<Stat, "type">;
}

/** Where a path leads: its canonical form and the filesystem (image or volume) that holds it. */
interface Place {
  /** Canonical path in the container: every symlink resolved (the last one only when followed). */
  path: string;
  /** The volume holding it, if any. */
  volume: Volume | undefined;
  /** The path given to that filesystem: relative to the volume, keeping a final "/", "." or "..". */
  inner: string;
}

/**
 * The root filesystem as a RUN step's processes see it when the image declares VOLUMEs: the
 * step's RootFS, with an anonymous volume (a scratch RootFS, see volume.ts) mounted at each
 * volume path. Whatever a command does at or below a mount point happens in the volume, so it is
 * never journaled into the step's layer and the next step sees the image's content again.
 *
 * It is a FileSystem (what simulated programs and command models are given) whose every call is
 * routed: paths are resolved here, symlink by symlink across the mounts, as the kernel does (an
 * absolute target inside a volume restarts at the container's root), and the call goes to the
 * filesystem holding the result with the path inside it. Between filesystems, rename(2) and
 * link(2) answer EXDEV (mv then copies and deletes) and a mount point cannot be removed or
 * renamed (EBUSY).
 */
export class VolumeFs implements FileSystem {
  /** Mounted volumes, parents before the volumes mounted inside them. */
  private readonly volumes: Volume[] = [];

  /** Canonical paths of image files mounted read-only over themselves (BuildKit's secrets). */
  private readonly lockedFiles = new Set<string>();

  private constructor(private readonly image: FileSystem) {}

  /**
   * Mount an anonymous volume at each of `paths` (the image config's Volumes) over `image`, as
   * Docker's container creation does: paths are cleaned and made absolute, symlinks in them are
   * followed inside the image, and a missing mount point is created in the image (0755, root),
   * where it lands in the step's layer; a volume mounted inside another has its mount point made
   * in that volume instead. Throws VolumeMountError when a path is a file. `now` is the step's
   * clock, for the times of what the volumes' filesystems create.
   */
  static mount(image: FileSystem, paths: readonly string[], now?: () => Date, given: ReadonlyMap<string, RootFS> = new Map(), readOnly: ReadOnlyMounts = {}): VolumeFs {
    const view = new VolumeFs(image);
    const targets = new Set<string>();
    const provided = new Map<string, RootFS>();
    const roTargets = new Set<string>();
    for (const p of paths) {
      const target = view.mountTarget(p);
      targets.add(target);
      const fs = given.get(p);
      if (fs) provided.set(target, fs);
      if (readOnly.dirs?.has(p)) roTargets.add(target);
    }
    for (const f of readOnly.files ?? []) view.lockedFiles.add(view.locate(f, true, "mount").path);
    // Docker mounts the shallower paths first, so a volume inside another has its mount point there.
    const ordered = [...targets].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const path of ordered) {
      const parent = view.volumeAt(path);
      if (parent) parent.mountPoints.push(parent.inner(path));
      else if (!view.peek(path)) image.mkdir(path, { recursive: true, mode: 0o755, owner: { uid: 0, gid: 0 } });
      const volume = new Volume(path, (view.volumes.length + 1) * INODE_SPAN, image, now, provided.get(path));
      volume.readOnly = roTargets.has(path);
      view.volumes.push(volume);
    }
    return view;
  }

  /** The canonical mount point of a volume path, checked as Docker checks it before mounting. */
  private mountTarget(given: string): string {
    const wanted = resolvePath("/", given);
    if (wanted === "/") throw new VolumeMountError("cannot mount a volume at /: it would hide the whole root filesystem");
    let place: Place;
    try {
      place = this.locate(wanted, true, "lstat", undefined, true);
    } catch (err) {
      if (isFsError(err)) throw new VolumeMountError(`lstat ${wanted}: ${lookupFailure(err)}`);
      throw err;
    }
    const st = this.peek(place.path);
    if (st && st.type !== "dir") throw new VolumeMountError(`cannot mount volume over existing file, file exists ${place.path}`);
    if (place.path === "/") throw new VolumeMountError(`cannot mount a volume at ${wanted}: it leads to /, the whole root filesystem`);
    return place.path;
  }

  // ---- steps belong to the builder: only whether one is open ----

  get stepOpen(): boolean {
    return this.image.stepOpen;
  }

  // ---- reading ----

  lstat(p: string): Stat {
    const at = this.locate(p, false, "lstat");
    return this.inodes(at, this.call(at, p, (fs, inner) => fs.lstat(inner)));
  }

  stat(p: string): Stat {
    const at = this.locate(p, true, "stat");
    return this.inodes(at, this.call(at, p, (fs, inner) => fs.stat(inner)));
  }

  exists(p: string): boolean {
    try {
      const at = this.locate(p, true, "access");
      this.fsOf(at).lstat(at.inner);
      return true;
    } catch (err) {
      if (isFsError(err)) return false;
      throw err;
    }
  }

  readFile(p: string): Buffer {
    const at = this.locate(p, true, "open");
    return this.call(at, p, (fs, inner) => fs.readFile(inner));
  }

  readRange(p: string, offset: number, length: number): Buffer {
    const at = this.locate(p, true, "open");
    return this.call(at, p, (fs, inner) => fs.readRange(inner, offset, length));
  }

  readChunks(p: string): Iterable<Buffer> {
    const at = this.locate(p, true, "open");
    return this.call(at, p, (fs, inner) => fs.readChunks(inner));
  }

  placeholderBytes(p: string): number {
    const at = this.locate(p, true, "open");
    return this.call(at, p, (fs, inner) => fs.placeholderBytes(inner));
  }

  readdir(p: string): string[] {
    const at = this.locate(p, true, "scandir");
    return this.call(at, p, (fs, inner) => fs.readdir(inner));
  }

  readlink(p: string): string {
    const at = this.locate(p, false, "readlink");
    return this.call(at, p, (fs, inner) => fs.readlink(inner));
  }

  realpath(p: string): string {
    const at = this.locate(p, true, "realpath");
    this.call(at, p, (fs, inner) => fs.realpath(inner));
    return at.path;
  }

  // ---- creating ----

  writeFile(p: string, data: Buffer | Uint8Array | string, opts: WriteFileOptions = {}): void {
    const at = this.locate(p, true, "open");
    this.guard(at, "open", p, "write");
    this.call(at, p, (fs, inner) => fs.writeFile(inner, data, opts));
  }

  writeExternal(p: string, bytes: ExternalBytes, opts: Pick<WriteFileOptions, "mode" | "owner" | "mtime"> = {}): void {
    const at = this.locate(p, true, "open");
    this.guard(at, "open", p, "write");
    this.call(at, p, (fs, inner) => {
      if ("writeExternal" in fs && typeof fs.writeExternal === "function") return (fs as RootFS).writeExternal(inner, bytes, opts);
      // A volume holds its own bytes: what the reference stands for is read now.
      const data = Buffer.allocUnsafe(bytes.length);
      bytes.readInto(data, 0, 0, bytes.length);
      fs.writeFile(inner, data, opts);
    });
  }

  truncate(p: string, size: number, opts: WriteFileOptions = {}): void {
    const at = this.locate(p, true, "open");
    this.guard(at, "open", p, "write");
    this.call(at, p, (fs, inner) => fs.truncate(inner, size, opts));
  }

  mkdir(p: string, opts: MkdirOptions = {}): void {
    const made = { mode: opts.mode, owner: opts.owner, mtime: opts.mtime };
    if (!opts.recursive) {
      const at = this.locate(p, false, "mkdir");
      this.guard(at, "mkdir", p, "create");
      this.call(at, p, (fs, inner) => fs.mkdir(inner, made));
      return;
    }
    // mkdir -p one component at a time: the components may lie in different filesystems.
    const comps = components(p);
    for (let i = 1; i <= comps.length; i++) {
      const last = i === comps.length;
      const prefix = `/${comps.slice(0, i).join("/")}`;
      const at = this.locate(prefix, false, "mkdir");
      const st = this.peek(at.path);
      if (!st) {
        this.guard(at, "mkdir", p, "create");
        this.call(at, p, (fs, inner) => fs.mkdir(inner, { ...made, mode: last ? opts.mode : 0o755 }));
        continue;
      }
      // Like Go's os.MkdirAll (and RootFS): an existing directory, or a symlink to one, will do.
      const target = st.type === "symlink" ? this.tryStat(prefix) : st;
      if (target?.type === "dir") continue;
      throw mountError(last || !target ? "EEXIST" : "ENOTDIR", "mkdir", p);
    }
  }

  symlink(target: string, p: string, opts: { owner?: Owner; mtime?: Date } = {}): void {
    if (target === "") throw mountError("ENOENT", "symlink", target, p);
    const at = this.locate(p, false, "symlink", [target, p]);
    this.guard(at, "symlink", p, "create");
    this.call(at, target, (fs, inner) => fs.symlink(target, inner, opts), p);
  }

  mknod(p: string, type: "fifo" | "char" | "block", opts: { mode?: number; owner?: Owner; major?: number; minor?: number } = {}): void {
    const at = this.locate(p, false, "mknod");
    this.guard(at, "mknod", p, "create");
    this.call(at, p, (fs, inner) => fs.mknod(inner, type, opts));
  }

  link(existing: string, newPath: string): void {
    const src = this.locate(existing, false, "link", [existing, newPath]);
    const dst = this.locate(newPath, false, "link", [existing, newPath]);
    if (!this.peek(src.path)) throw mountError("ENOENT", "link", existing, newPath);
    if (this.peek(dst.path)) throw mountError("EEXIST", "link", existing, newPath);
    if (src.volume !== dst.volume) throw mountError("EXDEV", "link", existing, newPath);
    this.guard(dst, "link", newPath, "create");
    this.call(src, existing, (fs, inner) => fs.link(inner, dst.inner), newPath);
  }

  // ---- removing and renaming ----

  unlink(p: string): void {
    const at = this.locate(p, false, "unlink");
    this.guard(at, "unlink", p, "remove");
    this.call(at, p, (fs, inner) => fs.unlink(inner));
  }

  rmdir(p: string): void {
    const at = this.locate(p, false, "rmdir");
    if (this.isMountPoint(at)) throw mountError("EBUSY", "rmdir", p);
    this.guard(at, "rmdir", p, "remove");
    this.call(at, p, (fs, inner) => fs.rmdir(inner));
  }

  /**
   * A tree holding mount points is emptied as far as it can be, like `rm -rf` does on Linux: the
   * volumes' contents go, the mount points stay, and the first of them fails the call (EBUSY).
   */
  rm(p: string, opts: { recursive?: boolean; force?: boolean } = {}): void {
    let at: Place;
    try {
      at = this.locate(p, false, "rm");
    } catch (err) {
      if (opts.force && isFsError(err, "ENOENT")) return;
      throw err;
    }
    const st = this.peek(at.path);
    if (!st || !this.holdsMountPoint(at.path)) {
      this.guard(at, "rm", p, "remove");
      this.call(at, p, (fs, inner) => fs.rm(inner, opts));
      return;
    }
    if (!opts.recursive) throw mountError("EISDIR", "rm", p);
    this.removeTree(at.path);
  }

  private removeTree(path: string): void {
    const at = this.locate(path, false, "rm");
    if (!this.holdsMountPoint(path)) {
      this.guard(at, "rm", path, "remove");
      this.call(at, path, (fs, inner) => fs.rm(inner, { recursive: true }));
      return;
    }
    let failure: unknown;
    for (const name of this.fsOf(at).readdir(at.inner)) {
      try {
        this.removeTree(path === "/" ? `/${name}` : `${path}/${name}`);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    if (this.isMountPoint(at)) throw mountError("EBUSY", "rm", path);
    this.call(at, path, (fs, inner) => fs.rmdir(inner));
  }

  rename(from: string, to: string): void {
    const src = this.locate(from, false, "rename", [from, to]);
    const dst = this.locate(to, false, "rename", [from, to]);
    const st = this.peek(src.path);
    if (!st) throw mountError("ENOENT", "rename", from, to);
    if (this.isMountPoint(src) || this.isMountPoint(dst)) throw mountError("EBUSY", "rename", from, to);
    // overlay2 answers EXDEV for a directory of the image anyway; mv copies it, mount points and all.
    if (src.volume !== dst.volume || (st.type === "dir" && this.holdsMountPoint(src.path))) {
      throw mountError("EXDEV", "rename", from, to);
    }
    this.guard(src, "rename", from, "remove");
    this.guard(dst, "rename", to, this.lockedFiles.has(dst.path) ? "remove" : "write");
    this.call(src, from, (fs, inner) => fs.rename(inner, dst.inner), to);
  }

  // ---- metadata ----

  chmod(p: string, mode: number): void {
    const at = this.locate(p, true, "chmod");
    this.guard(at, "chmod", p, "change");
    this.call(at, p, (fs, inner) => fs.chmod(inner, mode));
  }

  chown(p: string, owner: Owner, opts: { noFollow?: boolean } = {}): void {
    const at = this.locate(p, !opts.noFollow, opts.noFollow ? "lchown" : "chown");
    this.guard(at, "chown", p, "change");
    this.call(at, p, (fs, inner) => fs.chown(inner, owner, opts));
  }

  utimes(p: string, atime: Date, mtime: Date, opts: { noFollow?: boolean } = {}): void {
    const at = this.locate(p, !opts.noFollow, opts.noFollow ? "lutimes" : "utime");
    this.guard(at, "utime", p, "change");
    this.call(at, p, (fs, inner) => fs.utimes(inner, atime, mtime, opts));
  }

  // ---- resolution ----

  /**
   * Walk `input` like the kernel: "." and ".." per component against the real tree, symlinks
   * followed (the last one only with `followLast` or a trailing "/"), an absolute target
   * restarting at the container's root. `lexicalTail` keeps going past a missing directory
   * (the rest taken as written), as Docker resolves a mount point; otherwise a missing
   * directory on the way is ENOENT. `label` names both paths of a two-path call in errors.
   */
  private locate(input: string, followLast: boolean, syscall: string, label?: [string, string], lexicalTail = false): Place {
    const fail = (code: "ENOENT" | "ENOTDIR" | "ELOOP") => (label ? mountError(code, syscall, ...label) : mountError(code, syscall, input));
    if (input === "") throw fail("ENOENT");
    const trailingSlash = input.length > 1 && input.endsWith("/");
    // The project's one path walk (@tsbuild/image's walkPath), over this view's canonical paths.
    let missing: { at: Peeked; rest: string[] } | undefined;
    const w = walkPath<Peeked>({ path: "/", st: { type: "dir" } }, components(input), followLast || trailingSlash, {
      child: (dir, name) => {
        const path = dir.path === "/" ? `/${name}` : `${dir.path}/${name}`;
        const st = this.peek(path);
        return st ? { path, st } : undefined;
      },
      isDir: (n) => n.st.type === "dir",
      linkTarget: (n) => {
        if (n.st.type !== "symlink") return undefined;
        const link = this.place(n.path, false, false);
        return this.fsOf(link).readlink(link.inner);
      },
      stopped: (at, rest) => {
        missing = { at, rest };
      },
    });
    if (!w.ok) {
      if (w.code === "ENOENT" && missing && lexicalTail) return this.place(resolvePath(missing.at.path, missing.rest.join("/")), false, false);
      throw fail(w.code);
    }
    const dir = w.dirs[w.dirs.length - 1].path;
    // The walk ended on a directory reached through ".", ".." or a symlink's target.
    if (w.dirRef) return this.place(dir, true, trailingSlash);
    if (trailingSlash && w.node && w.node.st.type !== "dir") throw fail("ENOTDIR");
    return this.place(dir === "/" ? `/${w.name}` : `${dir}/${w.name}`, false, trailingSlash);
  }

  /** The place of a canonical path; `dirRef`/`trailingSlash` are kept for the filesystem's own checks. */
  private place(path: string, dirRef: boolean, trailingSlash: boolean): Place {
    const volume = this.volumeAt(path);
    const base = volume ? volume.inner(path) : path;
    const suffix = base === "/" ? "" : dirRef ? "/." : trailingSlash ? "/" : "";
    return { path, volume, inner: base + suffix };
  }

  /** The innermost volume holding `path` (canonical). */
  private volumeAt(path: string): Volume | undefined {
    let found: Volume | undefined;
    for (const v of this.volumes) if (v.holds(path) && (!found || v.path.length > found.path.length)) found = v;
    return found;
  }

  private fsOf(at: Place): FileSystem {
    return at.volume ? at.volume.fs : this.image;
  }

  /** lstat of a canonical path, or undefined when nothing is there. */
  private peek(path: string): Stat | undefined {
    const at = this.place(path, false, false);
    try {
      return this.fsOf(at).lstat(at.inner);
    } catch (err) {
      if (isFsError(err, "ENOENT", "ENOTDIR")) return undefined;
      throw err;
    }
  }

  private tryStat(p: string): Stat | undefined {
    try {
      return this.stat(p);
    } catch (err) {
      if (isFsError(err)) return undefined;
      throw err;
    }
  }

  /**
   * What a read-only mount refuses, after the checks the call makes first on Linux: `create` leaves
   * an existing name to the filesystem (EEXIST), `change`/`remove` a missing one (ENOENT), and then
   * the change fails with EROFS; a file mounted over itself cannot be removed or renamed (EBUSY).
   */
  private guard(at: Place, syscall: string, p: string, kind: "write" | "create" | "change" | "remove"): void {
    if (this.lockedFiles.has(at.path)) {
      if (kind === "remove") throw mountError("EBUSY", syscall, p);
      if (kind !== "create") throw shellFsError("EROFS", syscall, p);
      return;
    }
    if (!at.volume?.readOnly) return;
    const there = this.peek(at.path) !== undefined;
    if (kind === "write" || (kind === "create" ? !there : there)) throw shellFsError("EROFS", syscall, p);
  }

  private isMountPoint(at: Place): boolean {
    return at.volume !== undefined && at.volume.path === at.path;
  }

  /** True when a volume is mounted at `path` or anywhere below it. */
  private holdsMountPoint(path: string): boolean {
    return this.volumes.some((v) => v.path === path || v.path.startsWith(path === "/" ? "/" : `${path}/`));
  }

  /** Run `op` on the filesystem holding `at`; its errors name the caller's paths. */
  private call<T>(at: Place, path: string, op: (fs: FileSystem, inner: string) => T, dest?: string): T {
    try {
      return op(this.fsOf(at), at.inner);
    } catch (err) {
      throw relabel(err, path, dest);
    }
  }

  /** A volume's inode numbers, moved out of the range of the image's and the other volumes'. */
  private inodes(at: Place, st: Stat): Stat {
    return at.volume ? { ...st, ino: st.ino + at.volume.inodeBase } : st;
  }
}

/** The read-only mounts among a step's: directories given by their mount path, files by theirs. */
export interface ReadOnlyMounts {
  dirs?: ReadonlySet<string>;
  files?: readonly string[];
}

function components(p: string): string[] {
  return p.split("/").filter((c) => c !== "");
}

function depth(path: string): number {
  return components(path).length;
}

function lookupFailure(err: FsError): string {
  return err.code === "ENOTDIR" ? "not a directory" : err.code === "ELOOP" ? "too many levels of symbolic links" : "no such file or directory";
}

