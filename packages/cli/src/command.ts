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

/**
 * cobra's argument checks as the docker CLI words them (NoArgs, ExactArgs, MinimumNArgs,
 * MaximumNArgs, RangeArgs): `count` must be within min..max.
 */
export function checkArgCount(cmd: Pick<Command, "name" | "usage">, count: number, min: number, max = min): void {
  if (count >= min && count <= max) return;
  const n = (k: number) => `${k} argument${k === 1 ? "" : "s"}`;
  const rule =
    max === 0 ? "accepts no arguments"
    : min === max ? `requires exactly ${n(min)}`
    : max === Infinity ? `requires at least ${n(min)}`
    : min === 0 ? `requires at most ${n(max)}`
    : `requires at least ${min} and at most ${n(max)}`;
  throw new UsageError(`"tsbuild ${cmd.name}" ${rule}.\nSee 'tsbuild ${cmd.name} --help'.\n\nUsage:  tsbuild ${cmd.usage}`);
}

export function parseCommandArgs(cmd: Command, argv: string[]) {
  return parseFlags(cmd.options, argv);
}

/** The option every command shares. */
export const rootOption = { root: { type: "string" as const } };
