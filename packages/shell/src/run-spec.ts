import type { SimCommand } from "./sim-command.js";

/** Commands declared by users: reserved for a later issue, accepted and ignored for now. */
export type CommandModel = Record<string, unknown>;

export interface RunLimits {
  /** Wall-clock budget of the whole step. Default 10 minutes. */
  timeoutMs?: number;
  /** Commands (and loop iterations) the step may run in total. Default 1,000,000. */
  maxCommands?: number;
  /** Depth of nested function calls. Default 200. */
  maxCallDepth?: number;
}

export interface RunSpec {
  /**
   * What Docker would exec: shell form is SHELL + [cmd], e.g. ["/bin/sh", "-c", "echo hi"];
   * exec form is the JSON array, e.g. ["touch", "/t.txt"] (no shell unless argv[0] is one).
   */
  argv: string[];
  /** The process environment (ENV of the image + the step's build args). */
  env: Record<string, string>;
  /** WORKDIR ("/" when empty); the builder creates it beforehand. */
  cwd: string;
  /** USER of the image ("" = root): "name", "uid", "name:group", "uid:gid". */
  user: string;
  stdout?: (chunk: string) => void;
  stderr?: (chunk: string) => void;
  limits?: RunLimits;
  models?: CommandModel[];
  /** Simulated programs keyed by their absolute path in the image ("/sbin/apk"). */
  binaries?: Record<string, SimCommand>;
  /** The container's hostname (/etc/hostname, $HOSTNAME). Default: derived from argv. */
  hostname?: string;
}

export interface RunResult {
  /** The exit status of the command, as Docker reports it. */
  exitCode: number;
  /** True when the step was stopped by `limits.timeoutMs`. */
  timedOut?: boolean;
  /**
   * Set when the command could not start (missing program, unknown USER) or was stopped by a
   * limit. Docker then fails the build with this message instead of
   * "returned a non-zero code".
   */
  error?: string;
}

export const DEFAULT_LIMITS: Required<RunLimits> = {
  timeoutMs: 10 * 60 * 1000,
  maxCommands: 1_000_000,
  maxCallDepth: 200,
};
