import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { CatalogFile, PackageInfo } from "../catalog/types.js";
import { parentOf, readText, writeText } from "../util/fsutil.js";
import { INFO, qualifiedName } from "./state.js";


interface Filter { include: boolean; pattern: RegExp }

/** dpkg's fnmatch without FNM_PATHNAME: "*" also matches "/". */
function globRe(glob: string): RegExp {
  let re = "";
  for (const c of glob) re += c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp("^" + re + "$");
}

/** The path-exclude / path-include rules of /etc/dpkg/dpkg.cfg.d/* (the slim image's "docker" file). */
export function readPathFilters(fs: FileSystem): Filter[] {
  const dir = "/etc/dpkg/dpkg.cfg.d";
  if (!fs.exists(dir)) return [];
  const out: Filter[] = [];
  for (const name of fs.readdir(dir)) {
    for (const line of (readText(fs, `${dir}/${name}`) ?? "").split("\n")) {
      const m = /^\s*(path-exclude|path-include)[\s=]+(\S+)/.exec(line);
      if (m) out.push({ include: m[1] === "path-include", pattern: globRe(m[2]) });
    }
  }
  return out;
}

/** The last matching rule decides, as in dpkg. */
function excluded(filters: Filter[], path: string): boolean {
  let out = false;
  for (const f of filters) if (f.pattern.test(path)) out = !f.include;
  return out;
}

/** The entries dpkg actually unpacks: filtered files dropped, directories kept when they hold something. */
export function filteredFiles(files: CatalogFile[], filters: Filter[]): CatalogFile[] {
  if (!filters.length) return files;
  const kept = files.filter((f) => f.type === "dir" || !excluded(filters, f.path));
  const needed = new Set<string>();
  for (const f of kept) if (f.type !== "dir") for (let d = parentOf(f.path); d !== "/"; d = parentOf(d)) needed.add(d);
  return kept.filter((f) => f.type !== "dir" || !excluded(filters, f.path) || needed.has(f.path));
}

/** dpkg unpacks a package's files as apk does: placeholders, links, directories (root-owned). */
export { unpackFiles as unpack } from "../util/unpack.js";

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** /var/lib/dpkg/info/<pkg>.{list,md5sums,conffiles}, in dpkg's formats. */
export function writeInfoFiles(fs: FileSystem, info: PackageInfo, unpacked: CatalogFile[], all: CatalogFile[]): void {
  const q = qualifiedName(info.name, info.multiArch);
  const list = ["/.", ...unpacked.map((f) => f.path)].join("\n") + "\n";
  writeText(fs, `${INFO}/${q}.list`, list);
  const conf = new Set(info.conffiles);
  const sums = all.filter((f) => f.type === "file" && !conf.has(f.path))
    .map((f) => `${md5(f.path)}  ${f.path.slice(1)}`).join("\n");
  if (sums) writeText(fs, `${INFO}/${q}.md5sums`, sums + "\n");
  if (info.conffiles.length) writeText(fs, `${INFO}/${q}.conffiles`, info.conffiles.join("\n") + "\n");
}

/** Directories that some other installed package's .list names (they stay when one owner goes). */
export function dirsOfOthers(fs: FileSystem, except: Set<string>): Set<string> {
  const out = new Set<string>();
  if (!fs.exists(INFO)) return out;
  for (const f of fs.readdir(INFO)) {
    if (!f.endsWith(".list")) continue;
    const pkg = f.slice(0, -5).replace(/:.*$/, "");
    if (except.has(pkg)) continue;
    for (const p of (readText(fs, `${INFO}/${f}`) ?? "").split("\n")) if (p) out.add(p);
  }
  return out;
}

/** How many paths the dpkg database lists ("N files and directories currently installed."). */
export function databaseCount(fs: FileSystem): number {
  if (!fs.exists(INFO)) return 0;
  const all = new Set<string>();
  for (const f of fs.readdir(INFO)) {
    if (!f.endsWith(".list")) continue;
    for (const p of (readText(fs, `${INFO}/${f}`) ?? "").split("\n")) if (p) all.add(p);
  }
  return all.size;
}
