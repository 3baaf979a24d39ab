import { build as runBuilder, BuildError } from "@tsbuild/builder";
import { buildStore, builtinResolver, importBases } from "./bases.js";
import { pullingResolver } from "./pull.js";
import { prepareContext } from "./context.js";
import { describeImage } from "./describe.js";
import type { BuildFailure, BuildOptions, BuiltImage } from "./types.js";

/**
 * `docker build` in memory: builds the Dockerfile with Docker 20.10's classic builder rules and
 * returns the image with its layers, history, config and analysis. A failed build rejects with
 * the builder's BuildError (step, exit code, message), its `output` holding the log so far.
 */
export async function build(opts: BuildOptions): Promise<BuiltImage> {
  const store = opts.store ?? buildStore();
  const created = opts.sourceDateEpoch === undefined ? undefined : new Date(opts.sourceDateEpoch * 1000);
  await importBases(store, opts.bases ?? {}, created);
  const { context, dockerfileName } = await prepareContext(opts);
  const log: string[] = [];
  const write = (text: string) => void log.push(text);
  // The RUN's stderr since the step began: what a failed build's message quotes.
  let stepErr: string[] = [];
  const out = (text: string) => {
    if (text.startsWith("Step ")) stepErr = [];
    write(text);
  };
  const err = (text: string) => {
    stepErr.push(text);
    write(text);
  };
  try {
    const result = await runBuilder({
      store,
      context,
      dockerfileName,
      tags: opts.tags,
      buildArgs: opts.buildArgs,
      target: opts.target,
      noCache: opts.noCache,
      sourceDateEpoch: opts.sourceDateEpoch,
      resolveMissingBase: opts.pull ? pullingResolver(store, opts.pull, write) : builtinResolver(store, opts.store === undefined),
      output: out,
      errorOutput: err,
    });
    return await describeImage(store, result.imageId, {
      steps: result.steps,
      records: result.records,
      output: log.join(""),
      warnings: result.warnings,
      tags: result.tags,
    });
  } catch (e) {
    if (e instanceof BuildError) {
      (e as BuildFailure).output = log.join("");
      if (/returned a non-zero code/.test(e.message)) e.message += stderrTail(stepErr.join(""));
    }
    throw e;
  }
}

/** The last lines the failing RUN wrote to stderr, so a test failure shows why without `output`. */
function stderrTail(text: string, lines = 20, chars = 4000): string {
  const all = text.replace(/\s+$/, "").split("\n");
  if (all.length === 1 && all[0] === "") return "";
  const tail = all.slice(-lines).join("\n").slice(-chars);
  const cut = all.length > lines ? ` (last ${lines} of ${all.length} lines)` : "";
  return `\nstderr of the failing step${cut}:\n${tail.replace(/^/gm, "  ")}`;
}
