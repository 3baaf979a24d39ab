import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bigBaseTar } from "../lib/base-tar.js";
import type { BenchContext } from "../lib/context.js";
import { BASE_FILES } from "../lib/corpus.js";
import { REPO } from "../lib/paths.js";
import { check, cliEnv, run } from "../lib/proc.js";
import type { BenchResult, Target } from "../lib/report.js";
import { mb, median, ms, percentile } from "../lib/stats.js";

export const BASE_SIZES = [1_000, 10_000, 50_000];
export const STEPS = 30;
/** Average size of a base file: a 50,000-file base is then a 100 MB image, as real ones are. */
const AVG_FILE = 2048;

interface WorkerResult {
  stepMs: number[];
  totalMs: number;
  imageSize: number;
  rss: number;
}

/**
 * Benchmark 4 (and its half of 6): a base image of 1k/10k/50k files, then 30 RUN steps that each
 * change a few files, built in-process (the per-step cost is far below a process start). The
 * first RUN also materialises the base in memory; it is reported apart. Each build runs in a
 * worker process of its own, so its peak RSS is its own.
 */
export async function bigBaseBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const rows: Array<[string, string]> = [];
  const targets: Target[] = [];
  const perStep = new Map<string, number>();
  let largest: WorkerResult | undefined;
  const tars = new Map<number, string>();
  for (const files of BASE_SIZES) {
    const tar = join(ctx.work, `base-${files}.tar`);
    writeFileSync(tar, bigBaseTar(join(ctx.conformance, "base", BASE_FILES.busybox), files, AVG_FILE));
    tars.set(files, tar);
  }
  // Stores on disk are removed with the run's work directory, after every bench: on a journal-less ext4 the
  // inodes of 50,000 files just removed slow every file the next run creates (big-context.ts).
  let firstOf50k: number | undefined;
  for (const kind of ["memory", "disk"] as const) {
    for (const files of BASE_SIZES) {
      const tar = tars.get(files)!;
      const steps: number[] = [];
      const first: number[] = [];
      for (let i = 0; i < ctx.runs; i++) {
        ctx.log(`big base: ${kind} store, ${files} files, run ${i + 1}/${ctx.runs}`);
        const work = join(ctx.work, `big-base-${kind}-${files}-${i}`);
        const r = check(await run(process.execPath, [join(REPO, "bench/dist/workers/big-base.js"), tar, String(STEPS), kind, work], { env: cliEnv() }), "big-base worker");
        const res = JSON.parse(r.stdout) as WorkerResult;
        first.push(res.stepMs[0]);
        steps.push(...res.stepMs.slice(1));
        if (kind === "disk" && files === BASE_SIZES[BASE_SIZES.length - 1] && (!largest || res.rss > largest.rss)) largest = res;
      }
      const med = median(steps);
      perStep.set(`${kind}:${files}`, med);
      if (files === BASE_SIZES[BASE_SIZES.length - 1]) firstOf50k = Math.max(firstOf50k ?? 0, median(first));
      rows.push([`${kind} store, ${String(files).padStart(6)} files: per step`, `median ${ms(med)}, p95 ${ms(percentile(steps, 95))}; first RUN (materialises the base) ${ms(median(first))}`]);
    }
    const meds = BASE_SIZES.map((f) => perStep.get(`${kind}:${f}`)!);
    const flat = Math.max(...meds) / Math.min(...meds);
    const worst = Math.max(...meds);
    targets.push({ name: `${kind} store: per-step cost flat across ${BASE_SIZES.join("/")} files`, met: flat <= 1.5, detail: `largest/smallest median ${flat.toFixed(2)}× (≤1.5× counts as flat)` });
    // The targets: 2 ms a step in memory, 5 ms with the store on disk.
    const limit = kind === "memory" ? 2 : 5;
    targets.push({ name: `${kind} store: a step under ${limit} ms`, met: worst < limit, detail: `worst median ${ms(worst)}` });
  }
  if (firstOf50k !== undefined) {
    targets.push({ name: `first RUN on the ${BASE_SIZES[BASE_SIZES.length - 1]}-file base (materialises it, loads the shell) under 0.5 s, both stores`, met: firstOf50k < 500, detail: `slower store's median ${ms(firstOf50k)}` });
  }
  if (largest) {
    rows.push(["image size (50k base + steps)", mb(largest.imageSize)], ["peak RSS (disk store, 50k)", mb(largest.rss)]);
    targets.push({ name: "peak RSS under 2× the image", met: largest.rss < 2 * largest.imageSize, detail: `${(largest.rss / largest.imageSize).toFixed(2)}× (${mb(largest.rss)} for ${mb(largest.imageSize)})` });
  }
  return { id: 4, title: `Big base (${BASE_SIZES.join(" / ")} files, then ${STEPS} RUN steps that change a few files each)`, rows, targets, notes: [] };
}
