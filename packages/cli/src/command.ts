import type { ParseArgsConfig } from "node:util";
import { parseFlags } from "./flags.js";

/** Where a command writes; tests pass their own sinks. */
export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stdin: NodeJS.ReadableStream;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Returns the process exit code. */
  run(args: { values: Record<string, unknown>; positionals: string[]; io: Io }): Promise<number>;
}

/** A user error: printed as `Error: <message>` (Docker's CLI wording), exit 1. */
export class UsageError extends Error {}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  return parseFlags(cmd.options, argv);
}

/** The option every command shares. */
export const rootOption = { root: { type: "string" as const } };
