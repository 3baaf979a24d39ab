import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { PackageInfo } from "../catalog/types.js";
import type { Out } from "../util/output.js";
import { parseConstraint, readInstalled, readWorld, type InstalledPackage } from "./db.js";
import { Universe, resolveWorldOrFail, type Candidate } from "./resolve.js";
import { virtualRecord } from "./transaction.js";

export interface AddPlan {
  newWorld: string[];
  /** The `--virtual NAME` package's record, when one is made. */
  virtual?: InstalledPackage;
  /** What stays installed as it is: a virtual package of the same name is replaced. */
  kept: InstalledPackage[];
  /** In install order, the virtual package last among what it depends on. */
  toInstall: Candidate[];
}

/** Where the packages a world may need come from: the catalog's, or a real repository's candidates. */
export interface AddSource {
  packages?: PackageInfo[];
  candidates?(newWorld: string[]): Candidate[];
}

/**
 * What `apk add [--virtual NAME] ARGS` installs (the catalog's apk and the real one agree): the
 * arguments replace same-named world entries (or NAME does, depending on them), the new world is
 * resolved against what is installed and what the source offers, and what is not yet installed
 * goes in. A world that cannot be resolved is apk's error and status 1.
 */
export function planAdd(fs: FileSystem, args: string[], virtualName: string | undefined, now: Date, source: AddSource, out: Out): AddPlan | 1 {
  const world = readWorld(fs);
  const virtual = virtualName ? virtualRecord(virtualName, args, now) : undefined;
  const replaced = new Set(virtualName ? [virtualName] : args.map((a) => parseConstraint(a).name));
  const newWorld = [...world.filter((w) => !replaced.has(parseConstraint(w).name)), ...(virtualName ? [virtualName] : args)];
  const extra: Candidate[] = virtual ? [{ name: virtual.name, version: virtual.version, depends: virtual.depends, provides: [], installIf: [] }] : [];
  const kept = readInstalled(fs).filter((p) => p.name !== virtualName);
  const universe = new Universe(kept, source.packages ?? [], [...extra, ...(source.candidates?.([...newWorld, ...args]) ?? [])]);
  const plan = resolveWorldOrFail(universe, newWorld, out);
  if (plan === 1) return 1;
  const have = new Set(kept.map((p) => p.name));
  return { newWorld, virtual, kept, toInstall: plan.filter((c) => !have.has(c.name)) };
}
