import { walkPath, type PathNodes } from "@tsbuild/image";
import { fsError, PATH_MAX } from "./errors.js";
import { childOf, isDir, isSymlink, type Link } from "./memfs-node.js";
import { splitPath } from "./names.js";


export interface Resolved {
  /** The directory that holds the entry (the root for the root itself). */
  parent: Link;
  /** The entry's name in `parent`; "" for the root. */
  name: string;
  /** The entry, when it exists. */
  link: Link | undefined;
  /** The path ended in ".", ".." or named the root: it denotes a directory, not a removable entry. */
  isDirRef: boolean;
  /** The path ended in "/". */
  trailingSlash: boolean;
}

const LINKS: PathNodes<Link> = {
  child: childOf,
  isDir: (l) => isDir(l.node),
  linkTarget: (l) => (isSymlink(l.node) ? (l.node.symlink as string) : undefined),
};

/**
 * Walks `path` from `root` the way the kernel does inside a chroot (@tsbuild/image's walkPath, the
 * one resolver of image paths): ".." and symlinks are handled per component against the real tree,
 * an absolute symlink target restarts at `root`, and ".." never climbs above it. Intermediate
 * symlinks are always followed; the last one only with `followLast`. A trailing "/" means the
 * last component must be a directory (and is followed).
 */
export function resolvePath(root: Link, path: string, followLast: boolean, syscall: string): Resolved {
  if (path === "") throw fsError("ENOENT", syscall, path);
  // As the kernel (and Docker's on-disk extraction): it also bounds the tree's depth, which the
  // recursive walks (layer writing, diffs) rely on.
  if (Buffer.byteLength(path) >= PATH_MAX) throw fsError("ENAMETOOLONG", syscall, path);
  const trailingSlash = path.length > 1 && path.endsWith("/");
  const w = walkPath(root, splitPath(path), followLast || trailingSlash, LINKS);
  if (!w.ok) throw fsError(w.code, syscall, path);
  const cur = w.dirs[w.dirs.length - 1];
  if (!w.dirRef) {
    if (w.node && trailingSlash && !isDir(w.node.node)) throw fsError("ENOTDIR", syscall, path);
    return { parent: cur, name: w.name, link: w.node, isDirRef: false, trailingSlash };
  }
  // The walk ended on a directory reached through ".", ".." or a symlink's target.
  const parent = w.dirs.length > 1 ? w.dirs[w.dirs.length - 2] : root;
  return { parent, name: w.dirs.length > 1 ? cur.name : "", link: cur, isDirRef: true, trailingSlash };
}
