import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { BenchContext } from "../lib/context.js";
import { EXAMPLES, REPO } from "../lib/paths.js";
import { check, cliEnv, run } from "../lib/proc.js";
import type { BenchResult } from "../lib/report.js";
import { mb, median, ms, percentile } from "../lib/stats.js";

const WARMUP = 2;

interface WorkerResult {
  times: number[];
  /** CPU (user + system) per timed build. */
  cpuMs: number;
  layers: number;
  /** Tar bytes of the layers one build commits, and the time to sha256 them once. */
  newBytes: number;
  sha256Ms: number;
  rss: number;
}

/** Issue 16: under 20 ms when a build's new layers hold under 10 MB, else within 2× of hashing them. */
const SMALL_LAYERS = 10 * 1000 * 1000;
const SMALL_TARGET_MS = 20;

/**
 * Benchmark 5: the library API (`build({ context })`, in memory, a fresh store each time, built-in
 * base images) building each examples/ Dockerfile many times in one process, as a test suite
 * would; median and p95 per example and over all builds, each example against its own target.
 */
export async function inProcessBenchmark(ctx: BenchContext): Promise<BenchResult> {
  const iterations = Math.max(10, ctx.runs * 10);
  const all: number[] = [];
  const rows: Array<[string, string]> = [];
  const targets: BenchResult["targets"] = [];
  const examples = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, "Dockerfile"))).sort();
  for (const name of examples) {
    ctx.log(`in-process: ${name}, ${iterations} builds`);
    const r = check(await run(process.execPath, [join(REPO, "bench/dist/workers/in-process.js"), join(EXAMPLES, name), String(iterations), String(WARMUP)], { env: cliEnv() }), `in-process build of examples/${name}`);
    const res = JSON.parse(r.stdout) as WorkerResult;
    all.push(...res.times);
    const med = median(res.times);
    const goal = res.newBytes < SMALL_LAYERS ? SMALL_TARGET_MS : 2 * res.sha256Ms;
    const floor = `new layers ${mb(res.newBytes)}, sha256 of them ${ms(res.sha256Ms)}`;
    rows.push([`examples/${name} (${res.layers} layers)`, `median ${ms(med)}, p95 ${ms(percentile(res.times, 95))}, CPU ${ms(res.cpuMs)} a build; ${floor}`]);
    targets.push({
      name: `examples/${name}: ${res.newBytes < SMALL_LAYERS ? "median under 20 ms" : "median within 2× of sha256 of its new layers"}`,
      met: med < goal,
      detail: `median ${ms(med)} against ${ms(goal)}`,
    });
  }
  const med = median(all);
  rows.push([`all ${all.length} builds`, `median ${ms(med)}, p95 ${ms(percentile(all, 95))}`]);
  return {
    id: 5,
    title: "In-process builds of examples/ with the library API (memory store)",
    rows,
    targets,
    notes: [`${WARMUP} warm-up builds per example are not counted (module loading, JIT)`],
  };
}
