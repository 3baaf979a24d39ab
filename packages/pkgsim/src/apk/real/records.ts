import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readText, writeText } from "../../util/fsutil.js";
import { parseInstalled, type InstalledPackage } from "../db.js";
import { headerLines, type IndexPackage } from "./apkindex.js";
import type { ApkPackageFile, ScriptType } from "./pkgfile.js";
import { readScriptsTar, tarEntry, type ApkTarEntry } from "./tar.js";

export const SCRIPTS_TAR = "/lib/apk/db/scripts.tar";
export const TRIGGERS = "/lib/apk/db/triggers";

const parent = (p: string) => (p.includes("/") ? p.slice(0, p.lastIndexOf("/")) : "");
const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);
const q1hex = (hex: string) => "Q1" + Buffer.from(hex, "hex").toString("base64");

/**
 * Z: of an entry: abuild's APK-TOOLS.checksum.SHA1 PAX record; a hard link takes its target's.
 * apk computes none itself: without the record no Z: line is written.
 */
function checksumOf(e: ApkTarEntry, byName: Map<string, string | undefined>): string | undefined {
  if (e.type === "link") return byName.get(e.linkname.replace(/^\.?\//, ""));
  const pax = e.pax["APK-TOOLS.checksum.SHA1"];
  return pax && /^[0-9a-f]{40}$/i.test(pax) ? q1hex(pax) : undefined;
}

/**
 * The /lib/apk/db/installed record apk writes for a package (apk_db_write_fdb): the index header,
 * then each owned directory (F:, M: unless root:root 0755) with its files (R:, a: unless
 * root:root 0644, Z:), directories in the order the archive made them, files in archive order.
 */
export function installedRecord(pkg: IndexPackage, data: ApkTarEntry[], replaces: string[] = []): InstalledPackage {
  const dirs = new Map<string, { acl?: string; files: string[] }>();
  const sums = new Map<string, string | undefined>();
  const dir = (name: string) => {
    let d = dirs.get(name);
    if (!d) dirs.set(name, (d = { files: [] }));
    return d;
  };
  const files: string[] = [];
  for (const e of data) {
    if (!e.name || e.name.startsWith(".SIGN.") || (!e.name.includes("/") && e.name.startsWith(".") && e.type === "file" && e.name === ".PKGINFO")) continue;
    if (e.type === "dir") {
      const d = dir(e.name);
      if (e.uid !== 0 || e.gid !== 0 || e.mode !== 0o755) d.acl = `M:${e.uid}:${e.gid}:${e.mode.toString(8)}`;
      continue;
    }
    if (e.type === "other") continue;
    const sum = checksumOf(e, sums);
    sums.set(e.name, sum);
    const mode = e.type === "symlink" ? 0o777 : e.mode;
    const lines = [`R:${base(e.name)}`];
    if (e.uid !== 0 || e.gid !== 0 || mode !== 0o644) lines.push(`a:${e.uid}:${e.gid}:${mode.toString(8)}`);
    if (sum) lines.push(`Z:${sum}`);
    dir(parent(e.name)).files.push(...lines);
    files.push("/" + e.name);
  }
  const lines = headerLines(pkg);
  if (replaces.length) lines.push(`r:${replaces.join(" ")}`);
  for (const [name, d] of dirs) {
    lines.push(`F:${name}`);
    if (d.acl) lines.push(d.acl);
    lines.push(...d.files);
  }
  return {
    name: pkg.name, version: pkg.version, installedSize: pkg.installedSize, depends: pkg.depends, provides: pkg.provides,
    installIf: pkg.installIf, dirs: [...dirs.keys()].map((d) => "/" + d), files, lines,
  };
}

/** apk_pkg_cmp_display: by name (strcasecmp, then strcmp); apk writes the installed database in that order. */
export function sortRecords(pkgs: InstalledPackage[]): InstalledPackage[] {
  return [...pkgs].sort((a, b) => {
    const x = a.name.toLowerCase(), y = b.name.toLowerCase();
    if (x !== y) return x < y ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

export function checksumOfRecord(p: InstalledPackage): string {
  return fieldOf(p, "C") ?? "";
}

export function fieldOf(p: InstalledPackage, key: string): string | undefined {
  return p.lines.find((l) => l.startsWith(`${key}:`))?.slice(2);
}

export interface ScriptEntry { name: string; data: Buffer; mode: number; mtime: number }

export function readScripts(fs: FileSystem): ScriptEntry[] {
  return fs.exists(SCRIPTS_TAR) ? readScriptsTar(fs.readFile(SCRIPTS_TAR)) : [];
}

/** scripts.tar entries are `<name>-<version>.<Q1 checksum>.<script>`, 0755, mtime the build time. */
export function scriptEntries(f: ApkPackageFile): ScriptEntry[] {
  const out: ScriptEntry[] = [];
  for (const [type, data] of f.scripts) {
    out.push({ name: `${f.pkg.name}-${f.pkg.version}.${f.pkg.checksum}.${type}`, data, mode: 0o755, mtime: f.pkg.buildTime ?? 0 });
  }
  return out;
}

export function writeScripts(fs: FileSystem, entries: ScriptEntry[]): void {
  const body = Buffer.concat([...entries.map((e) => tarEntry(e.name, e.data, e.mode, e.mtime)), Buffer.alloc(1024)]);
  writeText(fs, SCRIPTS_TAR, body);
}

export function scriptOf(entries: ScriptEntry[], p: InstalledPackage, type: ScriptType): Buffer | undefined {
  return entries.find((e) => e.name === `${p.name}-${p.version}.${checksumOfRecord(p)}.${type}`)?.data;
}

/** /lib/apk/db/triggers: `<checksum> <glob>…` per package that has triggers, in installation order. */
export function readTriggers(fs: FileSystem): Array<{ checksum: string; globs: string[] }> {
  return (readText(fs, TRIGGERS) ?? "").split("\n").filter(Boolean).map((l) => {
    const [checksum, ...globs] = l.split(" ");
    return { checksum, globs };
  });
}

export function writeTriggers(fs: FileSystem, t: Array<{ checksum: string; globs: string[] }>): void {
  writeText(fs, TRIGGERS, t.map((x) => [x.checksum, ...x.globs].join(" ") + "\n").join(""));
}

export { parseInstalled };
