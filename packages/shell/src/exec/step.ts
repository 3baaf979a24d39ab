import type { ResolvedCommandContext } from "just-bash";
import type { ShellState } from "../applets/applet.js";
import type { ProcessFs } from "../sandbox/process-fs.js";
import type { CommandModel } from "../run-spec.js";
import type { SimCommand } from "../sim-command.js";
import type { Flavour, ShellKind } from "./flavour.js";
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
  /** The image's flavour (see flavour.ts): shell builtins and `busybox X` follow it. */
  flavour: Flavour;
  /** The innermost running shell (a file without #! runs in it). */
  shellKind: ShellKind;
  /**
   * Make the shell about to start treat `names` as ordinary variables (undefined: bash's own).
   * just-bash copies its state when a child script starts, so this holds for that child only.
   */
  setPlainVariables(names: ReadonlySet<string> | undefined): void;
  /** argv of the container's process 1 (what `ps` lists first). */
  argv: string[];
  /** Processes started so far in the step, standing in for the pid counter. */
  pids: number;
  /** An applet name to run as such by the next dispatcher of that name (see runBundledAs). */
  direct?: string;
  /**
   * The container's stdout and stderr, while nothing has taken them yet: the shell that the
   * launcher starts (the step's process) writes each finished statement there as it goes.
   */
  output?: StepOutput;
  /** The context just-bash gave the launcher's command (the container's process). */
  launchCtx?: ResolvedCommandContext;
  /** Lets timers run (the CLI's progress line) when the step has kept the event loop busy a while. */
  breathe(): Promise<void>;
  /** The first execution limit hit anywhere in the step; from then on every program fails. */
  limit?: string;
}

export interface StepOutput {
  stdout(chunk: string): void;
  stderr(chunk: string): void;
}
