import { parseRelations } from "../control.js";
import type { DpkgPackage } from "../state.js";
import type { ArchiveIndex, ArchivePackage } from "./index-file.js";
import { satisfies } from "./version.js";

type Rel = { name: string; constraint: string };

export interface Resolution {
  /** New packages, dependencies before the packages that need them (dpkg's unpack order). */
  order: ArchivePackage[];
  /** Recommends left out (--no-install-recommends), as apt lists them. */
  recommendedNotInstalled: string[];
  suggested: string[];
}

export class ResolveError extends Error {}

/**
 * apt's choice for a plain install: every Pre-Depends and Depends group that the installed system
 * and the selection do not satisfy gets its first alternative with a candidate (a real package of
 * a fitting version, else a provider); Recommends the same when wanted, and skipped silently when
 * nothing can satisfy them. Conflicts/Breaks are not weighed (no alternative is chosen by them).
 */
export function resolve(idx: ArchiveIndex, installed: DpkgPackage[], roots: ArchivePackage[], withRecommends: boolean): Resolution {
  // a version asked for on the command line (pkg=version) is the candidate for the whole run
  const pinned = new Map(roots.map((r) => [r.name, r]));
  const have = new Map(installed.map((p) => [p.name, p]));
  const providedBy = new Map<string, Array<{ version: string }>>();
  for (const p of installed) {
    for (const alts of parseRelations(p.para.find(([k]) => k === "Provides")?.[1])) {
      const l = providedBy.get(alts[0].name) ?? [];
      l.push({ version: /^=\s*(\S+)$/.exec(alts[0].constraint)?.[1] ?? "" });
      providedBy.set(alts[0].name, l);
    }
  }
  const selected = new Map<string, ArchivePackage>();
  const order: ArchivePackage[] = [];
  const recommendedNotInstalled: string[] = [];
  const suggested: string[] = [];

  const virtualOk = (list: Array<{ version: string }> | undefined, c: string) => !!list?.some((v) => (c ? !!v.version && satisfies(v.version, c) : true));
  const satisfied = (r: Rel): boolean => {
    const inst = have.get(r.name);
    if (inst && satisfies(inst.version, r.constraint)) return true;
    const sel = selected.get(r.name);
    if (sel && satisfies(sel.version, r.constraint)) return true;
    if (virtualOk(providedBy.get(r.name), r.constraint)) return true;
    for (const p of selected.values()) {
      for (const alts of parseRelations(p.provides)) {
        const a = alts[0];
        if (a.name !== r.name) continue;
        const v = /^=\s*(\S+)$/.exec(a.constraint)?.[1] ?? "";
        if (!r.constraint || (v && satisfies(v, r.constraint))) return true;
      }
    }
    return false;
  };
  const choose = (alts: Rel[]): ArchivePackage | undefined => {
    for (const a of alts) {
      const pin = pinned.get(a.name);
      const c = pin ? (satisfies(pin.version, a.constraint) ? pin : undefined) : idx.byName.get(a.name)?.find((p) => satisfies(p.version, a.constraint));
      if (c) return c;
      const prov = idx.providers.get(a.name)?.find((x) => !a.constraint || (x.version && satisfies(x.version, a.constraint)));
      if (prov) return idx.candidate(prov.pkg.name) ?? prov.pkg;
    }
    return undefined;
  };
  const text = (alts: Rel[]) => alts.map((a) => a.name).join(" | ");

  const visit = (pkg: ArchivePackage, stack: string[]) => {
    if (selected.has(pkg.name) || stack.includes(pkg.name)) return;
    stack.push(pkg.name);
    for (const alts of [...parseRelations(pkg.preDepends), ...parseRelations(pkg.depends)]) {
      if (alts.some(satisfied)) continue;
      const pick = choose(alts);
      if (!pick) {
        throw new ResolveError(`${pkg.name} : Depends: ${alts.map((a) => (a.constraint ? `${a.name} (${a.constraint})` : a.name)).join(" | ")} but it is not installable`);
      }
      visit(pick, stack);
    }
    stack.pop();
    selected.set(pkg.name, pkg);
    order.push(pkg);
  };
  for (const r of roots) visit(r, []);
  for (let i = 0; i < order.length; i++) {
    for (const alts of parseRelations(order[i].recommends)) {
      if (alts.some(satisfied)) continue;
      const pick = choose(alts);
      if (!withRecommends || !pick) {
        if (pick) recommendedNotInstalled.push(text(alts));
        continue;
      }
      visit(pick, []);
    }
  }
  for (const p of order) {
    const sug = /^Suggests:[ \t]*(.*)$/m.exec(p.stanza)?.[1];
    for (const alts of parseRelations(sug)) if (!alts.some(satisfied)) suggested.push(text(alts));
  }
  return { order, recommendedNotInstalled: [...new Set(recommendedNotInstalled)], suggested: [...new Set(suggested)] };
}
