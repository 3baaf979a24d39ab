import { totalmem } from "node:os";
import type { SimCommand } from "./sim-command.js";

/**
 * A stand-in for a program the sandbox cannot run (npm, pip, go, make, curl...): what the
 * command does to the filesystem, declared by the user or shipped by @tsbuild/models.
 * The shell consults the models for a command whose program is missing from the image or is
 * a file tsbuild cannot execute (a binary or placeholder it does not simulate, a busybox
 * applet it does not simulate, a script whose interpreter is one of those); with `override`,
 * also for a program that could run.
 */
export interface CommandModel {
  /** The program it stands for: matched against the command word's base name ("npm"). */
  readonly program: string;
  /** Apply even when the image's program could run (a script, an applet, a simulated binary). */
  readonly override?: boolean;
  /** The command for these arguments (argv without argv[0]), or undefined when the model does not cover them. */
  match(args: string[]): SimCommand | undefined;
}

export interface RunLimits {
  /** Wall-clock budget of the whole step. Default 10 minutes. */
  timeoutMs?: number;
  /** Commands (and loop iterations) the step may run in total. Default 1,000,000. */
  maxCommands?: number;
  /** Depth of nested function calls. Default 200. */
  maxCallDepth?: number;
  /**
   * Bytes the step's files, pipes and device reads may hold (they are memory). Default a
   * quarter of the machine's memory (the builder passes --memory).
   */
  memoryBytes?: number;
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
  /** Stand-ins for programs the sandbox cannot run; the first that matches a command is used. */
  models?: CommandModel[];
  /**
   * tsbuild's own remarks on the step, one line each, after the command's output: which
   * commands ran through a model, and a hint for each program that was neither found nor
   * modelled when the command fails. Without it they are not reported (stderr stays the command's own).
   */
  notes?: (line: string) => void;
  /** Simulated programs keyed by their absolute path in the image ("/sbin/apk"). */
  binaries?: Record<string, SimCommand>;
  /** The container's hostname (/etc/hostname, $HOSTNAME). Default: derived from argv. */
  hostname?: string;
  /** The step's clock for times written into files (apk's database, /etc/shadow, touch): a reproducible build passes a fixed time. */
  now?: () => Date;
  /**
   * The image's VOLUMEs (absolute paths, the keys of the config's `Volumes`). Each is an anonymous
   * volume for this step: it starts as a copy of the image's content there, and what the command
   * does inside it never reaches the layer. A missing mount point is created (in the layer).
   */
  volumes?: string[];
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
  memoryBytes: Math.floor(totalmem() / 4),
};
