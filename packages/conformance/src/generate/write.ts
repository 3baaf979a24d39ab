import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Composition } from "./compose.js";

/**
 * Writes a composition as a conformance case. Git keeps neither empty directories nor modes other
 * than 0644/0755, so case.json lists them (`empty_dirs`, `modes`) and both recorders restore them.
 */
export function writeComposition(casesDir: string, c: Composition): string {
  const dir = join(casesDir, c.name);
  const ctx = join(dir, "context");
  mkdirSync(ctx, { recursive: true });
  const modes: Record<string, string> = {};
  const emptyDirs: string[] = [];
  for (const f of c.files) {
    const p = join(ctx, f.path);
    mkdirSync(dirname(p), { recursive: true });
    if (f.symlink !== undefined) symlinkSync(f.symlink, p);
    else if (f.dir) {
      mkdirSync(p, { recursive: true });
      emptyDirs.push(f.path);
    } else writeFileSync(p, f.content ?? "");
    if (f.mode !== undefined) {
      chmodSync(p, f.mode);
      if (f.dir || (f.mode !== 0o644 && f.mode !== 0o755)) modes[f.path] = f.mode.toString(8).padStart(4, "0");
    }
  }
  writeFileSync(join(ctx, "Dockerfile"), c.dockerfile);
  const spec = { ...c.case } as Record<string, unknown>;
  if (Object.keys(modes).length) spec.modes = modes;
  if (emptyDirs.length) spec.empty_dirs = emptyDirs;
  writeFileSync(join(dir, "case.json"), JSON.stringify(spec, null, 1) + "\n");
  return dir;
}
