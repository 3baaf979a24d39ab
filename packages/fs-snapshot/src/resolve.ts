import { fsError, PATH_MAX } from "./errors.js";
import { childOf, isDir, isSymlink, type Link } from "./memfs-node.js";
import { splitPath } from "./names.js";

/** Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
const MAX_SYMLINK_HOPS = 40;

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

/**
 * Walks `path` from `root` the way the kernel does inside a chroot: ".." and symlinks are handled
 * per component against the real tree, an absolute symlink target restarts at `root`, and ".." never
 * climbs above it. Intermediate symlinks are always followed; the last one only with `followLast`.
 * A trailing "/" means the last component must be a directory (and is followed).
 */
export function resolvePath(root: Link, path: string, followLast: boolean, syscall: string): Resolved {
  if (path === "") throw fsError("ENOENT", syscall, path);
  // As the kernel (and Docker's on-disk extraction): it also bounds the tree's depth, which the
  // recursive walks (layer writing, diffs) rely on.
  if (Buffer.byteLength(path) >= PATH_MAX) throw fsError("ENAMETOOLONG", syscall, path);
  const trailingSlash = path.length > 1 && path.endsWith("/");
  const follow = followLast || trailingSlash;
  let comps = splitPath(path);
  const stack: Link[] = [root];
  let hops = 0;
  let i = 0;
  while (i < comps.length) {
    const c = comps[i];
    const last = i === comps.length - 1;
    const cur = stack[stack.length - 1];
    if (!isDir(cur.node)) throw fsError("ENOTDIR", syscall, path);
    if (c === ".") {
      i++;
      continue;
    }
    if (c === "..") {
      if (stack.length > 1) stack.pop();
      i++;
      continue;
    }
    const child = childOf(cur, c);
    if (!child) {
      if (last) return { parent: cur, name: c, link: undefined, isDirRef: false, trailingSlash };
      throw fsError("ENOENT", syscall, path);
    }
    if (isSymlink(child.node) && (!last || follow)) {
      if (++hops > MAX_SYMLINK_HOPS) throw fsError("ELOOP", syscall, path);
      const target: string = child.node.symlink;
      if (target === "") throw fsError("ENOENT", syscall, path);
      if (target.startsWith("/")) stack.length = 1;
      comps = splitPath(target).concat(comps.slice(i + 1));
      i = 0;
      continue;
    }
    if (last) {
      if (trailingSlash && !isDir(child.node)) throw fsError("ENOTDIR", syscall, path);
      return { parent: cur, name: c, link: child, isDirRef: false, trailingSlash };
    }
    stack.push(child);
    i++;
  }
  // The walk ended on a directory reached through ".", ".." or a symlink's target.
  const dir = stack[stack.length - 1];
  const parent = stack.length > 1 ? stack[stack.length - 2] : root;
  return { parent, name: stack.length > 1 ? dir.name : "", link: dir, isDirRef: true, trailingSlash };
}
