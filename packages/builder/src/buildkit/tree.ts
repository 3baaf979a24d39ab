import { posix } from "node:path";
import type { RootFS } from "@tsbuild/fs-snapshot";

/**
 * Copies the tree at `from` in `src` to `to` in `dst` (owners, modes, times and links kept; hard
 * links become copies, devices and fifos are left out: a mount's content needs neither). `to`'s
 * own directory takes the attributes of `from`'s.
 */
export function copyTree(src: RootFS, from: string, dst: RootFS, to: string): void {
  const st = src.lstat(from);
  const owner = { uid: st.uid, gid: st.gid };
  if (st.type === "dir") {
    if (!dst.exists(to)) dst.mkdir(to, { mode: st.mode, owner });
    for (const name of src.readdir(from)) copyTree(src, posix.join(from, name), dst, posix.join(to, name));
    dst.chown(to, owner);
    dst.chmod(to, st.mode);
    dst.utimes(to, st.mtime, st.mtime);
  } else if (st.type === "file") {
    dst.writeFile(to, src.readFile(from), { mode: st.mode, owner, mtime: st.mtime });
    dst.chown(to, owner);
    dst.chmod(to, st.mode);
  } else if (st.type === "symlink") {
    dst.symlink(src.readlink(from), to, { owner, mtime: st.mtime });
  }
}
