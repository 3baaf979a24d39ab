import { errorCode, fsError } from "../util/errors.js";
import { joinPath } from "../util/paths.js";
import type { Node, ProcessFs } from "./process-fs.js";

/**
 * What mv does when rename(2) answers EXDEV (a volume and the image, /dev/shm and the image):
 * copy the tree keeping modes, times, hard links and, where the process may, owners; then remove
 * the source. A non-root process cannot give the copies away, so they are its own (busybox warns
 * "can't preserve ownership" and carries on; the warning is not printed here).
 */
export function moveAcrossFilesystems(fs: ProcessFs, from: string, to: string): void {
  const src = fs.lstat(from);
  const existing = fs.tryLstat(to);
  if (existing) {
    // Like busybox: the destination is unlinked first, which fails for a directory.
    if (existing.type === "dir") throw fsError("EISDIR", "unlink", to);
    if (src.type === "dir") throw fsError("ENOTDIR", "rename", to);
    fs.remove(to);
  }
  copyPreserving(fs, from, to, src, new Map());
  fs.remove(from, { recursive: true });
}

function copyPreserving(fs: ProcessFs, from: string, to: string, st: Node, firstNames: Map<number, string>): void {
  switch (st.type) {
    case "dir":
      // Writable for the owner while it fills, whatever the source's mode; the mode is set last.
      fs.mkdir(to, { mode: (st.mode & 0o7777) | 0o700 });
      for (const name of fs.readdir(from)) {
        const child = joinPath(from, name);
        copyPreserving(fs, child, joinPath(to, name), fs.lstat(child), firstNames);
      }
      break;
    case "symlink":
      fs.symlink(fs.readlink(from), to);
      chownIfPermitted(fs, to, st, true);
      return;
    case "file": {
      const first = st.nlink > 1 ? firstNames.get(st.ino) : undefined;
      if (first !== undefined) {
        fs.link(first, to);
        return;
      }
      if (st.nlink > 1) firstNames.set(st.ino, to);
      fs.writeFile(to, fs.readFile(from), { mode: st.mode & 0o777 });
      break;
    }
    default:
      throw new Error(`cannot move ${from} to another filesystem: the sandbox cannot create ${st.type} nodes`);
  }
  // busybox's order: times, owner, then the mode (a chown clears setuid/setgid).
  fs.utimes(to, st.mtime, st.mtime);
  chownIfPermitted(fs, to, st, false);
  fs.chmod(to, st.mode);
}

function chownIfPermitted(fs: ProcessFs, path: string, st: Node, noFollow: boolean): void {
  try {
    fs.chown(path, { uid: st.uid, gid: st.gid }, { noFollow });
  } catch (err) {
    if (errorCode(err) !== "EPERM") throw err;
  }
}
