import type { FileSystem } from "@tsbuild/fs-snapshot";
import { mkdirp, removeIfPresent } from "../../util/fsutil.js";
import type { InstalledPackage } from "../db.js";
import type { ApkPackageFile } from "./pkgfile.js";
import { fieldOf } from "./records.js";

/**
 * apk refuses to overwrite a file another package owns unless both come from the same origin or
 * one replaces the other (`r:` / `replaces =`); it names the first such file. tsbuild checks every
 * package before writing anything (apk would go on and end with "1 error;": the step fails either way).
 */
export function overwriteConflict(installed: InstalledPackage[], incoming: ApkPackageFile[]): { pkg: string; path: string; owner: string } | undefined {
  interface Owner { name: string; id: string; origin?: string; replaces: string[] }
  const owners = new Map<string, Owner>();
  for (const p of installed) {
    const o: Owner = { name: p.name, id: `${p.name}-${p.version}`, origin: fieldOf(p, "o"), replaces: (fieldOf(p, "r") ?? "").split(/\s+/).filter(Boolean) };
    for (const f of p.files) owners.set(f, o);
  }
  for (const f of incoming) {
    const me: Owner = { name: f.pkg.name, id: `${f.pkg.name}-${f.pkg.version}`, origin: f.pkg.origin, replaces: f.replaces };
    for (const e of f.data) {
      if (e.type === "dir" || !e.name) continue;
      const path = "/" + e.name;
      const o = owners.get(path);
      const allowed = !o || o.name === me.name || (me.origin && o.origin === me.origin) || me.replaces.includes(o.name) || o.replaces.includes(me.name);
      if (!allowed) return { pkg: me.id, path: e.name, owner: o!.id };
      owners.set(path, me);
    }
  }
  return undefined;
}

/** Writes a package's data entries as apk extracts them: owners, modes (setuid kept), mtimes, hard links, symlinks. */
export function unpack(fs: FileSystem, f: ApkPackageFile): void {
  const isDir = (p: string) => { try { return fs.stat(p).type === "dir"; } catch { return false; } };
  for (const e of f.data) {
    if (!e.name) continue;
    const path = "/" + e.name;
    const owner = { uid: e.uid, gid: e.gid };
    const dir = path.slice(0, path.lastIndexOf("/")) || "/";
    if (!isDir(dir)) mkdirp(fs, dir);
    if (e.type === "dir") {
      if (!isDir(path)) {
        fs.mkdir(path, { mode: e.mode, owner });
        fs.utimes(path, e.mtime, e.mtime);
      }
      continue;
    }
    try { if (fs.lstat(path).type !== "dir") fs.unlink(path); } catch { /* new path */ }
    if (e.type === "symlink") fs.symlink(e.linkname, path, { owner, mtime: e.mtime });
    else if (e.type === "link") fs.link("/" + e.linkname.replace(/^\.?\//, ""), path);
    else if (e.type === "file") {
      fs.writeFile(path, e.data, { mode: e.mode, owner });
      fs.chmod(path, e.mode);
      fs.utimes(path, e.mtime, e.mtime);
    }
  }
}

/** A removed package's files, then its directories that end up empty and no remaining package owns. */
export function removeOwned(fs: FileSystem, p: InstalledPackage, remaining: InstalledPackage[]): void {
  for (const f of p.files) removeIfPresent(fs, f);
  const owned = new Set(remaining.flatMap((r) => r.dirs));
  for (const d of [...p.dirs].sort((a, b) => b.length - a.length)) if (d !== "/" && !owned.has(d)) removeIfPresent(fs, d);
}
