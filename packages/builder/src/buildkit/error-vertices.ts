import type { Instruction, Stage } from "@tsbuild/parser";
import type { BuildRun } from "../builder.js";
import { missingSourceError } from "../dispatch/copy.js";
import type { StageState } from "../state.js";
import { expand } from "../words.js";
import { FILE_OPS } from "./stages.js";
import { sayBuildKitStep } from "./execute.js";

const URL_RE = /^https?:\/\//i;
const CACHE_KEY = "failed to compute cache key: ";

/** A COPY/ADD whose context sources are missing: BuildKit fails its cache key ("failed to compute cache key"). */
function cacheKeyError(run: BuildRun, state: StageState, ins: Instruction): string | undefined {
  if (ins.kind !== "COPY" && ins.kind !== "ADD") return undefined;
  if (ins.kind === "COPY" && ins.from !== undefined) return undefined;
  if (ins.heredocs?.length) return undefined;
  const srcs = ins.args.slice(0, -1).map((a) => expand(run, state, a)).filter((s) => !URL_RE.test(s));
  if (srcs.length === 0) return undefined;
  try {
    run.opts.context.resolveSources(srcs, { allowWildcards: true });
    return undefined;
  } catch (e) {
    const missing = (e as { missing?: string }).missing;
    return missing === undefined ? (e as Error).message : missingSourceError(missing);
  }
}

/**
 * BuildKit's plain progress for a failed step (recorded from Docker 20.10: b-ro-bind-fail,
 * b-31k-025, b-29-009): the vertex's `#N ERROR: …` line; then, because BuildKit computes the
 * cache keys of a stage's context copies concurrently, each after the keys of the steps before
 * it, every vertex up to the last copy with a missing source, with its own ERROR line (none
 * after it, whatever failed first: g-29-009, -010, -024, -035, -011); then a `------` block
 * naming each failed vertex. The error itself is the build's last line.
 */
export function sayBuildKitFailure(run: BuildRun, stage: Stage, state: StageState, failed: Instruction, message: string): void {
  const failedVertices: string[] = [];
  if (FILE_OPS.has(failed.kind) && run.bkLastVertex) {
    run.say(`#${run.bkLastVertex.vertex} ERROR: ${message.startsWith(CACHE_KEY) ? message.slice(CACHE_KEY.length) : message}`);
    failedVertices.push(run.bkLastVertex.name);
  }
  const rest = stage.instructions.slice(stage.instructions.indexOf(failed) + 1);
  const errors = rest.map((ins) => cacheKeyError(run, state, ins));
  let last = -1;
  errors.forEach((e, i) => {
    if (e !== undefined) last = i;
  });
  rest.slice(0, last + 1).forEach((ins, i) => {
    sayBuildKitStep(run, stage, state, ins);
    const error = errors[i];
    if (error === undefined || !run.bkLastVertex) return;
    run.say(`#${run.bkLastVertex.vertex} ERROR: ${error}`);
    failedVertices.push(run.bkLastVertex.name);
  });
  for (const name of failedVertices) {
    run.say("------");
    run.say(` > ${name}:`);
    run.say("------");
  }
}
