import type { ShellState } from "../applets/applet.js";
import type { ProcessFs } from "../sandbox/process-fs.js";
import type { CommandModel } from "../run-spec.js";
import type { SimCommand } from "../sim-command.js";
import type { ResolverHook } from "./resolver-hook.js";

/** Everything the processes of one RUN step share. */
export interface Step {
  fs: ProcessFs;
  binaries: Record<string, SimCommand>;
  models: CommandModel[];
  /** tsbuild's remarks (models used), emitted after the command's output. */
  notes: string[];
  /** The step's clock (RunSpec.now). */
  now: () => Date;
  /** Programs that could not run and had no model: named in a hint if the step fails. */
  unresolved: Set<string>;
  hook: ResolverHook;
  shell: ShellState;
  /** An applet name to run as such by the next dispatcher of that name (see runBundledAs). */
  direct?: string;
  /** The first execution limit hit anywhere in the step; from then on every program fails. */
  limit?: string;
}
