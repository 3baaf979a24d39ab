import type { BuildRecord, Digest } from "@tsbuild/image";
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

/**
 * The record of an image the cache gave this step, as this build made it: the cache does not look
 * at lines, so an earlier build's record may place the instruction elsewhere. A trigger image is
 * placed at the FROM line of its stage; one that was not recorded as a trigger is not this build's.
 */
export function cachedRecord(run: BuildRun, step: Step, id: string): BuildRecord | undefined {
  if (!step.trigger) {
    const ins = step.line;
    const record: BuildRecord = { dockerfile: run.dockerfileName, line: ins.startLine, endLine: ins.endLine, text: step.record.text, kind: ins.kind, stage: step.record.stage };
    // The stored record is read only if these are asked for: a COPY of a big context keeps every
    // file's digest there (1.7 MB of JSON for 20,000 files), and a CLI build never reads them.
    let stored: BuildRecord | undefined | null = null;
    const read = () => (stored === null ? (stored = run.store.getBuildRecord(id as Digest)) : stored);
    for (const key of ["sources", "buildArgs", "buildkitCache"] as const) {
      Object.defineProperty(record, key, { enumerable: true, configurable: true, get: () => read()?.[key], set: (v) => Object.defineProperty(record, key, { value: v, enumerable: true, writable: true, configurable: true }) });
    }
    return record;
  }
  const stored = run.store.getBuildRecord(id as Digest);
  if (!stored?.trigger) return undefined;
  const from = run.steps.find((s) => s.stage === stored.stage && s.instruction.kind === "FROM");
  return from ? { ...stored, dockerfile: run.dockerfileName, line: from.instruction.startLine, endLine: from.instruction.endLine } : undefined;
}
