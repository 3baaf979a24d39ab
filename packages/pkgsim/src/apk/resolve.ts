import type { PackageInfo } from "../catalog/types.js";
import { parseConstraint, type InstalledPackage } from "./db.js";
import { satisfies } from "./version.js";
import type { IndexPackage } from "./real/apkindex.js";

/** A package apk can choose: already installed (db record) or available (catalog). */
export interface Candidate {
  name: string;
  version: string;
  depends: string[];
  provides: string[];
  installIf: string[];
  installed?: InstalledPackage;
  info?: PackageInfo;
  /** A package of a real repository index (src/apk/real). */
  real?: IndexPackage;
}

export class ResolveError extends Error {
  constructor(readonly problems: string[]) {
    super("ERROR: unable to select packages:\n" + problems.join("\n"));
  }
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);

export function fromInstalled(p: InstalledPackage): Candidate {
  return { name: p.name, version: p.version, depends: p.depends, provides: p.provides, installIf: p.installIf, installed: p };
}

export function fromCatalog(p: PackageInfo): Candidate {
  return { name: p.name, version: p.version, depends: words(p.depends), provides: words(p.provides), installIf: [], info: p };
}

/** The universe apk chooses from: installed packages win over the catalog's copies. */
export class Universe {
  private byName = new Map<string, Candidate>();
  private byProvide = new Map<string, Candidate[]>();

  constructor(installed: InstalledPackage[], available: PackageInfo[], extra: Candidate[] = []) {
    for (const c of [...installed.map(fromInstalled), ...extra, ...available.map(fromCatalog)]) {
      if (this.byName.has(c.name)) continue;
      this.byName.set(c.name, c);
      for (const p of c.provides) {
        const n = parseConstraint(p).name;
        this.byProvide.set(n, [...(this.byProvide.get(n) ?? []), c]);
      }
    }
  }

  get(name: string): Candidate | undefined {
    return this.byName.get(name);
  }

  all(): Candidate[] {
    return [...this.byName.values()];
  }

  /** The package a dependency token names, by name first, then the first provider (installed first). */
  pick(name: string): Candidate | undefined {
    const own = this.byName.get(name);
    if (own) return own;
    const provs = this.byProvide.get(name) ?? [];
    return provs.find((c) => c.installed) ?? provs[0];
  }

  providesName(c: Candidate, name: string): boolean {
    return c.name === name || c.provides.some((p) => parseConstraint(p).name === name);
  }
}

const label = (c: Candidate) => `${c.name}-${c.version}`;

/**
 * Everything the world needs, dependencies before dependents (apk's install order), plus the
 * packages whose install_if conditions the selection meets.
 */
/** resolveWorld as apk's commands use it: an unresolvable world is apk's error on `out` and status 1. */
export function resolveWorldOrFail(u: Universe, world: string[], out: { err(line: string): void }): Candidate[] | 1 {
  try {
    return resolveWorld(u, world);
  } catch (e) {
    if (e instanceof ResolveError) { out.err(e.message); return 1; }
    throw e;
  }
}

export function resolveWorld(u: Universe, world: string[]): Candidate[] {
  const chosen = new Map<string, Candidate>();
  const order: Candidate[] = [];
  const problems: string[] = [];
  const visiting = new Set<string>();

  const visit = (token: string, requiredBy: string) => {
    if (token.startsWith("!")) return;
    const { name, op, version } = parseConstraint(token);
    const c = u.pick(name);
    if (!c) {
      problems.push(`  ${name} (no such package):\n    required by: ${requiredBy}[${token}]`);
      return;
    }
    if (op && c.name === name && !satisfies(c.version, op, version)) {
      problems.push(`  ${label(c)}:\n    breaks: ${requiredBy}[${token}]`);
      return;
    }
    if (chosen.has(c.name) || visiting.has(c.name)) return;
    visiting.add(c.name);
    for (const d of c.depends) visit(d, label(c));
    visiting.delete(c.name);
    chosen.set(c.name, c);
    order.push(c);
  };

  for (const w of world) visit(w, "world");
  // install_if: a package joins when every package it names is selected.
  let added = true;
  while (added && problems.length === 0) {
    added = false;
    for (const c of u.all()) {
      if (chosen.has(c.name) || c.installIf.length === 0) continue;
      const ok = c.installIf.every((t) => {
        const { name } = parseConstraint(t);
        return [...chosen.values()].some((s) => u.providesName(s, name));
      });
      if (ok) {
        visit(c.name, "install_if");
        added = true;
      }
    }
  }
  if (problems.length) throw new ResolveError(problems);
  return order;
}
