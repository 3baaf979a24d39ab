import { afterAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseCommandArgs, type Command, type Io } from "../../src/command.js";
import { main } from "../../src/main.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
export const busyboxTar = join(repoRoot, "test/conformance/base/busybox-rootfs.tar");
export const cliBin = join(repoRoot, "packages/cli/dist/bin.js");

const created: string[] = [];
// Vitest loads this module once per test file, so each file cleans up after itself.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed after the test file has run. */
export function tempDir(prefix = "tsbuild-cli-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command in-process the way main() does (parse flags, run, print `Error: …` and
 * exit 1 on a thrown error), with --root pointing at `root`.
 */
export async function run(cmd: Command, argv: string[], opts: { root: string; stdin?: Buffer; cwd?: string; env?: Record<string, string> }): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdin: Readable.from(opts.stdin ? [opts.stdin] : []),
    isTTY: false,
    env: { HOME: opts.root, ...opts.env },
    cwd: opts.cwd ?? opts.root,
  };
  let code: number;
  try {
    const parsed = parseCommandArgs(cmd, [...argv, "--root", opts.root]);
    code = await cmd.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals, io });
  } catch (e) {
    stderr += `Error: ${(e as Error).message}\n`;
    code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  return { code, stdout, stderr };
}

/** Runs the whole CLI in-process as `tsbuild ARGV` would, output captured. */
export async function runMain(argv: string[], opts: { cwd: string; env?: Record<string, string>; stdin?: string }): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdin: Readable.from(opts.stdin ? [Buffer.from(opts.stdin)] : []),
    isTTY: false,
    env: opts.env ?? {},
    cwd: opts.cwd,
  });
  return { code, stdout, stderr };
}
