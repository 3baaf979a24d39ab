import type { BuildRecord, Digest } from "@tsbuild/image";
import type { ImageStore } from "@tsbuild/store";
import type { BuildRun } from "./builder.js";
import { allowedArgs, type StageState } from "./state.js";

interface RecordStore {
  putBuildRecord(id: Digest, record: BuildRecord): Promise<void>;
  getBuildRecord(id: Digest): BuildRecord | undefined;
}

/** Build records live beside Docker's files when the store keeps them; otherwise they are skipped. */
export function buildRecords(store: ImageStore): { put(id: Digest, r: BuildRecord): Promise<void>; get(id: Digest): BuildRecord | undefined } {
  const s = store as ImageStore & Partial<RecordStore>;
  return {
    put: async (id, r) => {
      if (s.putBuildRecord) await s.putBuildRecord(id, r);
    },
    get: (id) => s.getBuildRecord?.(id),
  };
}

export function recordFor(run: BuildRun, state: StageState): BuildRecord {
  const ins = run.trigger ?? run.current!.instruction;
  const record: BuildRecord = {
    dockerfile: run.opts.dockerfileName ?? "Dockerfile",
    line: ins.startLine,
    endLine: ins.endLine,
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
