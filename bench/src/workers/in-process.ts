import { createHash } from "node:crypto";
import { build } from "../../../packages/tsbuild/dist/index.js";

/**
 * Builds one example directory with the library API, in memory, over and over in this process:
 *   node in-process.js DIR ITERATIONS WARMUP
 * Prints JSON: every iteration's milliseconds (after the warm-up builds), the CPU time per build, the peak RSS, and the
 * floor for the example: the bytes of the layer tars one build commits (every stage's, the
 * base's not) and the time to sha256 them once (median of 5, in this process).
 */
const [dir, itersArg, warmArg] = process.argv.slice(2);
const iterations = Number(itersArg);
const warmup = Number(warmArg);
const times: number[] = [];
let layers = 0;
let last: Awaited<ReturnType<typeof build>> | undefined;
let cpu: NodeJS.CpuUsage | undefined;
for (let i = 0; i < warmup + iterations; i++) {
  if (i === warmup) cpu = process.cpuUsage();
  const start = performance.now();
  const image = await build({ context: dir });
  const elapsed = performance.now() - start;
  if (i >= warmup) times.push(elapsed);
  layers = image.layers.length;
  last = image;
}
// CPU per build (user + system, this process's threads): on a shared machine, steadier than wall time.
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / iterations;
const { newBytes, sha256Ms } = await floorOf(last!);
process.stdout.write(JSON.stringify({ times, cpuMs, layers, newBytes, sha256Ms, rss: process.resourceUsage().maxRSS * 1024 }) + "\n");

/** The layers the build's steps committed (cache misses with a layer), and sha256 over their tars. */
async function floorOf(image: NonNullable<typeof last>): Promise<{ newBytes: number; sha256Ms: number }> {
  const chunks: Buffer[] = [];
  for (const step of image.steps) {
    if (step.cached || !step.diffID || !step.imageId) continue;
    const stored = image.store.getImage(step.imageId);
    const top = stored && (await stored.layers()).at(-1);
    if (!top || (await top.diffID()) !== step.diffID) continue;
    for await (const c of await top.open()) chunks.push(c as Buffer);
  }
  const runs: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    const h = createHash("sha256");
    for (const c of chunks) h.update(c);
    h.digest();
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  return { newBytes: chunks.reduce((n, c) => n + c.length, 0), sha256Ms: runs[2] };
}
