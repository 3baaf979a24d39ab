import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { CatalogFile } from "../catalog/types.js";
import { lexists, mkdirp, parentOf, zeroBytes } from "./fsutil.js";

const ROOT = { uid: 0, gid: 0 };

/** Writes a package's files into the tree (root-owned, placeholders of the listed sizes). */
export function unpackFiles(fs: FileSystem, files: CatalogFile[]): void {
  // Hard links last: their first path must exist whatever order the list is in.
  const ordered = [...files.filter((f) => f.type !== "hardlink"), ...files.filter((f) => f.type === "hardlink")];
  for (const f of ordered) {
    if (f.type === "dir") {
      if (!fs.exists(f.path)) fs.mkdir(f.path, { recursive: true, mode: f.mode, owner: ROOT });
      continue;
    }
    mkdirp(fs, parentOf(f.path));
    if (lexists(fs, f.path) && fs.lstat(f.path).type !== "dir") fs.unlink(f.path);
    // Placeholders are views of one shared zero buffer that nothing writes to: the tree may keep them.
    if (f.type === "file") fs.writeFile(f.path, zeroBytes(f.size), { mode: f.mode, owner: ROOT, adopt: true });
    else if (f.type === "symlink") fs.symlink(f.target, f.path, { owner: ROOT });
    else fs.link(f.target, f.path);
  }
}
