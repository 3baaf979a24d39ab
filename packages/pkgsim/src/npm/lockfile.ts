/** One `packages` entry of package-lock.json (lockfileVersion 2 or 3). */
export interface LockEntry {
  /** The key: "node_modules/a/node_modules/b" ("" is the root project). */
  path: string;
  name: string;
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  link?: boolean;
  hasInstallScript?: boolean;
  bin?: Record<string, string>;
  inBundle?: boolean;
  raw: Record<string, unknown>;
}

export interface Lockfile {
  name?: string;
  version?: string;
  lockfileVersion: number;
  root: Record<string, unknown>;
  entries: LockEntry[];
  raw: Record<string, unknown>;
}

export class LockfileError extends Error {}

/** The package name a `packages` key stands for: what follows its last `node_modules/`. */
export function nameFromPath(path: string): string {
  const i = path.lastIndexOf("node_modules/");
  return i < 0 ? path : path.slice(i + "node_modules/".length);
}

/** npm normalises `bin` (a string means one bin named after the package); paths lose a leading "./". */
export function normaliseBin(name: string, bin: unknown): Record<string, string> | undefined {
  if (!bin) return undefined;
  const base = name.replace(/^@[^/]+\//, "");
  const map: Record<string, string> = typeof bin === "string" ? { [base]: bin } : typeof bin === "object" ? (bin as Record<string, string>) : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== "string") continue;
    const key = k.replace(/^@[^/]+\//, "").replace(/[/\\]/g, "");
    const target = v.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
    if (key && target && !target.split("/").includes("..")) out[key] = target;
  }
  return Object.keys(out).length ? out : undefined;
}

export function parseLockfile(text: string, file: string): Lockfile {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new LockfileError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  const version = Number(raw.lockfileVersion ?? 1);
  const packages = raw.packages as Record<string, Record<string, unknown>> | undefined;
  if (version < 2 || !packages || typeof packages !== "object") {
    throw new LockfileError(`${file}: lockfileVersion ${version} has no "packages" section; tsbuild reads lockfileVersion 2 and 3 (npm 7 and later write them)`);
  }
  const entries: LockEntry[] = [];
  for (const [path, e] of Object.entries(packages)) {
    if (path === "") continue;
    if (!path.startsWith("node_modules/") && !e.link) {
      // workspace folders: their own package.json is the source
      continue;
    }
    if (path.split("/").some((c) => c === ".." || c === ".")) throw new LockfileError(`${file}: package path "${path}" leaves node_modules`);
    const name = typeof e.name === "string" ? e.name : nameFromPath(path);
    entries.push({
      path, name, raw: e,
      version: e.version as string | undefined,
      resolved: e.resolved as string | undefined,
      integrity: e.integrity as string | undefined,
      dev: e.dev === true, optional: e.optional === true, devOptional: e.devOptional === true,
      link: e.link === true, hasInstallScript: e.hasInstallScript === true, inBundle: e.inBundle === true,
      bin: normaliseBin(name, e.bin),
    });
  }
  return { name: raw.name as string | undefined, version: raw.version as string | undefined, lockfileVersion: version, root: packages[""] ?? {}, entries, raw };
}

/** The tarball URL npm derives when a lockfile entry has no `resolved` (registry-resolved entries omitted). */
export function registryTarball(registry: string, name: string, version: string): string {
  const base = name.replace(/^@[^/]+\//, "");
  return `${registry.replace(/\/+$/, "")}/${name}/-/${base}-${version}.tgz`;
}
