import type { BuildRecord } from "@tsbuild/image";
import type { BuildRun } from "./builder.js";
import { allowedArgs, type StageState } from "./state.js";
import type { Step } from "./step.js";

export function recordFor(run: BuildRun, state: StageState, step: Step, sources: Record<string, string> | undefined): BuildRecord {
  const ins = step.instruction;
  // A trigger's own text starts at line 1; it runs on behalf of the FROM line.
  const at = step.line;
  const record: BuildRecord = {
    dockerfile: run.dockerfileName,
    line: at.startLine,
    endLine: at.endLine,
    text: ins.original,
    kind: ins.kind,
    stage: state.index,
  };
  if (step.trigger) record.trigger = true;
  if (sources) record.sources = sources;
  if (ins.kind === "RUN") {
    const args = allowedArgs(state);
    if (args.length) record.buildArgs = Object.fromEntries(args);
  }
  return record;
}
