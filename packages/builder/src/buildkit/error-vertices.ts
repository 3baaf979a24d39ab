import type { Instruction, Stage } from "@tsbuild/parser";
import type { BuildRun } from "../builder.js";
import type { StageState } from "../state.js";
import { expand } from "../words.js";
import { sayBuildKitStep } from "./execute.js";

const URL_RE = /^https?:\/\//i;

/** A COPY/ADD whose context sources are missing: BuildKit fails its cache key ("failed to compute cache key"). */
function failsCacheKey(run: BuildRun, state: StageState, ins: Instruction): boolean {
  if (ins.kind !== "COPY" && ins.kind !== "ADD") return false;
  if (ins.kind === "COPY" && ins.from !== undefined) return false;
  if (ins.heredocs?.length) return false;
  const srcs = ins.args.slice(0, -1).map((a) => expand(run, state, a)).filter((s) => !URL_RE.test(s));
  if (srcs.length === 0) return false;
  try {
    run.opts.context.resolveSources(srcs, { allowWildcards: true });
    return false;
  } catch {
    return true;
  }
}

/**
 * BuildKit computes the cache keys of a stage's context copies concurrently, each after the keys
 * of the steps before it: when one fails, every copy whose key failed has been shown, with the
 * steps before it (recorded from Docker 20.10's BuildKit: g-29-009, -010, -024, -035 show every
 * vertex up to the last copy with a missing source, none after it, whatever failed first: the
 * keys are computed before any step runs, g-29-011). The vertices after `failed` up to that last
 * failing copy are printed here, before the error.
 */
export function sayVerticesBeforeError(run: BuildRun, stage: Stage, state: StageState, failed: Instruction): void {
  const rest = stage.instructions.slice(stage.instructions.indexOf(failed) + 1);
  let last = -1;
  rest.forEach((ins, i) => {
    if (failsCacheKey(run, state, ins)) last = i;
  });
  for (const ins of rest.slice(0, last + 1)) sayBuildKitStep(run, stage, state, ins);
}
