import type { FileSystem } from "@tsbuild/fs-snapshot";
import { lexists, readText, removeIfPresent, writeText } from "../../util/fsutil.js";
import { field, type Paragraph } from "../control.js";
import { INFO, qualifiedName, type DpkgPackage } from "../state.js";

export type ScriptRunner = (pkg: string, script: string, args: string[]) => Promise<{ code: number; stderr: string }>;

export interface RemoveContext {
  fs: FileSystem;
  out: (line: string) => void;
  /** Directories another package's .list names: they stay. */
  shared: Set<string>;
  /** Runs a maintainer script through tsbuild's shell; undefined: scripts are named as not run. */
  runScript?: ScriptRunner;
  notRun: string[];
}

/**
 * dpkg --remove / --purge of one installed package, in dpkg's order (remove.c): `prerm remove`,
 * the files (conffiles stay), every info file but the list and the postrm, `postrm remove`; the
 * list then names only what is left. A package with neither conffiles nor a postrm goes straight
 * to purged. Purging deletes the conffiles, runs `postrm purge`, then drops the list and the
 * postrm. Returns the package's new status stanza (`deinstall ok config-files`), or undefined when
 * the stanza goes. A package already in config-files state is only purged.
 */
export async function dpkgRemove(c: RemoveContext, p: DpkgPackage, purge: boolean): Promise<Paragraph | undefined> {
  const { fs } = c;
  const q = qualifiedName(p.name, p.multiArch);
  const info = (ext: string) => `${INFO}/${q}.${ext}`;
  const script = async (name: "prerm" | "postrm", arg: string) => {
    if (!lexists(fs, info(name))) return;
    if (!c.runScript) { c.notRun.push(`${q}.${name} ${arg}`); return; }
    const r = await c.runScript(q, `info/${q}.${name}`, [arg]);
    if (r.code !== 0) c.notRun.push(`${q}.${name} ${arg} (exit ${r.code} in tsbuild's shell: ${r.stderr.trim().split("\n")[0] ?? ""})`);
  };
  const conffiles = (field(p.para, "Conffiles") ?? "").split("\n").map((l) => l.trim().split(" ")[0]).filter(Boolean);
  const listed = (readText(fs, info("list")) ?? "").split("\n").filter((x) => x && x !== "/.");
  if (!p.status.endsWith(" config-files")) {
    c.out(`Removing ${q} (${p.version}) ...`);
    await script("prerm", "remove");
    removePaths(fs, listed, new Set(conffiles), c.shared);
    if (lexists(fs, info("list"))) {
      const left = (readText(fs, info("list")) ?? "").split("\n").filter((x) => x && lexists(fs, x));
      writeText(fs, info("list"), left.map((x) => x + "\n").join(""));
    }
    await script("postrm", "remove");
    for (const n of fs.exists(INFO) ? fs.readdir(INFO) : []) {
      if (n.startsWith(`${q}.`) && n !== `${q}.list` && n !== `${q}.postrm`) fs.unlink(`${INFO}/${n}`);
    }
  }
  const hasPostrm = lexists(fs, info("postrm"));
  if (!purge && (conffiles.length || hasPostrm)) {
    // dpkg clears the essential flag of what only its configuration is left of
    return p.para.filter(([k]) => k !== "Essential").map(([k, v]) => (k === "Status" ? [k, "deinstall ok config-files"] : [k, v])) as Paragraph;
  }
  if (conffiles.length || hasPostrm) {
    c.out(`Purging configuration files for ${q} (${p.version}) ...`);
    for (const f of conffiles) removeConffile(fs, f);
    await script("postrm", "purge");
  }
  // then directories left empty, as dpkg retries them
  removePaths(fs, listed, new Set(), c.shared);
  for (const ext of ["list", "postrm"]) if (lexists(fs, info(ext))) fs.unlink(info(ext));
  return undefined;
}

/** A conffile with the copies dpkg and editors leave next to it (dpkg's REMOVECONFFEXTS, `~N~`, `#name#`). */
function removeConffile(fs: FileSystem, path: string): void {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  const base = path.slice(dir.length === 1 ? 1 : dir.length + 1);
  if (lexists(fs, path) && fs.lstat(path).type !== "dir") fs.unlink(path);
  let names: string[];
  try { names = fs.readdir(dir); } catch { return; }
  for (const n of names) {
    const rest = n.startsWith(base) ? n.slice(base.length) : undefined;
    const backup = rest !== undefined && ([".dpkg-old", ".dpkg-new", ".dpkg-bak", ".dpkg-dist", ".dpkg-tmp"].includes(rest) || /^~\d*~$/.test(rest));
    if (backup || n === `#${base}#`) fs.unlink(`${dir === "/" ? "" : dir}/${n}`);
  }
}

/** Files first, then the directories that are nobody else's, deepest first (rmdir of an empty one only). */
function removePaths(fs: FileSystem, paths: string[], keep: Set<string>, shared: Set<string>): void {
  const dirs: string[] = [];
  for (const x of paths) {
    if (keep.has(x)) continue;
    let st;
    try { st = fs.lstat(x); } catch { continue; }
    if (st.type === "dir") dirs.push(x);
    else fs.unlink(x);
  }
  for (const d of dirs.sort((a, b) => b.length - a.length)) {
    if (shared.has(d)) continue;
    try { if (fs.readdir(d).length === 0) removeIfPresent(fs, d); } catch { /* gone already */ }
  }
}
