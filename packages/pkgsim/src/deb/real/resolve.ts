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
  /** Installed packages a requested one conflicts with (or breaks), which apt removes first. */
  remove: DpkgPackage[];
}

export class ResolveError extends Error {}

/**
 * apt's choice for a plain install: every Pre-Depends and Depends group that the installed system
 * and the selection do not satisfy gets its first alternative with a candidate (a real package of
 * a fitting version, else a provider); Recommends the same when wanted, and skipped silently when
 * nothing can satisfy them. Conflicts/Breaks weigh as far as the choice needs: an alternative or a
 * provider that conflicts with (or breaks, or is broken by) something installed or already chosen
 * is skipped; an installed package that a requested one conflicts with is removed when it is not
 * essential/required and nothing installed depends on it, else the request is refused.
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
  const removed = new Map<string, DpkgPackage>();
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
      for (const v of providesOf(p)) {
        if (v.name !== r.name) continue;
        if (!r.constraint || (v.version && satisfies(v.version, r.constraint))) return true;
      }
    }
    return false;
  };
  const present = (): Party[] => [
    ...installed.filter((p) => !removed.has(p.name)).map((p) => partyOfInstalled(p)),
    // the requested packages count from the start: a dependency of the first must not clash with the second
    ...[...selected.values(), ...roots.filter((r) => !selected.has(r.name))].map(partyOfArchive),
  ];
  const clashWith = (c: ArchivePackage, others: Party[]) => {
    const me = partyOfArchive(c);
    return others.find((o) => o.name !== me.name && (clash(me, o) || clash(o, me)));
  };
  const choose = (alts: Rel[]): ArchivePackage | undefined => {
    const others = present();
    for (const a of alts) {
      const pin = pinned.get(a.name);
      const real = pin ? [pin] : idx.byName.get(a.name) ?? [];
      const c = real.find((p) => satisfies(p.version, a.constraint) && !clashWith(p, others));
      if (c) return c;
      for (const prov of idx.providers.get(a.name) ?? []) {
        if (a.constraint && !(prov.version && satisfies(prov.version, a.constraint))) continue;
        const p = pinned.get(prov.pkg.name) ?? idx.candidate(prov.pkg.name) ?? prov.pkg;
        if (!clashWith(p, others)) return p;
      }
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
  for (const r of roots) {
    const me = partyOfArchive(r);
    for (const inst of installed) {
      if (inst.name === r.name || removed.has(inst.name)) continue;
      const it = partyOfInstalled(inst);
      const hit = clash(me, it) ?? clash(it, me);
      if (!hit) continue;
      const who = hit.from === me ? r.name : inst.name;
      // still needed: an installed package depends on it and nothing else left (or requested) satisfies that
      const others = [...installed.filter((o) => o.name !== inst.name && !removed.has(o.name)).map(partyOfInstalled), ...roots.map(partyOfArchive)];
      const needed = installed.some((o) => o.name !== inst.name && o.name !== r.name && !removed.has(o.name) && needs(o, it, others));
      if (inst.essential || inst.priority === "required" || needed) {
        throw new ResolveError(`${who} : ${hit.kind}: ${hit.rel.constraint ? `${hit.rel.name} (${hit.rel.constraint})` : hit.rel.name} but ${(hit.from === me ? inst : r).version} is to be installed`);
      }
      removed.set(inst.name, inst);
    }
  }
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
  return { order, remove: [...removed.values()], recommendedNotInstalled: [...new Set(recommendedNotInstalled)], suggested: [...new Set(suggested)] };
}

/** What Conflicts/Breaks are weighed against: a package's name, version, provides and negative relations. */
interface Party { name: string; version: string; provides: Array<{ name: string; version: string }>; negative: Array<{ kind: string; rel: Rel }> }

function fieldOf(stanza: string, f: string): string | undefined {
  return new RegExp(`^${f}:[ \\t]*(.*)$`, "m").exec(stanza)?.[1];
}

function party(name: string, version: string, get: (f: string) => string | undefined): Party {
  return {
    name, version,
    provides: parseRelations(get("Provides")).map((alts) => ({ name: alts[0].name, version: /^=\s*(\S+)$/.exec(alts[0].constraint)?.[1] ?? "" })),
    negative: ["Conflicts", "Breaks"].flatMap((kind) => parseRelations(get(kind)).flat().map((rel) => ({ kind, rel }))),
  };
}

// A package's party is a function of its record: made once (a resolution weighs every installed
// and chosen package at every choice: 400 packages for nodejs + npm, re-parsed each time, were
// half a second of regular expressions).
const archiveParties = new WeakMap<ArchivePackage, Party>();
const installedParties = new WeakMap<DpkgPackage, Party>();
const partyOfArchive = (p: ArchivePackage): Party => {
  let it = archiveParties.get(p);
  if (!it) archiveParties.set(p, (it = party(p.name, p.version, (f) => fieldOf(p.stanza, f))));
  return it;
};
/** Each Provides group's first alternative, with the version it provides ("" when unversioned). */
const provided = new WeakMap<ArchivePackage, Array<{ name: string; version: string }>>();
const providesOf = (p: ArchivePackage) => {
  let it = provided.get(p);
  if (!it) provided.set(p, (it = parseRelations(p.provides).map((alts) => ({ name: alts[0].name, version: /^=\s*(\S+)$/.exec(alts[0].constraint)?.[1] ?? "" }))));
  return it;
};
const partyOfInstalled = (p: DpkgPackage): Party => {
  let it = installedParties.get(p);
  if (!it) installedParties.set(p, (it = party(p.name, p.version, (f) => p.para.find(([k]) => k === f)?.[1])));
  return it;
};

/** The first Conflicts/Breaks of `a` that `b` (by name and version, or by what it provides) falls under. */
function clash(a: Party, b: Party): { from: Party; kind: string; rel: Rel } | undefined {
  for (const n of a.negative) {
    const r = n.rel;
    if (fits(b, r)) return { from: a, ...n };
  }
  return undefined;
}

/** Whether `p` has a Depends/Pre-Depends group that `target` satisfies and none of `others` does. */
function needs(p: DpkgPackage, target: Party, others: Party[]): boolean {
  return ["Pre-Depends", "Depends"].some((f) => parseRelations(p.para.find(([k]) => k === f)?.[1]).some(
    (alts) => alts.some((a) => fits(target, a)) && !alts.some((a) => others.some((o) => fits(o, a))),
  ));
}

function fits(p: Party, r: Rel): boolean {
  return (p.name === r.name && satisfies(p.version, r.constraint)) ||
    p.provides.some((v) => v.name === r.name && (!r.constraint || (!!v.version && satisfies(v.version, r.constraint))));
}
