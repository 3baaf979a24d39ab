import type { FileSystem } from "@tsbuild/fs-snapshot";

/**
 * What a simulated binary receives when the shell runs it. Binaries are registered with
 * `RunSpec.binaries`, keyed by their absolute path in the image ("/sbin/apk"); a command that
 * PATH lookup resolves to that path (and that is not a `#!` script) runs the SimCommand.
 */
export interface SimCommandContext {
  /** The sandbox; every change goes through it so it lands in the step's layer. */
  fs: FileSystem;
  /** argv as the program sees it: argv[0] is the name it was invoked by. */
  argv: string[];
  /** The exported environment of the calling shell. */
  env: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  /** The current USER, resolved through the image's /etc/passwd and /etc/group. */
  owner: { uid: number; gid: number };
  /** Everything piped or redirected into the command. */
  stdin: Buffer;
  stdout(s: string): void;
  stderr(s: string): void;
  /** A remark of tsbuild's about the command (not its output): see RunSpec.notes. */
  note?(line: string): void;
  /** The step's clock: use it for times written into files, so reproducible builds stay reproducible. */
  now?(): Date;
}

/** A simulated program. Resolves to its exit code. */
export type SimCommand = (ctx: SimCommandContext) => Promise<number>;
