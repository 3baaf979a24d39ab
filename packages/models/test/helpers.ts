import type { RootFS } from "@tsbuild/fs-snapshot";
import { simulatedBinaries } from "@tsbuild/pkgsim";
import { runCommand, type CommandModel, type RunResult } from "@tsbuild/shell";

export const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** A sandbox holding one built-in image (pkgsim's test helper: the same images, the same dates). */
export { imageFs } from "../../pkgsim/test/helpers.js";

export interface StepRun {
  result: RunResult;
  stdout: string;
  stderr: string;
  notes: string[];
}

/** One RUN step as the builder runs it: shell form unless argv is given. */
export async function step(fs: RootFS, command: string | string[], models: CommandModel[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<StepRun> {
  const out: StepRun = { result: { exitCode: -1 }, stdout: "", stderr: "", notes: [] };
  out.result = await runCommand(fs, {
    argv: typeof command === "string" ? ["/bin/sh", "-c", command] : command,
    config: { Env: Object.entries({ PATH, ...opts.env }).map(([k, v]) => `${k}=${v}`), WorkingDir: opts.cwd ?? "/" },
    binaries: simulatedBinaries,
    models,
    stdout: (s) => void (out.stdout += s),
    stderr: (s) => void (out.stderr += s),
    notes: (l) => void out.notes.push(l),
  });
  return out;
}

/** Regular files below a directory: how many, and their bytes. */
export function filesUnder(fs: RootFS, dir: string): { files: number; bytes: number } {
  const total = { files: 0, bytes: 0 };
  const walk = (d: string) => {
    for (const name of fs.readdir(d)) {
      const p = `${d}/${name}`;
      const st = fs.lstat(p);
      if (st.type === "dir") walk(p);
      else if (st.type === "file") {
        total.files++;
        total.bytes += st.size;
      }
    }
  };
  walk(dir);
  return total;
}
