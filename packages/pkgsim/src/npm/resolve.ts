import semver from "semver";
import { normaliseBin } from "./lockfile.js";

/** A registry packument (the full or the install-v1 "corgi" document). */
export interface Packument {
  name: string;
  "dist-tags"?: Record<string, string>;
  versions?: Record<string, Manifest>;
}

export interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: unknown;
  engines?: unknown;
  license?: unknown;
  funding?: unknown;
  os?: unknown;
  cpu?: unknown;
  deprecated?: string;
  hasInstallScript?: boolean;
  scripts?: Record<string, string>;
  dist?: { tarball?: string; integrity?: string; shasum?: string };
}

export interface IdealNode { path: string; name: string; manifest: Manifest; dev: boolean; optional: boolean }

export class ResolveError extends Error {
  constructor(readonly lines: string[]) { super(lines.join("\n")); }
}

/** The version npm picks for a range: the `latest` tag when it satisfies, else the highest satisfying (not deprecated first). */
export function pickVersion(p: Packument, spec: string): Manifest | undefined {
  const versions = p.versions ?? {};
  const tags = p["dist-tags"] ?? {};
  const range = spec === "" ? "latest" : spec;
  if (tags[range] && versions[tags[range]]) return versions[tags[range]];
  if (!semver.validRange(range, { loose: true })) return undefined;
  const latest = tags.latest;
  if (latest && versions[latest] && semver.satisfies(latest, range, { loose: true })) return versions[latest];
  const all = Object.keys(versions).filter((v) => semver.satisfies(v, range, { loose: true }));
  const fresh = all.filter((v) => !versions[v].deprecated);
  const best = semver.maxSatisfying(fresh.length ? fresh : all, range, { loose: true });
  return best ? versions[best] : undefined;
}

/** The node_modules directories a package at `from` resolves names through, deepest first ("" is the project). */
function chainOf(from: string): string[] {
  const out = [from];
  let p = from;
  while (p) {
    const i = p.lastIndexOf("/node_modules/");
    p = i < 0 ? "" : p.slice(0, i);
    out.push(p);
  }
  return out;
}

const under = (loc: string, name: string) => (loc ? `${loc}/node_modules/${name}` : `node_modules/${name}`);

/**
 * The hoisted tree npm's arborist builds for simple dependency graphs: breadth first, names in
 * order, each dependency placed at the shallowest directory on its requirer's path that does not
 * hold another version of it (a version already visible that satisfies the range is reused).
 * Peer dependencies are not installed.
 */
export async function idealTree(
  root: { prod: Record<string, string>; dev: Record<string, string>; optional: Record<string, string> },
  packument: (name: string) => Promise<Packument>,
): Promise<IdealNode[]> {
  const tree = new Map<string, IdealNode>();
  const edges = new Map<string, string[]>(); // node path → the paths it resolves its dependencies to
  const queue: Array<{ from: string; name: string; spec: string }> = [];
  const rootNames = [...new Set([...Object.keys(root.prod), ...Object.keys(root.dev), ...Object.keys(root.optional)])].sort((a, b) => a.localeCompare(b, "en"));
  for (const name of rootNames) queue.push({ from: "", name, spec: root.prod[name] ?? root.optional[name] ?? root.dev[name] });
  while (queue.length) {
    const { from, name, spec } = queue.shift()!;
    const chain = chainOf(from);
    let target: string | undefined;
    let found: string | undefined;
    for (const loc of chain) {
      const here = tree.get(under(loc, name));
      if (here) {
        if (semver.satisfies(here.manifest.version, spec === "" || spec === "latest" ? "*" : spec, { loose: true })) found = under(loc, name);
        break;
      }
      target = loc;
    }
    if (!found) {
      if (target === undefined) throw new ResolveError(["code ERESOLVE", `ERESOLVE could not place ${name}@${spec} for ${from || "the root project"}`]);
      const p = await packument(name);
      const m = pickVersion(p, spec);
      if (!m) {
        throw new ResolveError(["code ETARGET", `notarget No matching version found for ${name}@${spec}.`, "notarget In most cases you or one of your dependencies are requesting", "notarget a package version that doesn't exist."]);
      }
      found = under(target, name);
      tree.set(found, { path: found, name, manifest: m, dev: true, optional: true });
      const deps = { ...(m.dependencies ?? {}), ...(m.optionalDependencies ?? {}) };
      for (const dep of Object.keys(deps).sort((a, b) => a.localeCompare(b, "en"))) queue.push({ from: found, name: dep, spec: deps[dep] });
    }
    edges.set(from, [...(edges.get(from) ?? []), found]);
  }
  // dev / optional flags: what the production (and the required) graph does not reach
  const mark = (start: string[], clear: (n: IdealNode) => void, follow: (n: IdealNode, dep: string) => boolean) => {
    const seen = new Set<string>();
    const todo = [...start];
    while (todo.length) {
      const p = todo.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const n = tree.get(p)!;
      clear(n);
      for (const d of edges.get(p) ?? []) if (follow(n, tree.get(d)!.name)) todo.push(d);
    }
  };
  const rootEdges = edges.get("") ?? [];
  const byName = (names: Record<string, string>) => rootEdges.filter((p) => tree.get(p)!.name in names);
  mark(byName({ ...root.prod, ...root.optional }), (n) => (n.dev = false), () => true);
  mark(byName({ ...root.prod, ...root.dev }), (n) => (n.optional = false), (n, dep) => !(dep in (n.manifest.optionalDependencies ?? {})));
  return [...tree.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The lockfile entry npm 9 writes for a node (fields from the manifest; key order is stringifyNice's). */
export function lockEntryOf(n: IdealNode): Record<string, unknown> {
  const m = n.manifest;
  const e: Record<string, unknown> = { version: m.version, resolved: m.dist?.tarball, integrity: m.dist?.integrity ?? (m.dist?.shasum ? `sha1-${Buffer.from(m.dist.shasum, "hex").toString("base64")}` : undefined) };
  if (n.dev && n.optional) e.devOptional = true;
  else if (n.dev) e.dev = true;
  else if (n.optional) e.optional = true;
  const installScript = m.hasInstallScript ?? Boolean(m.scripts?.preinstall || m.scripts?.install || m.scripts?.postinstall);
  if (installScript) e.hasInstallScript = true;
  if (m.deprecated) e.deprecated = m.deprecated;
  for (const k of ["license", "dependencies", "optionalDependencies", "peerDependencies", "peerDependenciesMeta", "funding", "engines", "os", "cpu"] as const) {
    const v = m[k];
    if (v !== undefined && !(typeof v === "object" && v !== null && Object.keys(v).length === 0)) e[k] = v;
  }
  // normalize-package-bin's form: a string bin named after the package, "./" dropped
  const bin = normaliseBin(m.name, m.bin);
  if (bin) e.bin = bin;
  return e;
}

const PREFERRED = ["name", "version", "lockfileVersion", "resolved", "integrity", "requires", "packages", "dependencies"];
const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * JSON as npm writes lockfiles (json-stringify-nice with arborist's key order): in every object
 * scalars before objects, within each the preferred keys in their order, then the rest by name.
 */
export function stringifyNice(value: unknown, indent = "  "): string {
  const order = (o: Record<string, unknown>) => {
    const keys = Object.keys(o).sort((a, b) => {
      const oa = isObj(o[a]), ob = isObj(o[b]);
      if (oa !== ob) return oa ? 1 : -1;
      const pa = PREFERRED.indexOf(a), pb = PREFERRED.indexOf(b);
      if (pa >= 0 || pb >= 0) return pa < 0 ? 1 : pb < 0 ? -1 : pa - pb;
      return a.localeCompare(b, "en");
    });
    return Object.fromEntries(keys.map((k) => [k, o[k]]));
  };
  return JSON.stringify(value, (_k, v) => (isObj(v) ? order(v as Record<string, unknown>) : v), indent) + "\n";
}
