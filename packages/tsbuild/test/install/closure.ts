import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";

export interface Pkg {
  dir: string;
  manifest: { name: string; version: string; [k: string]: unknown };
  workspace: boolean;
}

// Node's lookup (each parent's node_modules) finds a dependency the way the package itself finds it
// at run time, so pnpm's .pnpm layout and hoisted copies both resolve to what was really installed.
function locate(from: string, name: string): string | undefined {
  for (let d = from; ; d = dirname(d)) {
    const c = join(d, "node_modules", name);
    if (existsSync(join(c, "package.json"))) return realpathSync(c);
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Every package the given packages need at run time, as installed in this checkout: dependencies,
 * optional ones present on this platform, and installed peers. A dependency not installed (another
 * platform's binary, an optional peer) is left out; the installers treat it as absent, as here.
 */
export function runtimeClosure(roots: string[], repo: string): Pkg[] {
  const seen = new Map<string, Pkg>();
  const ws = join(realpathSync(repo), "packages") + sep;
  const walk = (dir: string): void => {
    if (seen.has(dir)) return;
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    seen.set(dir, { dir, manifest, workspace: dir.startsWith(ws) });
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
    for (const n of Object.keys(deps)) {
      const found = locate(dir, n);
      if (found) walk(found);
    }
  };
  for (const r of roots) walk(realpathSync(r));
  return [...seen.values()];
}
