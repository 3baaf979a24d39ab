import { isFsError, RootFS, type FileSystem, type Stat } from "@tsbuild/fs-snapshot";
import { copyTree } from "./tree-copy.js";

/**
 * One anonymous volume of a RUN step's container: a filesystem of its own mounted at `path`,
 * holding at first a copy of what the image has there, and thrown away with the container.
 *
 * The copy is made on first use, not when the step starts: most steps never look inside their
 * volumes, and nothing can change the image's content under the mount point in between (every
 * path below it leads into the volume).
 */
export class Volume {
  /** Paths, relative to the volume's root, where other volumes are mounted inside this one. */
  readonly mountPoints: string[] = [];
  /** Mounted read-only (BuildKit's bind without `rw`): VolumeFs refuses every change with EROFS. */
  readOnly = false;
  private contents: RootFS | undefined;

  constructor(
    /** Canonical path of the mount point in the container (no symlinks, no trailing slash, never "/"). */
    readonly path: string,
    /** Added to inode numbers: tar and cp recognise hard links by inode, and two filesystems may reuse one. */
    readonly inodeBase: number,
    private readonly image: FileSystem,
    /** The step's clock (RunSpec.now); the wall clock without it. */
    private readonly now?: () => Date,
    /** A filesystem the builder mounts (BuildKit's RUN --mount), used as given instead of a copy of the image. */
    given?: RootFS,
  ) {
    this.contents = given;
  }

  /** The volume's own filesystem (paths relative to the mount point). */
  get fs(): RootFS {
    this.contents ??= this.fill();
    return this.contents;
  }

  /** True when `path` (canonical) is the mount point or lies below it. */
  holds(path: string): boolean {
    return path === this.path || path.startsWith(`${this.path}/`);
  }

  /** `path` (canonical, held by this volume) as a path of the volume's filesystem. */
  inner(path: string): string {
    return path.slice(this.path.length) || "/";
  }

  /**
   * What Docker does when it creates the container: copy the image's content at the mount point
   * into the new volume, give the volume's root the owner and mode of the image's directory, then
   * (runc) make the mount points of the volumes mounted inside this one.
   */
  private fill(): RootFS {
    const fs = new RootFS(this.now ? { defaultMtime: this.now() } : {});
    const dir = lstatOrUndefined(this.image, this.path);
    if (dir?.type === "dir") {
      const hollow = new Set(this.mountPoints.map((p) => this.path + p));
      copyTree(this.image, this.path, fs, "/", (p) => hollow.has(p));
      fs.chown("/", dir);
      fs.chmod("/", dir.mode);
      fs.utimes("/", dir.mtime, dir.mtime);
    }
    for (const p of this.mountPoints) {
      if (!fs.exists(p)) fs.mkdir(p, { recursive: true, mode: 0o755 });
    }
    return fs;
  }
}

function lstatOrUndefined(fs: FileSystem, path: string): Stat | undefined {
  try {
    return fs.lstat(path);
  } catch (err) {
    if (isFsError(err, "ENOENT", "ENOTDIR")) return undefined;
    throw err;
  }
}
