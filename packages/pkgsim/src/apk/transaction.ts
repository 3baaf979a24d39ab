import { createHash } from "node:crypto";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { CatalogFile, PackageInfo } from "../catalog/types.js";
import { parentOf, removeIfPresent, writeText, zeroBytes } from "../util/fsutil.js";
export { unpackFiles } from "../util/unpack.js";
import type { InstalledPackage } from "./db.js";

const q1 = (data: string | Buffer) => "Q1" + createHash("sha1").update(data).digest("base64");

/** The checksum of a placeholder depends only on its size; gcc's are tens of MB, so remember them. */
const zeroSums = new Map<number, string>();
function zeroSum(size: number): string {
  let sum = zeroSums.get(size);
  if (sum === undefined) zeroSums.set(size, (sum = q1(zeroBytes(size))));
  return sum;
}

/** The db record apk writes for a package it installed (format of /lib/apk/db/installed). */
export function recordFor(info: PackageInfo, files: CatalogFile[], buildTime: number): InstalledPackage {
  const lines = [
    `C:${q1(info.name + "-" + info.version)}`, `P:${info.name}`, `V:${info.version}`, `A:${info.architecture}`,
    `S:${info.downloadSize}`, `I:${info.installedSize}`, `T:${info.description}`, `U:${info.url ?? ""}`,
    `L:${info.license ?? ""}`, `o:${info.origin ?? info.name}`, "m:Natanael Copa <ncopa@alpinelinux.org>",
    `t:${buildTime}`, `c:${createHash("sha1").update(info.name + info.version).digest("hex")}`,
  ];
  if (info.depends) lines.push(`D:${info.depends}`);
  if (info.provides) lines.push(`p:${info.provides}`);
  const dirs: string[] = [];
  const paths: string[] = [];
  let current = "";
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    if (f.type === "dir") {
      lines.push(`F:${f.path.slice(1)}`);
      if (f.mode !== 0o755) lines.push(`M:0:0:${f.mode.toString(8)}`);
      dirs.push(f.path);
      current = f.path;
      continue;
    }
    const dir = parentOf(f.path);
    if (dir !== current) {
      lines.push(`F:${dir.slice(1)}`);
      dirs.push(dir);
      current = dir;
    }
    lines.push(`R:${f.path.slice(dir.length + 1)}`);
    if (f.type === "file" && f.mode !== 0o644) lines.push(`a:0:0:${f.mode.toString(8)}`);
    lines.push(`Z:${f.type === "file" ? zeroSum(f.size) : q1(f.type === "symlink" ? f.target : f.path)}`);
    paths.push(f.path);
  }
  return {
    name: info.name, version: info.version, installedSize: info.installedSize,
    depends: info.depends.split(/\s+/).filter(Boolean), provides: info.provides.split(/\s+/).filter(Boolean),
    installIf: [], dirs, files: paths, lines,
  };
}

/** A --virtual package: a record with only dependencies, versioned by the time it was made. */
export function virtualRecord(name: string, deps: string[], now: Date): InstalledPackage {
  const p = (n: number) => String(n).padStart(2, "0");
  const version = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}.` +
    `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const lines = [`C:${q1(name + version)}`, `P:${name}`, `V:${version}`, "A:noarch", "S:0", "I:0",
    "T:virtual meta package", "U:", "L:", `D:${deps.join(" ")}`];
  return { name, version, installedSize: 0, depends: deps, provides: [], installIf: [], dirs: [], files: [], lines };
}

/** Deletes a package's files, then its directories that are empty and no other package owns. */
export function removeFiles(fs: FileSystem, pkg: InstalledPackage, remaining: InstalledPackage[]): void {
  for (const f of pkg.files) removeIfPresent(fs, f);
  const owned = new Set(remaining.flatMap((p) => p.dirs));
  for (const d of [...pkg.dirs].sort((a, b) => b.length - a.length)) {
    if (d === "/" || owned.has(d)) continue;
    removeIfPresent(fs, d);
  }
}

/** Keeps a copy of the .apk in the package cache (only when caching is enabled). */
export function cachePackage(fs: FileSystem, dir: string, info: PackageInfo): void {
  const hash = createHash("sha1").update(info.name + info.version).digest("hex").slice(0, 8);
  writeText(fs, `${dir}/${info.name}-${info.version}.${hash}.apk`, zeroBytes(info.downloadSize));
}
