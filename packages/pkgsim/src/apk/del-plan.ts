import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { Out } from "../util/output.js";
import { parseConstraint, readInstalled, readWorld, type InstalledPackage } from "./db.js";
import { Universe, resolveWorldOrFail } from "./resolve.js";

export interface DelPlan {
  newWorld: string[];
  /** Dependents before their dependencies: the reverse of the order they were installed in. */
  toRemove: InstalledPackage[];
  remaining: InstalledPackage[];
}

/**
 * What `apk del NAMES` removes (the catalog's apk and the real one agree): the names leave the
 * world, and what the new world no longer needs goes. Names something else still needs stay, and
 * apk says why. A world that cannot be resolved is apk's error and status 1.
 */
export function planDel(fs: FileSystem, args: string[], out: Out): DelPlan | 1 {
  const installed = readInstalled(fs);
  const names = new Set(args.map((a) => parseConstraint(a).name));
  const newWorld = readWorld(fs).filter((w) => !names.has(parseConstraint(w).name));
  const universe = new Universe(installed, []);
  const keep = resolveWorldOrFail(universe, newWorld, out);
  if (keep === 1) return 1;
  const kept = new Set(keep.map((c) => c.name));
  const held = [...names].filter((n) => kept.has(n));
  if (held.length) {
    out.err("World updated, but the following packages are not removed due to:");
    for (const n of held) {
      const target = universe.get(n)!;
      const by = keep.filter((c) => c.depends.some((d) => universe.providesName(target, parseConstraint(d).name))).map((c) => c.name);
      out.err(`  ${n}: ${by.join(" ")}`);
    }
  }
  return {
    newWorld,
    toRemove: installed.filter((p) => !kept.has(p.name)).reverse(),
    remaining: installed.filter((p) => kept.has(p.name)),
  };
}
