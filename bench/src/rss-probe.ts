import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { CLI_BIN } from "./lib/paths.js";

/**
 * `node bench/dist/rss-probe.js ARGS...` is `tsbuild ARGS...` that also writes the process's
 * peak resident set size (bytes) to $TSBUILD_BENCH_RSS_FILE when it ends: Node cannot read a
 * child's rusage, so the child reports its own. The bin itself runs in this process (it reads
 * process.argv from its third word, as it would as `tsbuild ARGS...`).
 */
process.once("exit", () => {
  const out = process.env.TSBUILD_BENCH_RSS_FILE;
  if (out) writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
});
createRequire(import.meta.url)(CLI_BIN);
