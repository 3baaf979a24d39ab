import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { restoreCase } from "../../../packages/conformance/dist/fixups.js";

export interface CaseBuild {
  /** Context directory (its Dockerfile inside). */
  dir: string;
  tag: string;
  buildArgs: Record<string, string>;
  target?: string;
}

export interface CorpusCase {
  name: string;
  /** Base names: "busybox", "alpine-sim". */
  bases: string[];
  /** Builds in order: the prebuilds, then the case's own build. */
  builds: CaseBuild[];
  expectError: boolean;
}

interface CaseJson {
  bases?: string[];
  tag: string;
  build_args?: Record<string, string>;
  target?: string;
  prebuild?: Array<{ context: string; tag: string }>;
  expect_error?: boolean;
}

export const BASE_FILES: Record<string, string> = {
  busybox: "busybox-rootfs.tar",
  "alpine-sim": "alpine-sim-rootfs.tar",
};

/** The reference a base is imported as, under this run's prefix. */
export function baseRef(prefix: string, base: string): string {
  return `${prefix}/${base}:1`;
}

/**
 * Copies every conformance case into `work`, as the conformance runner prepares it (modes and
 * lost entries restored), with its image names moved under `prefix` so that a shared dockerd
 * keeps this run's images apart: conformance/busybox:1 → PREFIX/busybox:1, conf/x → PREFIX/x.
 * tsbuild builds the same rewritten copies, so both builders see identical contexts.
 */
export function prepareCorpus(conformance: string, work: string, prefix: string): CorpusCase[] {
  const casesDir = join(conformance, "cases");
  const out: CorpusCase[] = [];
  for (const name of readdirSync(casesDir).sort()) {
    const src = join(casesDir, name);
    if (!existsSync(join(src, "case.json"))) continue;
    const spec = JSON.parse(readFileSync(join(src, "case.json"), "utf8")) as CaseJson;
    const dst = join(work, name);
    cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
    restoreCase(name, dst);
    renameImages(dst, prefix);
    const builds: CaseBuild[] = (spec.prebuild ?? []).map((p) => ({ dir: join(dst, p.context), tag: rename(p.tag, prefix), buildArgs: {} }));
    builds.push({ dir: join(dst, "context"), tag: rename(spec.tag, prefix), buildArgs: spec.build_args ?? {}, target: spec.target });
    out.push({ name, bases: spec.bases ?? [], builds, expectError: Boolean(spec.expect_error) });
  }
  return out;
}

function rename(ref: string, prefix: string): string {
  return ref.replace(/^conformance\//, `${prefix}/`).replace(/^conf\//, `${prefix}/`);
}

/** Rewrites the image names in every Dockerfile of a case. */
function renameImages(dir: string, prefix: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) renameImages(p, prefix);
    else if (/^Dockerfile/.test(name)) {
      const text = readFileSync(p, "utf8");
      const renamed = text.replace(/\bconformance\/(busybox|alpine-sim):1\b/g, `${prefix}/$1:1`).replace(/\bconf\/([a-z0-9-]+:)/g, `${prefix}/$1`);
      if (renamed !== text) writeFileSync(p, renamed);
    }
  }
}
