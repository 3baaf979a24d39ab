import type { ShellState } from "../applets/applet.js";
import type { ProcessFs } from "../sandbox/process-fs.js";
import type { SimCommand } from "../sim-command.js";
import type { ResolverHook } from "./resolver-hook.js";

/** Everything the processes of one RUN step share. */
export interface Step {
  fs: ProcessFs;
  binaries: Record<string, SimCommand>;
  hook: ResolverHook;
  shell: ShellState;
  /** An applet name to run as such by the next dispatcher of that name (see runBundledAs). */
  direct?: string;
  /** The first execution limit hit anywhere in the step; from then on every program fails. */
  limit?: string;
}
