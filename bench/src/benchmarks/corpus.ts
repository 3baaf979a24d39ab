import { cpSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "../lib/context.js";
import { BASE_FILES, baseRef, prepareCorpus, type CaseBuild, type CorpusCase } from "../lib/corpus.js";
import { Docker } from "../lib/docker.js";
import { check, tsbuild, type ProcResult } from "../lib/proc.js";
import type { BenchResult } from "../lib/report.js";
import { median, ms, versus } from "../lib/stats.js";

interface Sample {
  cold: number;
  warm: number;
}

type PerCase = Map<string, Sample[]>;

/**
 * Benchmarks 1 and 2: every conformance case built by whole CLI processes from a store that holds
 * only the case's bases (cold), then the same builds again (warm: every step a cache hit).
 * Docker builds the same contexts with --no-cache (cold) and then with its cache (warm).
 */
export async function corpusBenchmarks(ctx: BenchContext): Promise<BenchResult[]> {
  const docker = ctx.docker instanceof Docker ? ctx.docker : undefined;
  const prefix = docker?.prefix ?? `bench-${process.pid}`;
  const cases = prepareCorpus(ctx.conformance, join(ctx.work, "corpus"), prefix);
  const templates = await storeTemplates(ctx, cases, prefix);
  if (docker) for (const base of Object.keys(BASE_FILES)) await docker.importTar(join(ctx.conformance, "base", BASE_FILES[base]), baseRef(prefix, base));

  const ours: PerCase = new Map();
  const theirs: PerCase = new Map();
  const kit: PerCase = new Map();
  const problems = new Set<string>();
  for (let run = 0; run < ctx.runs; run++) {
    ctx.log(`corpus: run ${run + 1}/${ctx.runs}`);
    for (const c of cases) {
      const root = join(ctx.work, "corpus-stores", c.name);
      rmSync(root, { recursive: true, force: true });
      cpSync(templates.get(key(c.bases))!, root, { recursive: true });
      const cold = await buildAll(c, (b) => tsbuild(buildArgs(root, b)), problems, "tsbuild cold");
      const warm = await buildAll(c, (b) => tsbuild(buildArgs(root, b)), problems, "tsbuild warm");
      push(ours, c.name, { cold, warm });
      if (docker) {
        const dcold = await buildAll(c, (b) => docker.build(b.dir, { ...b, noCache: true }), problems, "docker cold");
        const dwarm = await buildAll(c, (b) => docker.build(b.dir, b), problems, "docker warm");
        push(theirs, c.name, { cold: dcold, warm: dwarm });
        const kcold = await buildAll(c, (b) => docker.buildkit(b.dir, { ...b, noCache: true }), problems, "buildkit cold");
        const kwarm = await buildAll(c, (b) => docker.buildkit(b.dir, b), problems, "buildkit warm");
        push(kit, c.name, { cold: kcold, warm: kwarm });
      }
      rmSync(root, { recursive: true, force: true });
    }
  }
  const notes = [...problems];
  return [summarise(1, "Corpus, cold (every conformance case from an empty cache, whole CLI processes)", "cold", ours, theirs, kit, docker, ctx.docker, notes),
    summarise(2, "Corpus, warm (the same builds again, every step a cache hit)", "warm", ours, theirs, kit, docker, ctx.docker, notes)];
}

function buildArgs(root: string, b: CaseBuild): string[] {
  const args = ["build", "--root", root, "-t", b.tag];
  if (b.target) args.push("--target", b.target);
  for (const [k, v] of Object.entries(b.buildArgs)) args.push("--build-arg", `${k}=${v}`);
  args.push(b.dir);
  return args;
}

/** The case's builds in order; milliseconds in all. An unexpected outcome is noted, not fatal. */
async function buildAll(c: CorpusCase, one: (b: CaseBuild) => Promise<ProcResult>, problems: Set<string>, who: string): Promise<number> {
  let total = 0;
  for (const [i, b] of c.builds.entries()) {
    const r = await one(b);
    total += r.ms;
    const last = i === c.builds.length - 1;
    const failed = r.code !== 0;
    if (failed !== (last && c.expectError)) {
      problems.add(`${who} ${c.name}: exit ${r.code}${failed ? ": " + (r.stderr || r.stdout).trim().split("\n").pop() : " (a failure was expected)"}`);
    }
  }
  return total;
}

/** One store per set of bases, imported once with `tsbuild import`; each cold build starts from a copy. */
async function storeTemplates(ctx: BenchContext, cases: CorpusCase[], prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const c of cases) {
    const k = key(c.bases);
    if (out.has(k)) continue;
    const root = join(ctx.work, "templates", k || "none");
    mkdirSync(root, { recursive: true });
    for (const base of c.bases) {
      check(await tsbuild(["import", "--root", root, join(ctx.conformance, "base", BASE_FILES[base]), baseRef(prefix, base)]), `tsbuild import ${base}`);
    }
    out.set(k, root);
  }
  return out;
}

function key(bases: string[]): string {
  return [...bases].sort().join("+");
}

function push(m: PerCase, name: string, s: Sample): void {
  const list = m.get(name) ?? [];
  list.push(s);
  m.set(name, list);
}

function totals(m: PerCase, which: keyof Sample): number[] {
  const runs = Math.min(...[...m.values()].map((l) => l.length));
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push([...m.values()].reduce((n, l) => n + l[i][which], 0));
  return out;
}

function summarise(id: number, title: string, which: keyof Sample, ours: PerCase, theirs: PerCase, kit: PerCase, docker: Docker | undefined, why: Docker | string, notes: string[]): BenchResult {
  const rows: Array<[string, string]> = [];
  const oursTotal = median(totals(ours, which));
  const caseMedian = (m: PerCase, name: string) => median(m.get(name)!.map((s) => s[which]));
  rows.push([`tsbuild, ${ours.size} cases`, ms(oursTotal)]);
  rows.push(["tsbuild, per case (median)", ms(median([...ours.keys()].map((n) => caseMedian(ours, n))))]);
  rows.push(["tsbuild, c25-cache-order", ms(caseMedian(ours, "c25-cache-order"))]);
  const targets = [];
  if (docker) {
    const theirsTotal = median(totals(theirs, which));
    rows.push([`docker ${docker.version}, ${theirs.size} cases`, ms(theirsTotal)]);
    rows.push(["docker, c25-cache-order", ms(caseMedian(theirs, "c25-cache-order"))]);
    rows.push(["tsbuild vs docker (corpus)", versus(theirsTotal, oursTotal)]);
    rows.push(["tsbuild vs docker (c25)", versus(caseMedian(theirs, "c25-cache-order"), caseMedian(ours, "c25-cache-order"))]);
    const slowest = [...ours.keys()].map((n) => ({ n, r: caseMedian(theirs, n) / caseMedian(ours, n) })).sort((a, b) => a.r - b.r).slice(0, 3);
    rows.push(["smallest ratios", slowest.map((s) => `${s.n} ${s.r.toFixed(1)}×`).join(", ")]);
    const ratio = theirsTotal / oursTotal;
    targets.push(which === "cold"
      ? { name: "≥10× faster than docker", met: ratio >= 10, detail: `${ratio.toFixed(1)}× (docker ${ms(theirsTotal)}, tsbuild ${ms(oursTotal)})` }
      : { name: "no slower than docker", met: ratio >= 1, detail: `${ratio.toFixed(2)}× (docker ${ms(theirsTotal)}, tsbuild ${ms(oursTotal)})` });
    const kitTotal = median(totals(kit, which));
    rows.push([`buildkit, ${kit.size} cases`, ms(kitTotal)]);
    rows.push(["buildkit, c25-cache-order", ms(caseMedian(kit, "c25-cache-order"))]);
    rows.push(["tsbuild vs buildkit (corpus)", versus(kitTotal, oursTotal)]);
    rows.push(["tsbuild vs buildkit (c25)", versus(caseMedian(kit, "c25-cache-order"), caseMedian(ours, "c25-cache-order"))]);
    const kitRatio = kitTotal / oursTotal;
    targets.push(which === "cold"
      ? { name: "≥2× faster than buildkit", met: kitRatio >= 2, detail: `${kitRatio.toFixed(2)}× (buildkit ${ms(kitTotal)}, tsbuild ${ms(oursTotal)})` }
      : { name: "no slower than buildkit", met: kitRatio >= 1, detail: `${kitRatio.toFixed(2)}× (buildkit ${ms(kitTotal)}, tsbuild ${ms(oursTotal)})` });
  } else {
    rows.push(["docker", `skipped: ${why as string}`]);
    targets.push({ name: which === "cold" ? "≥10× faster than docker" : "no slower than docker", met: undefined, detail: "no docker baseline in this run" });
  }
  return { id, title, rows, targets, notes: id === 1 ? notes : [] };
}
