/**
 * Linux's limit on the symbolic links one path lookup follows (MAXSYMLINKS, 40) before ELOOP:
 * every resolver of image paths stops at the same count.
 */
export const MAX_SYMLINK_HOPS = 40;

/** How a tree answers a path walk: its node types are the caller's (memfs links, stacked paths, …). */
export interface PathNodes<N> {
  child(dir: N, name: string): N | undefined;
  isDir(node: N): boolean;
  /** The target when `node` is a symbolic link. */
  linkTarget(node: N): string | undefined;
  /**
   * Told where a walk stops short: at the last directory reached when the next component is
   * missing (ENOENT), or at a non-directory with components left (ENOTDIR), with the components
   * not walked. For callers that go on lexically from there (Docker's mount points, a process's
   * view that hands paths under a mount to the mount).
   */
  stopped?(at: N, rest: string[]): void;
}

export type Walked<N> =
  | {
      ok: true;
      /** The directories walked through, the root first; the last one holds `name`. */
      dirs: N[];
      /** The names of dirs[1..] in their parents. */
      names: string[];
      /** `name` in the last directory; "" when the walk ended on a directory itself (see dirRef). */
      name: string;
      /** The entry, undefined when only the last component is missing. */
      node: N | undefined;
      /** The path ended in ".", ".." or a link's target, or named the root: it denotes the last of `dirs`. */
      dirRef: boolean;
    }
  | { ok: false; code: "ENOENT" | "ENOTDIR" | "ELOOP" };

/**
 * The kernel's path walk inside a chroot, for any tree: ".." and symlinks are handled per
 * component against the tree, an absolute target restarts at the root and ".." never climbs above
 * it; intermediate links are always followed, the last one only with `followLast`; an empty
 * target is ENOENT; at most MAX_SYMLINK_HOPS links.
 */
export function walkPath<N>(root: N, comps: string[], followLast: boolean, nodes: PathNodes<N>): Walked<N> {
  const dirs: N[] = [root];
  const names: string[] = [];
  let hops = 0;
  let i = 0;
  while (i < comps.length) {
    const c = comps[i];
    const last = i === comps.length - 1;
    const cur = dirs[dirs.length - 1];
    if (!nodes.isDir(cur)) {
      nodes.stopped?.(cur, comps.slice(i));
      return { ok: false, code: "ENOTDIR" };
    }
    if (c === ".") {
      i++;
      continue;
    }
    if (c === "..") {
      if (dirs.length > 1) {
        dirs.pop();
        names.pop();
      }
      i++;
      continue;
    }
    const child = nodes.child(cur, c);
    if (child === undefined) {
      if (last) return { ok: true, dirs, names, name: c, node: undefined, dirRef: false };
      nodes.stopped?.(cur, comps.slice(i));
      return { ok: false, code: "ENOENT" };
    }
    const target = !last || followLast ? nodes.linkTarget(child) : undefined;
    if (target !== undefined) {
      if (++hops > MAX_SYMLINK_HOPS) return { ok: false, code: "ELOOP" };
      if (target === "") return { ok: false, code: "ENOENT" };
      if (target.startsWith("/")) {
        dirs.length = 1;
        names.length = 0;
      }
      comps = target.split("/").filter((x) => x !== "").concat(comps.slice(i + 1));
      i = 0;
      continue;
    }
    if (last) return { ok: true, dirs, names, name: c, node: child, dirRef: false };
    dirs.push(child);
    names.push(c);
    i++;
  }
  return { ok: true, dirs, names, name: "", node: dirs[dirs.length - 1], dirRef: true };
}
