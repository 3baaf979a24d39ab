import { buildImage, BuildError } from "@tsbuild/builder";
import { buildStore, builtinsSource, importBases } from "./bases.js";
import { pullingSource } from "./pull.js";
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
  await importBases(store, opts.bases ?? {}, created, opts.store === undefined);
  const { context, dockerfileName } = await prepareContext(opts);
  const log: string[] = [];
  const write = (text: string) => void log.push(text);
  try {
    const result = await buildImage({
      store,
      context,
      dockerfileName,
      tags: opts.tags,
      buildArgs: opts.buildArgs,
      target: opts.target,
      noCache: opts.noCache,
      sourceDateEpoch: opts.sourceDateEpoch,
      sources: opts.sources ?? [opts.pull ? pullingSource(store, opts.pull, write) : builtinsSource(store, opts.store === undefined)],
      output: write,
      errorOutput: write,
      stderrTail: true,
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
    }
    throw e;
  }
}
