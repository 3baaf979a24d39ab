import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { main as Main } from "../../packages/cli/dist/main.js";
import { CLI_MAIN } from "./lib/paths.js";

// The bundle, as the bin runs it; its types are those of dist/main.js, which it is built from.
const { main } = (await import(pathToFileURL(CLI_MAIN).href)) as { main: typeof Main };

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
