import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../../packages/builder/dist/index.js";
import { BuildContext } from "../../../packages/context/dist/index.js";
import { importTar, memoryStore, openStore } from "../../../packages/store/dist/index.js";

/**
 * One big-base build in a process of its own (so its peak RSS is its own):
 *   node big-base.js BASE_TAR STEPS memory|disk [WORK_DIR]
 * imports BASE_TAR as the base image, then builds STEPS RUN steps on it. Prints JSON: the time
 * of every step (from one `Step N/M` line to the next), the image's size and the peak RSS.
 * With WORK_DIR (made here, left for the caller to remove) the store and context go there.
 */
const [baseTar, stepsArg, storeKind, workArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const work = workArg ?? mkdtempSync(join(tmpdir(), "tsbuild-bench-base-"));
if (workArg) mkdirSync(workArg, { recursive: true });
try {
  const store = storeKind === "disk" ? openStore(join(work, "root")) : memoryStore();
  await importTar(store, createReadStream(baseTar), { ref: "bench/base:1" });
  const ctxDir = join(work, "context");
  mkdirSync(ctxDir);
  writeFileSync(join(ctxDir, "Dockerfile"), dockerfile(steps));
  const context = await BuildContext.fromDirectory(ctxDir);

  const marks: number[] = [];
  const start = performance.now();
  const result = await build({
    store,
    context,
    tags: ["bench/big-base:latest"],
    output: (s) => {
      for (const line of s.split("\n")) if (/^Step \d+\//.test(line)) marks.push(performance.now());
    },
  });
  const end = performance.now();
  marks.push(end);
  // marks[0] is FROM; marks[i]..marks[i+1] is the i-th RUN.
  const stepMs = marks.slice(1, -1).map((t, i) => marks[i + 2] - t);
  const image = store.getImage(result.imageId);
  if (!image) throw new Error(`the built image ${result.imageId} is not in the store`);
  let size = 0;
  for (const layer of await image.layers()) size += await layer.size();
  process.stdout.write(JSON.stringify({ stepMs, totalMs: end - start, imageSize: size, rss: process.resourceUsage().maxRSS * 1024 }) + "\n");
} finally {
  if (!workArg) rmSync(work, { recursive: true, force: true });
}

/** STEPS RUN steps, each creating a file, appending to a log and changing a file of the base. */
function dockerfile(n: number): string {
  const lines = ["FROM bench/base:1"];
  for (let i = 1; i <= n; i++) {
    const target = `/data/d00/s0/f${String(i % 100).padStart(3, "0")}.bin`;
    lines.push(`RUN echo ${i} > /step${i}.txt && echo ${i} >> /steps.log && chmod 600 ${target}`);
  }
  return lines.join("\n") + "\n";
}
