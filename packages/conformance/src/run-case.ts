import { CONFORMANCE_BASES } from "./bases.js";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { buildImage, BuildError } from "@tsbuild/builder";
import { BuildContext } from "@tsbuild/context";
import { importTar, openStore, type ImageStore } from "@tsbuild/store";
import { describeImage } from "./describe.js";
import { restoreCase, restoreTree } from "./fixups.js";

export interface CaseSpec {
  description?: string;
  bases?: string[];
  tag: string;
  build_args?: Record<string, string>;
  target?: string;
  prebuild?: Array<{ context: string; tag: string }>;
  rebuild?: boolean;
  mutate?: Array<{ path: string; content: string }>;
  mutate_build_args?: Record<string, string>;
  expect_error?: boolean;
  /** Context paths whose modes git cannot keep (octal strings), restored before the build. */
  modes?: Record<string, string>;
  /** Empty context directories, which git does not keep. */
  empty_dirs?: string[];
  /** The builder Docker used: "classic" (default, DOCKER_BUILDKIT=0) or "buildkit". */
  builder?: "classic" | "buildkit";
  /** `--secret id=…,src=…` of a BuildKit build, src relative to the context (record.py passes the same). */
  secrets?: Array<{ id: string; src: string }>;
}

interface Step {
  step: number;
  of: number;
  text: string;
  cached: boolean;
}

interface Outcome {
  code: number;
  steps: Step[];
  error: string[];
  imageId?: string;
}

/** Runs one case as tools/make-expected.py ran it against Docker, and returns actual.json's content. */
export async function runCase(caseDir: string, basesDir: string): Promise<Record<string, unknown>> {
  const spec = JSON.parse(readFileSync(join(caseDir, "case.json"), "utf8")) as CaseSpec;
  const work = mkdtempSync(join(tmpdir(), "tsbuild-conf-"));
  try {
    const caseCopy = join(work, "case");
    cpSync(caseDir, caseCopy, { recursive: true, verbatimSymlinks: true });
    restoreCase(basename(caseDir), caseCopy);
    restoreTree(join(caseCopy, "context"), spec);
    caseDir = caseCopy;
    const root = join(work, "root");
    const store = openStore(root);
    for (const b of spec.bases ?? []) {
      const { ref, file } = CONFORMANCE_BASES[b];
      await importTar(store, readFileSync(join(basesDir, file)), { ref });
    }
    for (const pre of spec.prebuild ?? []) {
      const ctx = copyContext(join(caseDir, pre.context), join(work, "pre-" + pre.context));
      const r = await runBuild(store, ctx, spec, pre.tag, {});
      if (r.code !== 0) throw new Error("prebuild failed: " + r.error.join(" | "));
    }
    const ctx = copyContext(join(caseDir, "context"), join(work, "context"));
    const first = await runBuild(store, ctx, spec, spec.tag, spec.build_args ?? {});
    const result: Record<string, unknown> = { builder: "tsbuild", exit_code: first.code, steps: first.steps };
    if (first.code !== 0 || !first.imageId) {
      result.error = first.error;
      return result;
    }
    result.image = await describeImage(store, root, first.imageId);
    if (spec.rebuild) {
      const second = await runBuild(store, ctx, spec, spec.tag, spec.build_args ?? {});
      result.rebuild_steps = second.steps.map((s) => s.cached);
      if (spec.mutate || spec.mutate_build_args) {
        for (const m of spec.mutate ?? []) {
          mkdirSync(dirname(join(ctx, m.path)), { recursive: true });
          writeFileSync(join(ctx, m.path), m.content);
        }
        const args = { ...(spec.build_args ?? {}), ...(spec.mutate_build_args ?? {}) };
        const third = await runBuild(store, ctx, spec, spec.tag, args);
        result.after_mutation_steps = third.steps.map((s) => s.cached);
        if (third.code === 0 && third.imageId) result.after_mutation_history = (await describeImage(store, root, third.imageId)).history;
      }
    }
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function copyContext(src: string, dst: string): string {
  cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
  return dst;
}


async function runBuild(store: ImageStore, dir: string, spec: CaseSpec, tag: string, buildArgs: Record<string, string>): Promise<Outcome> {
  const lines: string[] = [];
  let pending = "";
  const output = (s: string) => {
    pending += s;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    lines.push(...parts);
  };
  try {
    const context = await BuildContext.fromDirectory(dir);
    const buildkit = spec.builder === "buildkit";
    const secrets = (spec.secrets ?? []).map((x) => ({ id: x.id, src: join(dir, x.src) }));
    const r = await buildImage({ store, context, tags: [tag], buildArgs, target: spec.target, output, buildkit, secrets });
    return { code: 0, steps: buildkit ? parseBuildKitSteps(lines) : parseSteps(lines), error: [], imageId: r.imageId };
  } catch (e) {
    const code = e instanceof BuildError ? e.exitCode : 1;
    if (!(e instanceof BuildError) && process.env.TSBUILD_DEBUG) console.error(e);
    const steps = spec.builder === "buildkit" ? parseBuildKitSteps(lines) : parseSteps(lines);
    return { code: code || 1, steps, error: [(e as Error).message] };
  }
}

function parseSteps(lines: string[]): Step[] {
  const steps: Step[] = [];
  let cur: Step | undefined;
  for (const line of lines) {
    const m = /^Step (\d+)\/(\d+) : (.*)$/.exec(line);
    if (m) {
      cur = { step: Number(m[1]), of: Number(m[2]), text: m[3], cached: false };
      steps.push(cur);
    } else if (cur && line.trim() === "---> Using cache") cur.cached = true;
  }
  return steps;
}

/** BuildKit's plain progress: `#N [stage k/m] TEXT` per vertex, `#N CACHED` for a hit (tools/buildkit_steps.py). */
function parseBuildKitSteps(lines: string[]): Step[] {
  const byVertex = new Map<string, Step & { stage: string }>();
  for (const line of lines) {
    const m = /^#(\d+) \[(?:([^\]]*?) )?(\d+)\/(\d+)\] (.*)$/.exec(line);
    if (m) {
      if (!byVertex.has(m[1])) byVertex.set(m[1], { step: Number(m[3]), of: Number(m[4]), stage: m[2] ?? "", text: m[5], cached: false });
      continue;
    }
    const c = /^#(\d+) CACHED$/.exec(line);
    if (c && byVertex.has(c[1])) byVertex.get(c[1])!.cached = true;
  }
  return [...byVertex.values()];
}

export function caseNames(casesDir: string): string[] {
  return readdirSorted(casesDir).filter((d) => existsSync(join(casesDir, d, "case.json")));
}

function readdirSorted(d: string): string[] {
  return readdirSync(d).sort();
}
