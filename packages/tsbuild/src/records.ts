import type { StepRecord } from "@tsbuild/builder";
import type { BuildRecord, Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";

/**
 * The record behind each history entry of the image a build just made, from the build's own
 * steps (the store's historyRecords serves an image no build here made): a cached step's stored
 * record may come from a build whose Dockerfile had the instruction on another line (the cache
 * does not look at lines), so line and text are this build's. The ONBUILD triggers the FROM ran
 * have no step; they are the recorded trigger images right below the first step, and are placed
 * at the FROM's line (the builder records them at the line of the trigger's own text). Below
 * them the base image starts, and its entries stay unattributed even when another build of
 * this store made it.
 */
export function builtHistoryRecords(
  store: ImageStore,
  id: Digest,
  historyLength: number,
  steps: StepRecord[],
  dockerfile: string,
): Array<BuildRecord | undefined> {
  const byImage = new Map<Digest, StepRecord>();
  for (const step of steps) if (step.imageId && step.instruction.kind !== "FROM") byImage.set(step.imageId, step);
  const records: Array<BuildRecord | undefined> = new Array(historyLength).fill(undefined);
  let current: Digest | undefined = id;
  for (let up = 0; up < historyLength && current; up++) {
    const stored = store.getBuildRecord(current);
    const step = byImage.get(current);
    let record: BuildRecord | undefined;
    if (step) {
      const ins = step.instruction;
      record = { ...stored, dockerfile, line: ins.startLine, endLine: ins.endLine, text: step.text, kind: ins.kind, stage: step.stage };
      delete record.trigger;
    } else if (stored?.trigger) {
      const from = steps.find((s) => s.stage === stored.stage && s.instruction.kind === "FROM");
      record = from ? { ...stored, dockerfile, line: from.instruction.startLine, endLine: from.instruction.endLine } : undefined;
    }
    if (!record) break;
    records[historyLength - 1 - up] = record;
    current = store.parentOf(current);
  }
  return records;
}
