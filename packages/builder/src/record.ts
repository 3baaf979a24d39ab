import type { BuildRecord } from "@tsbuild/image";
import type { BuildRun } from "./builder.js";
import { allowedArgs, type StageState } from "./state.js";


export function recordFor(run: BuildRun, state: StageState): BuildRecord {
  const ins = run.trigger ?? run.current!.instruction;
  // A trigger's own text starts at line 1; it runs on behalf of the FROM line.
  const at = run.current!.instruction;
  const record: BuildRecord = {
    dockerfile: run.opts.dockerfileName ?? "Dockerfile",
    line: at.startLine,
    endLine: at.endLine,
    text: ins.original,
    kind: ins.kind,
    stage: state.index,
  };
  if (run.trigger) record.trigger = true;
  if (run.stepSources) record.sources = run.stepSources;
  if (ins.kind === "RUN") {
    const args = allowedArgs(state);
    if (args.length) record.buildArgs = Object.fromEntries(args);
  }
  return record;
}
