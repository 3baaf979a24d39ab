import { posix } from "node:path";

/** One package a lockfile installs. */
export interface LockedPackage {
  name: string;
  version: string;
  /** npm: where it goes below node_modules ("express", "express/node_modules/debug"). */
  dir: string;
  /** npm: the programs it links into node_modules/.bin, name → path inside the package. */
  bins: Record<string, string>;
}

/** What npm needs to know to pick packages: what to omit, and the platform it installs for. */
export interface NpmInstallOptions {
  omitDev: boolean;
  platform: { os: string; cpu: string; libc: "musl" | "glibc" };
}

interface NpmLockEntry {
  name?: string;
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  bin?: Record<string, string> | string;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dependencies?: Record<string, NpmLockEntry>;
}

/**
 * The packages `npm ci` installs from a package-lock.json (lockfileVersion 1, 2 or 3): each
 * node_modules/ entry of "packages" (v2/v3) or each "dependencies" entry, nested (v1). Left out,
 * as npm leaves them out: dev packages when omitting dev, workspace links, and optional
 * packages for another os, cpu or libc (esbuild's and swc's per-platform binaries).
 * Throws an Error naming what is wrong with the file.
 */
export function npmLockPackages(text: string, opts: NpmInstallOptions): LockedPackage[] {
  let lock: { lockfileVersion?: number; packages?: Record<string, NpmLockEntry>; dependencies?: Record<string, NpmLockEntry> };
  try {
    lock = JSON.parse(text);
  } catch (e) {
    throw new Error(`not valid JSON: ${(e as Error).message}`);
  }
  if (lock === null || typeof lock !== "object") throw new Error("not a package-lock.json (no JSON object)");
  const out: LockedPackage[] = [];
  const wanted = (e: NpmLockEntry) => !(opts.omitDev && (e.dev || e.devOptional)) && fits(e, opts.platform);
  if (lock.packages && typeof lock.packages === "object") {
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (!key.startsWith("node_modules/") || entry.link || !wanted(entry)) continue;
      const dir = key.slice("node_modules/".length);
      out.push({ name: entry.name ?? lastPackageName(dir), version: entry.version ?? "0.0.0", dir, bins: binsOf(entry, dir) });
    }
    return out;
  }
  if (!lock.dependencies || typeof lock.dependencies !== "object") throw new Error('has neither "packages" nor "dependencies"');
  const walk = (deps: Record<string, NpmLockEntry>, prefix: string) => {
    for (const [name, entry] of Object.entries(deps)) {
      if (!wanted(entry)) continue;
      const dir = prefix + name;
      out.push({ name, version: entry.version ?? "0.0.0", dir, bins: {} });
      if (entry.dependencies) walk(entry.dependencies, `${dir}/node_modules/`);
    }
  };
  walk(lock.dependencies, "");
  return out;
}

/** "express/node_modules/@types/node" → "@types/node" */
function lastPackageName(dir: string): string {
  const i = dir.lastIndexOf("node_modules/");
  return i < 0 ? dir : dir.slice(i + "node_modules/".length);
}

function binsOf(entry: NpmLockEntry, dir: string): Record<string, string> {
  if (!entry.bin) return {};
  if (typeof entry.bin === "string") return { [posix.basename(lastPackageName(dir))]: entry.bin };
  return { ...entry.bin };
}

/** npm's os/cpu/libc checks: a list allows what it names, "!x" excludes x. */
function fits(e: NpmLockEntry, p: NpmInstallOptions["platform"]): boolean {
  return allows(e.os, p.os) && allows(e.cpu, p.cpu) && allows(e.libc, p.libc);
}

function allows(list: string[] | undefined, value: string): boolean {
  if (!Array.isArray(list) || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((x) => !x.startsWith("!"));
  return positive.length === 0 || positive.includes(value);
}

/**
 * The requirements of a pip requirements file, with `-r FILE` includes followed (`read`
 * gets a path relative to the including file). Options, constraints (-c), editable installs
 * and direct URLs without #egg= are skipped; environment markers and extras are dropped.
 */
export function pipRequirements(path: string, read: (path: string) => string | undefined, depth = 0): LockedPackage[] {
  if (depth > 10) throw new Error(`${path}: -r includes nest more than 10 deep`);
  const text = read(path);
  if (text === undefined) throw new Error(`${path}: no such file`);
  const out: LockedPackage[] = [];
  for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const include = line.match(/^(?:-r|--requirement)(?:\s+|=)(\S+)/);
    if (include) {
      out.push(...pipRequirements(posix.resolve(posix.dirname(path), include[1]), read, depth + 1));
      continue;
    }
    // Options (-e, -c, --index-url ...) install nothing countable here.
    if (line.startsWith("-")) continue;
    if (/^[a-z+]+:\/\//i.test(line) || /^[./]/.test(line)) {
      const egg = line.match(/#egg=([A-Za-z0-9._-]+)/);
      if (egg) out.push({ name: egg[1], version: "0", dir: "", bins: {} });
      continue;
    }
    const m = line.match(/^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:===?\s*([^\s;,]+))?/);
    if (m) out.push({ name: m[1], version: m[2] ?? "0", dir: "", bins: {} });
  }
  // pip installs a project once, however many files name it (names compare as PEP 503 normalises them).
  const seen = new Set<string>();
  return out.filter((p) => {
    const key = p.name.toLowerCase().replace(/[-_.]+/g, "-");
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}
