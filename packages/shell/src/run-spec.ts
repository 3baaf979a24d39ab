import { totalmem } from "node:os";
import type { FileSystem, RootFS } from "@tsbuild/fs-snapshot";
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
  /**
   * Whether the model fits this image at all (`path`: where PATH lookup found the program, if
   * anywhere). A real tool's implementation says no to an image whose program is a stand-in, so
   * that the next model (an estimate) answers there.
   */
  applies?(fs: FileSystem, path: string | undefined): boolean;
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

/** The container config fields a RUN's process sees (a subset of the image config's `config`). */
export interface RunConfig {
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Volumes?: Record<string, unknown> | null;
}

export interface RunSpec {
  /**
   * What Docker would exec: shell form is SHELL + [cmd], e.g. ["/bin/sh", "-c", "echo hi"];
   * exec form is the JSON array, e.g. ["touch", "/t.txt"] (no shell unless argv[0] is one).
   */
  argv: string[];
  /**
   * The step's container config: its ENV, WORKDIR ("/" when empty; the builder creates it
   * beforehand), USER ("" = root; "name", "uid", "name:group", "uid:gid") and VOLUMEs. The
   * builder's ContainerConfig (@tsbuild/image) is one.
   */
  config: RunConfig;
  /** The build args the step sees (declared, with a value, not shadowed by ENV): added to the environment. */
  buildArgs?: ReadonlyArray<readonly [string, string]>;
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
   * Filesystems mounted over the image for this step (BuildKit's RUN --mount: cache, bind, tmpfs),
   * keyed by absolute path and used as given, not filled from the image: what the command does there
   * happens in them and never reaches the layer (the builder keeps a cache mount's for later builds).
   */
  mounts?: Array<{ path: string; fs: RootFS; readOnly?: boolean }>;
  /**
   * Files of the image mounted read-only over themselves for this step (BuildKit's secrets): a
   * write fails with EROFS, removing or renaming one with EBUSY.
   */
  readOnlyFiles?: string[];
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
