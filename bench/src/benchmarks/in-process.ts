import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "../lib/context.js";
import { EXAMPLES, REPO } from "../lib/paths.js";
import { check, cliEnv, run } from "../lib/proc.js";
import type { BenchResult } from "../lib/report.js";
import { median, ms, percentile } from "../lib/stats.js";

const WARMUP = 2;

interface WorkerResult {
  times: number[];
  layers: number;
  rss: number;
}

/**
 * Benchmark 5: the library API (`build({ context })`, in memory, a fresh store each time, built-in
 * base images) building each examples/ Dockerfile many times in one process, as a test suite
 * would; median and p95 per example and over all builds.
 */
export async function inProcessBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const iterations = Math.max(10, ctx.runs * 10);
  const all: number[] = [];
  const rows: Array<[string, string]> = [];
  const examples = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, "Dockerfile"))).sort();
  for (const name of examples) {
    ctx.log(`in-process: ${name}, ${iterations} builds`);
    const r = check(await run(process.execPath, [join(REPO, "bench/dist/workers/in-process.js"), join(EXAMPLES, name), String(iterations), String(WARMUP)], { env: cliEnv() }), `in-process build of examples/${name}`);
    const res = JSON.parse(r.stdout) as WorkerResult;
    all.push(...res.times);
    rows.push([`examples/${name} (${res.layers} layers)`, `median ${ms(median(res.times))}, p95 ${ms(percentile(res.times, 95))}`]);
  }
  const med = median(all);
  rows.push([`all ${all.length} builds`, `median ${ms(med)}, p95 ${ms(percentile(all, 95))}`]);
  return {
    id: 5,
    title: "In-process builds of examples/ with the library API (memory store)",
    rows,
    targets: [{ name: "median under 20 ms", met: med < 20, detail: `median ${ms(med)}` }],
    notes: [`${WARMUP} warm-up builds per example are not counted (module loading, JIT)`],
  };
}
