import { build } from "../../../packages/tsbuild/dist/index.js";

/**
 * Builds one example directory with the library API, in memory, over and over in this process:
 *   node in-process.js DIR ITERATIONS WARMUP
 * Prints JSON: every iteration's milliseconds (after the warm-up builds) and the peak RSS.
 */
const [dir, itersArg, warmArg] = process.argv.slice(2);
const iterations = Number(itersArg);
const warmup = Number(warmArg);
const times: number[] = [];
let layers = 0;
for (let i = 0; i < warmup + iterations; i++) {
  const start = performance.now();
  const image = await build({ context: dir });
  const elapsed = performance.now() - start;
  if (i >= warmup) times.push(elapsed);
  layers = image.layers.length;
}
process.stdout.write(JSON.stringify({ times, layers, rss: process.resourceUsage().maxRSS * 1024 }) + "\n");
