import type { Fetcher } from "@tsbuild/fetch";
import type { SimCommandContext } from "../../sim-types.js";
import { mkdirp } from "../../util/fsutil.js";

const EXEC_DIR = "/lib/apk/exec";

/**
 * apk_ipkg_run_script: the script is written to /lib/apk/exec/<pkg>-<ver>.<type>, executed with
 * `<type> ARGS` and removed. tsbuild runs it through its own shell; a script it cannot run (not a
 * shell script, or a program the shell does not know) is reported to `notRun`, never skipped silently.
 */
export async function runApkScript(
  ctx: SimCommandContext, fetcher: Fetcher | undefined, pkgVer: string, type: string, body: Buffer, args: string[], notRun: string[], quiet = false,
): Promise<void> {
  const fs = ctx.fs;
  const file = `${pkgVer}.${type}`;
  if (!quiet) ctx.stdout(`Executing ${file}\n`);
  mkdirp(fs, EXEC_DIR);
  const path = `${EXEC_DIR}/${file}`;
  fs.writeFile(path, body, { mode: 0o755, owner: { uid: 0, gid: 0 } });
  try {
    const shebang = /^#!\s*(\S+)/.exec(body.toString("latin1", 0, 128))?.[1] ?? "/bin/sh";
    if (!/\/(ba|da|a)?sh$/.test(shebang)) {
      notRun.push(`${file} (its interpreter ${shebang} is not a shell tsbuild runs)`);
      return;
    }
    const [{ runCommand }, { simulatedBinariesWith }] = await Promise.all([import("@tsbuild/shell"), import("../../binaries.js")]);
    let stderr = "";
    const r = await runCommand(fs, {
      // apk_db_run_script's whole environment
      argv: ["/bin/sh", path, ...args], config: { Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], WorkingDir: "/", User: "" },
      stdout: (s) => ctx.stdout(s), stderr: (s) => { stderr += s; ctx.stderr(s); },
      binaries: simulatedBinariesWith(fetcher ? { fetcher } : {}), now: ctx.now,
    });
    if (r.exitCode !== 0) notRun.push(`${file} (exit ${r.exitCode} in tsbuild's shell: ${(r.error ?? stderr).trim().split("\n")[0] ?? ""})`);
  } finally {
    fs.unlink(path);
  }
}
