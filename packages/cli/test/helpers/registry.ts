import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { parseCommandArgs, type Command, type Io } from "../../src/command.js";
import type { Result } from "./run.js";
import { REGISTRY_BIN, startRegistry as startTestRegistry } from "../../../registry/test/helpers.js";

export { REGISTRY_BIN };
export const haveRegistry = existsSync(REGISTRY_BIN);

/** The registry package's test registry: the CNCF distribution registry on 127.0.0.1; `htpasswd` turns on basic auth. */
export async function startRegistry(htpasswd?: string): Promise<string> {
  return (await startTestRegistry({ htpasswd })).host;
}

/** Runs a command in-process as main() does, with --root and the environment given. */
export async function runWith(cmd: Command, argv: string[], opts: { root?: string; env?: NodeJS.ProcessEnv; stdin?: string; cwd: string }): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdin: Readable.from(opts.stdin !== undefined ? [Buffer.from(opts.stdin)] : []),
    isTTY: false,
    env: { HOME: opts.cwd, ...(opts.env ?? {}) },
    cwd: opts.cwd,
  };
  let code: number;
  try {
    const parsed = parseCommandArgs(cmd, opts.root ? [...argv, "--root", opts.root] : argv);
    code = await cmd.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals, io });
  } catch (e) {
    stderr += `Error: ${(e as Error).message}\n`;
    code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  return { code, stdout, stderr };
}
