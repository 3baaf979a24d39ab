import { posix } from "node:path";
import type { RootFS, Stat } from "@tsbuild/fs-snapshot";

/** Go's maximum number of links followed by FollowSymlinkInScope (moby/sys symlink). */
const MAX_LINKS = 255;

/**
 * Docker resolves a copy's destination with FollowSymlinkInScope before it makes directories:
 * every symlink among the existing components is followed inside the image (so `COPY d /l/`
 * with /l a dangling link to /nonexist makes /nonexist), a loop fails with Go's message, and a
 * component that is a file fails as os.MkdirAll does ("not a directory").
 */
export function resolveInScope(fs: RootFS, path: string): string {
  let pending = path.split("/").filter(Boolean);
  let resolved = "";
  let links = 0;
  while (pending.length) {
    const part = pending.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      resolved = posix.dirname(resolved || "/") === "/" ? "" : posix.dirname(resolved);
      continue;
    }
    const next = `${resolved}/${part}`;
    const st = lstatOrUndefined(fs, next);
    if (st?.type !== "symlink") {
      resolved = next;
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`failed to copy files: evalSymlinksInScope: too many links in ${path}`);
    const target = fs.readlink(next);
    if (target.startsWith("/")) resolved = "";
    pending = [...target.split("/").filter(Boolean), ...pending];
  }
  return resolved || "/";
}

/** MkdirAllAndChownNew on the resolved path: missing directories made 0755 with `owner`. */
export function mkdirAllInScope(fs: RootFS, dir: string, owner: { uid: number; gid: number }): void {
  const target = resolveInScope(fs, dir);
  let cur = "";
  for (const part of target.split("/").filter(Boolean)) {
    cur += "/" + part;
    const st = lstatOrUndefined(fs, cur);
    if (!st) fs.mkdir(cur, { mode: 0o755, owner });
    else if (st.type !== "dir") throw new Error(`failed to copy files: mkdir ${cur}: not a directory`);
  }
}

function lstatOrUndefined(fs: RootFS, p: string): Stat | undefined {
  try {
    return fs.lstat(p);
  } catch {
    return undefined;
  }
}
