import { writeFileSync } from "node:fs";
import { main } from "../../packages/cli/dist/main.js";

/**
 * `node bench/dist/rss-probe.js ARGS...` is `tsbuild ARGS...` that also writes the process's
 * peak resident set size (bytes) to $TSBUILD_BENCH_RSS_FILE when it ends: Node cannot read a
 * child's rusage, so the child reports its own.
 */
const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdin: process.stdin,
  isTTY: false,
  env: process.env,
  cwd: process.cwd(),
});
const out = process.env.TSBUILD_BENCH_RSS_FILE;
if (out) writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
process.exitCode = code;
