import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (bench/dist/lib → ../../..). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The bundled CLI, as the `tsbuild` bin and `pnpm tsbuild` run it (scripts/bundle-cli.mjs). */
export const CLI_BIN = join(REPO, "packages/cli/bundle/bin.js");
/** Runs the CLI like bin.js and reports the process's peak RSS (see rss-probe.ts). */
export const RSS_PROBE = join(REPO, "bench/dist/rss-probe.js");
export const EXAMPLES = join(REPO, "examples");

/** The conformance corpus: $TSBUILD_CONFORMANCE, else the repository's copy (a fresh clone has it). */
export function conformanceDir(): string {
  return process.env.TSBUILD_CONFORMANCE ?? join(REPO, "test/conformance");
}
