import { parseConstraint } from "../db.js";
import type { Candidate } from "../resolve.js";
import { compareApkVersions, satisfies } from "../version.js";
import type { RepoIndex } from "./repos.js";
import type { IndexPackage } from "./apkindex.js";

/** Per name, the version apk would choose: the highest that fits the world's constraint on it. */
export function candidates(indexes: RepoIndex[], world: string[]): Candidate[] {
  const byName = new Map<string, IndexPackage[]>();
  for (const idx of indexes) for (const p of idx.packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const wanted = new Map(world.map((w) => { const c = parseConstraint(w); return [c.name, c] as const; }));
  const out: Candidate[] = [];
  for (const [name, list] of byName) {
    const c = wanted.get(name);
    const fit = list.filter((p) => !c?.op || satisfies(p.version, c.op, c.version));
    const best = (fit.length ? fit : list).sort((a, b) => compareApkVersions(b.version, a.version))[0];
    out.push({ name, version: best.version, depends: best.depends, provides: best.provides, installIf: best.installIf, real: best });
  }
  // a name several packages provide goes to the highest provider_priority (k:), else index order
  return out.sort((a, b) => (b.real?.providerPriority ?? 0) - (a.real?.providerPriority ?? 0));
}

/** Files of the transaction touched these directories; a trigger glob (fnmatch) that matches one fires. */
export function globMatch(glob: string, path: string): boolean {
  // fnmatch(…, FNM_PATHNAME): "*" and "?" stop at "/"
  const re = new RegExp("^" + [...glob].map((ch) => (ch === "*" ? "[^/]*" : ch === "?" ? "[^/]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("") + "$");
  return re.test(path);
}
