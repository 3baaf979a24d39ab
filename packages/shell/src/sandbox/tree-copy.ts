import type { FileSystem, Stat } from "@tsbuild/fs-snapshot";
import { joinPath } from "../util/paths.js";

/**
 * Copy the entries below `fromDir` of one RootFS into `toDir` of another, keeping everything a
 * tar round trip keeps: types, modes (setuid/setgid/sticky too), owners, mtimes, symlink targets,
 * device numbers and hard links among the copied names. This is how Docker fills a new volume
 * with the image's content at its mount point (chrootarchive.CopyWithTar).
 *
 * `hollow(path)` names directories (paths of `from`) copied without their contents: mount points
 * of other volumes, whose content the other volume shows instead.
 */
export function copyTree(from: FileSystem, fromDir: string, to: FileSystem, toDir: string, hollow: (path: string) => boolean): void {
  const firstNames = new Map<number, string>();
  const walk = (src: string, dst: string) => {
    for (const name of from.readdir(src)) {
      const s = joinPath(src, name);
      const d = joinPath(dst, name);
      const st = from.lstat(s);
      if (st.type === "dir") {
        to.mkdir(d, { mode: st.mode, owner: st });
        if (!hollow(s)) walk(s, d);
        // Creating the entries inside moved the directory's mtime: put the original back.
        to.utimes(d, st.mtime, st.mtime);
        continue;
      }
      const first = st.nlink > 1 ? firstNames.get(st.ino) : undefined;
      if (first !== undefined) {
        to.link(first, d);
        continue;
      }
      if (st.nlink > 1) firstNames.set(st.ino, d);
      copyEntry(from, s, to, d, st);
    }
  };
  walk(fromDir, toDir);
}

function copyEntry(from: FileSystem, src: string, to: FileSystem, dst: string, st: Stat): void {
  const owner = { uid: st.uid, gid: st.gid };
  switch (st.type) {
    case "file":
      to.writeFile(dst, from.readFile(src), { mode: st.mode, owner, mtime: st.mtime });
      return;
    case "symlink":
      to.symlink(from.readlink(src), dst, { owner, mtime: st.mtime });
      return;
    case "char":
    case "block":
    case "fifo": {
      const rdev = st.rdev ?? 0;
      to.mknod(dst, st.type, { mode: st.mode, owner, major: devMajor(rdev), minor: devMinor(rdev) });
      to.utimes(dst, st.mtime, st.mtime, { noFollow: true });
      return;
    }
    case "dir":
      throw new Error(`copyTree: ${src} is a directory (copied by the walk)`);
  }
}

// Linux dev_t (glibc's gnu_dev_major/minor), with arithmetic: the high parts exceed 32 bits.
function devMajor(rdev: number): number {
  return (Math.floor(rdev / 2 ** 8) & 0xfff) + Math.floor(rdev / 2 ** 44) * 2 ** 12;
}

function devMinor(rdev: number): number {
  return (rdev & 0xff) + (Math.floor(rdev / 2 ** 20) & 0xffffff) * 2 ** 8;
}
