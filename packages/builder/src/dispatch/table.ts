import type { InstructionOf } from "@tsbuild/parser";
import type { BuildRun } from "../builder.js";
import type { StageState } from "../state.js";
import type { StepPlan } from "../step.js";
import { expansions, type DispatchedKind, type ExpandedOf } from "../words.js";
import { metadataDispatchers } from "./metadata.js";
import { dispatchWorkdir } from "./workdir.js";
import { dispatchRun } from "./run.js";
import { dispatchCopy } from "./copy.js";

type Dispatcher<K extends DispatchedKind> = (run: BuildRun, state: StageState, ins: InstructionOf<K>, words: ExpandedOf[K]) => Promise<StepPlan>;

/**
 * Every instruction but FROM (which starts a stage) has its dispatcher: the type makes a kind
 * the parser learns a compile error here until it has one (moby's evaluator.go switch).
 */
const dispatchers: { [K in DispatchedKind]: Dispatcher<K> } = {
  ...metadataDispatchers,
  WORKDIR: dispatchWorkdir,
  RUN: dispatchRun,
  COPY: dispatchCopy,
  ADD: dispatchCopy,
};

/** The instruction's words substituted once, then its dispatcher: what the step is, for runStep. */
export async function plan<K extends DispatchedKind>(run: BuildRun, state: StageState, ins: InstructionOf<K>): Promise<StepPlan> {
  const words = (expansions[ins.kind as K] as (run: BuildRun, state: StageState, ins: InstructionOf<K>) => ExpandedOf[K])(run, state, ins);
  return (dispatchers[ins.kind as K] as Dispatcher<K>)(run, state, ins, words);
}

export function dispatched(kind: string): kind is DispatchedKind {
  return Object.hasOwn(dispatchers, kind);
}
