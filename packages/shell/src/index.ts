export { runCommand } from "./run-command.js";
export type { CommandModel, RunLimits, RunResult, RunSpec } from "./run-spec.js";
export { DEFAULT_LIMITS } from "./run-spec.js";
export type { SimCommand, SimCommandContext } from "./sim-command.js";
export { resolveExecUser, UserLookupError, type ExecUser } from "./users/exec-user.js";
