import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { RunResult, RunSpec } from "./run-spec.js";

export type { CommandModel, RunConfig, RunLimits, RunResult, RunSpec } from "./run-spec.js";
export { DEFAULT_LIMITS } from "./run-spec.js";
export type { SimCommand, SimCommandContext } from "./sim-command.js";
export { resolveExecUser, UserLookupError, type ExecUser } from "./users/exec-user.js";
export { subjectHash as x509SubjectHash } from "./util/x509-name-hash.js";

/**
 * Runs one RUN step's command in the sandbox (see run-command.ts). The shell and just-bash are
 * loaded on the first call: a build whose RUN steps all come from the cache, and every other
 * command of the CLI, never pays for loading them.
 */
export async function runCommand(fs: FileSystem, spec: RunSpec): Promise<RunResult> {
  const impl = await import("./run-command.js");
  return impl.runCommand(fs, spec);
}
export { armWatchdog, watchdogGraceMs, type Watchdog } from "./sandbox/watchdog.js";
export { timeoutMessage } from "./sandbox/step-guard.js";
