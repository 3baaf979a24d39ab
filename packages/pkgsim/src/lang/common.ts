import type { Fetcher } from "@tsbuild/fetch";
import type { FileSystem } from "@tsbuild/fs-snapshot";
import type { SimCommandContext } from "../sim-types.js";

export function isElf(fs: FileSystem, path: string): boolean {
  try {
    const real = fs.realpath(path);
    if (fs.stat(real).type !== "file") return false;
    const h = fs.readFile(real).subarray(0, 4);
    return h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46;
  } catch {
    return false;
  }
}

/** The file a path leads to (symlinks followed), or undefined. */
export function resolveReal(fs: FileSystem, path: string): string | undefined {
  try {
    const real = fs.realpath(path);
    return fs.stat(real).type === "file" ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `sh -c SCRIPT` through tsbuild's shell, as a package manager runs a lifecycle script, as
 * the calling user, in `cwd`. A foreground script's output is the command's; a background one's
 * only when it fails.
 */
export async function runShellScript(
  ctx: SimCommandContext, fetcher: () => Fetcher, cwd: string, script: string, env: Record<string, string>, foreground = true,
): Promise<{ code: number; stderr: string }> {
  const [{ runCommand }, { simulatedBinariesWith }] = await Promise.all([import("@tsbuild/shell"), import("../binaries.js")]);
  let stderr = "";
  let stdout = "";
  const r = await runCommand(ctx.fs, {
    argv: ["/bin/sh", "-c", script],
    config: { Env: Object.entries(env).map(([k, v]) => `${k}=${v}`), WorkingDir: cwd, User: `${ctx.owner.uid}:${ctx.owner.gid}` },
    stdout: (s) => void (foreground ? ctx.stdout(s) : (stdout += s)), stderr: (s) => void (stderr += s),
    binaries: simulatedBinariesWith({ fetcher: fetcher() }), now: ctx.now,
  });
  // a script that could not run (127: a program tsbuild cannot run) is the caller's to name; other output is the command's
  // a background script's output shows only when it failed
  if (!foreground && r.exitCode !== 0 && r.exitCode !== 127) ctx.stdout(stdout);
  if (r.exitCode !== 127 && (foreground || r.exitCode !== 0)) ctx.stderr(stderr);
  return { code: r.exitCode, stderr: r.error ?? stderr };
}
