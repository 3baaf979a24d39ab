import type { FileSystem } from "@tsbuild/fs-snapshot";
import { readText, writeText } from "../util/fsutil.js";

export const INSTALLED = "/lib/apk/db/installed";
export const WORLD = "/etc/apk/world";

/** One package record of /lib/apk/db/installed, kept as its original lines. */
export interface InstalledPackage {
  name: string;
  version: string;
  installedSize: number;
  depends: string[];
  provides: string[];
  installIf: string[];
  /** Directories (F:) and files/symlinks (F: + R:) the package owns, absolute paths. */
  dirs: string[];
  files: string[];
  lines: string[];
}

/** Parses apk's installed database: blank-line separated records of "K:value" lines. */
export function parseInstalled(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split("\n").filter((l) => l.length > 0);
    if (!lines.length) continue;
    const pkg: InstalledPackage = {
      name: "", version: "", installedSize: 0, depends: [], provides: [], installIf: [], dirs: [], files: [], lines,
    };
    let dir = "";
    for (const line of lines) {
      const key = line[0];
      const value = line.slice(2);
      if (key === "P") pkg.name = value;
      else if (key === "V") pkg.version = value;
      else if (key === "I") pkg.installedSize = Number(value);
      else if (key === "D") pkg.depends = value.split(/\s+/).filter(Boolean);
      else if (key === "p") pkg.provides = value.split(/\s+/).filter(Boolean);
      else if (key === "i") pkg.installIf = value.split(/\s+/).filter(Boolean);
      else if (key === "F") { dir = "/" + value; pkg.dirs.push(dir); }
      else if (key === "R") pkg.files.push((dir === "/" ? "" : dir) + "/" + value);
    }
    if (pkg.name) out.push(pkg);
  }
  return out;
}

export function serializeInstalled(pkgs: InstalledPackage[]): string {
  return pkgs.map((p) => p.lines.join("\n") + "\n\n").join("");
}

export function readInstalled(fs: FileSystem): InstalledPackage[] {
  return parseInstalled(readText(fs, INSTALLED) ?? "");
}

export function writeInstalled(fs: FileSystem, pkgs: InstalledPackage[]): void {
  writeText(fs, INSTALLED, serializeInstalled(pkgs));
}

export function readWorld(fs: FileSystem): string[] {
  return (readText(fs, WORLD) ?? "").split(/\s+/).filter(Boolean);
}

/** apk keeps the world file sorted, one constraint per line. */
export function writeWorld(fs: FileSystem, world: string[]): void {
  const sorted = [...new Set(world)].sort();
  writeText(fs, WORLD, sorted.length ? sorted.join("\n") + "\n" : "");
}

/** "curl>=8" → { name: "curl", op: ">=", version: "8" } */
export function parseConstraint(token: string): { name: string; op?: string; version?: string } {
  const m = /^([^<>=~]+)(>=|<=|=~|~=|~|=|<|>)?(.*)$/.exec(token);
  if (!m || !m[2]) return { name: token };
  return { name: m[1], op: m[2], version: m[3] };
}
