import { posix } from "node:path";
import type { InstructionOf } from "@tsbuild/parser";
import type { BuildRun } from "../builder.js";
import type { FileStep } from "../step.js";
import { copyConfig, shellOf, type StageState } from "../state.js";

/** normalizeWorkdir: a relative WORKDIR resolves against the previous one. */
export function resolveWorkdir(current: string, requested: string): string {
  return posix.resolve("/", current || "/", requested);
}

/**
 * WORKDIR commits through a container whose creation makes the directory (root-owned, 0755):
 * a layer when directories were created, an empty_layer entry when they existed (c07).
 */
export async function dispatchWorkdir(run: BuildRun, state: StageState, _ins: InstructionOf<"WORKDIR">, requested: string): Promise<FileStep> {
  if (!requested) throw run.err("WORKDIR requires exactly one argument");
  const dir = resolveWorkdir(state.runConfig.WorkingDir, requested);
  state.runConfig.WorkingDir = dir;
  const probe = copyConfig(state.runConfig);
  probe.Cmd = [...shellOf(state), "#(nop) WORKDIR " + dir];
  return {
    probe,
    buildkit: { text: `WORKDIR ${dir}` },
    container: "commit",
    async change(fs) {
      try {
        fs.mkdir(dir, { recursive: true, mode: 0o755, owner: { uid: 0, gid: 0 } });
      } catch (e) {
        throw run.err(`mkdir ${dir}: ${(e as Error).message}`);
      }
    },
  };
}
