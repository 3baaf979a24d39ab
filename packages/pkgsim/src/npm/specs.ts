import type { Fetcher } from "@tsbuild/fetch";
import { FetchError } from "@tsbuild/fetch";
import semver from "semver";
import type { SimCommandContext } from "../sim-types.js";
import { Cacache } from "./cacache.js";
import { sri } from "./integrity.js";
import type { Err, NpmOptions } from "./install.js";
import { idealTree, lockEntryOf, type Packument, ResolveError, stringifyNice } from "./resolve.js";

/**
 * `npm install NAME…` in a project without a lockfile: the packuments from the registry (kept in
 * the npm cache as npm keeps them), the hoisted tree, package.json saved with the new ranges
 * (`^VERSION`, or the range asked for) and package-lock.json written as npm 9 writes it.
 * Returns the lockfile's name, or npm's error.
 */
const PACKUMENT_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";

export async function resolveSpecs(
  ctx: SimCommandContext, fetcher: Fetcher, o: NpmOptions, prefix: string, pkgPath: string, pkg: Record<string, unknown>,
): Promise<string | Err> {
  const fs = ctx.fs;
  const registry = (o.registry ?? o.defaultRegistry)?.replace(/\/*$/, "/");
  if (!registry) return { code: 1, lines: ["tsbuild: the registry is unknown (no --registry, npmrc or npm default found in the image)"] };
  const cache = new Cacache(fs, `${o.cacheDir}/_cacache`, ctx.owner);
  const now = ctx.now?.() ?? new Date();
  const packuments = new Map<string, Packument>();
  const packument = async (name: string): Promise<Packument> => {
    const known = packuments.get(name);
    if (known) return known;
    const url = `${registry}${name.replace("/", "%2f")}`;
    let r;
    try {
      r = await fetcher.get(url, { headers: { accept: PACKUMENT_ACCEPT } });
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      if (err.code === "offline-miss") ctx.note?.(err.message);
      throw new ResolveError(["code ENOTFOUND", `network request to ${url} failed, reason: ${err.message}`, "network This is a problem related to network connectivity."]);
    }
    if (r.status === 404) throw new ResolveError(["code E404", `404 Not Found - GET ${url} - Not found`, "404 ", `404  '${name}@*' is not in this registry.`]);
    if (r.status >= 400) throw new ResolveError([`code E${r.status}`, `${r.status} - GET ${url}`]);
    let doc: Packument;
    try {
      doc = JSON.parse(r.bytes.toString("utf8")) as Packument;
    } catch {
      throw new ResolveError(["code EJSONPARSE", `invalid packument from ${url}`]);
    }
    cache.put(url, r.bytes, sri("sha512", r.bytes), now, r.contentType ?? "application/json", { accept: PACKUMENT_ACCEPT });
    packuments.set(name, doc);
    return doc;
  };
  const wanted = o.specs.map((s) => {
    const at = s.indexOf("@", 1);
    return at < 0 ? { name: s, spec: "" } : { name: s.slice(0, at), spec: s.slice(at + 1) };
  });
  const field = o.saveDev ? "devDependencies" : "dependencies";
  const deps = (k: string) => ({ ...((pkg[k] ?? {}) as Record<string, string>) });
  const prod = deps("dependencies"), dev = deps("devDependencies"), optional = deps("optionalDependencies");
  for (const w of wanted) {
    delete prod[w.name]; delete dev[w.name]; delete optional[w.name];
    (o.saveDev ? dev : prod)[w.name] = w.spec || "latest";
  }
  let nodes;
  try {
    nodes = await idealTree({ prod, dev, optional }, packument);
  } catch (e) {
    if (e instanceof ResolveError) return { code: 1, lines: e.lines };
    throw e;
  }
  // the saved range: ^VERSION for a version, tag or nothing; a range as given
  const saved = (o.saveDev ? dev : prod);
  for (const w of wanted) {
    const node = nodes.find((n) => n.path === `node_modules/${w.name}`)!;
    const v = node.manifest.version;
    // as arborist saves: a range keeps its text unless ^VERSION is a subset of it; versions and tags save ^VERSION
    const isRange = w.spec !== "" && semver.valid(w.spec) === null && semver.validRange(w.spec, { loose: true }) !== null;
    const prefixed = `^${v}`;
    saved[w.name] = o.saveExact ? v : !isRange || w.spec === "*" || semver.subset(prefixed, w.spec, { loose: true }) ? prefixed : w.spec;
  }
  const sortedMap = (m: Record<string, string>) => Object.fromEntries(Object.keys(m).sort((a, b) => a.localeCompare(b, "en")).map((k) => [k, m[k]]));
  const newPkg: Record<string, unknown> = { ...pkg };
  newPkg[field] = sortedMap(saved);
  const original = fs.exists(pkgPath) ? fs.readFile(pkgPath).toString("utf8") : "";
  const indent = /^\{\r?\n([ \t]+)"/.exec(original)?.[1] ?? "  ";
  fs.writeFile(pkgPath, JSON.stringify(newPkg, null, indent) + "\n", { mode: 0o644, owner: ctx.owner });
  const rootEntry: Record<string, unknown> = {};
  for (const k of ["name", "version", "license", "bin", "engines", "funding", "workspaces", "dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]) {
    if (newPkg[k] !== undefined) rootEntry[k] = newPkg[k];
  }
  const packages: Record<string, unknown> = { "": rootEntry };
  for (const n of nodes) packages[n.path] = lockEntryOf(n);
  const lock: Record<string, unknown> = { name: (newPkg.name as string | undefined) ?? (prefix.split("/").pop() || "root") };
  if (newPkg.version !== undefined) lock.version = newPkg.version;
  Object.assign(lock, { lockfileVersion: 3, requires: true, packages });
  fs.writeFile(`${prefix}/package-lock.json`, stringifyNice(lock), { mode: 0o644, owner: ctx.owner });
  return "package-lock.json";
}
