import { describe, expect, it } from "vitest";
import type { SimCommandContext } from "@tsbuild/shell";
import { baseFs, freshRun } from "./helpers.js";

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(60)]);

/**
 * RUN output is the container's stdout and stderr as written: what a statement printed reaches
 * RunSpec.stdout/stderr before the next statement runs. A simulated program ("busy") stands for
 * the slow part and records what had been shown when it ran; no timings are involved.
 */
async function events(cmd: string | string[]): Promise<{ log: string[]; exitCode: number }> {
  const fs = await baseFs();
  fs.writeFile("/usr/bin/busy", ELF, { mode: 0o755 });
  const log: string[] = [];
  const binaries = {
    "/usr/bin/busy": async (ctx: SimCommandContext) => {
      log.push("<busy ran>");
      ctx.stdout("busy-out\n");
      return 0;
    },
  };
  fs.beginStep();
  const { runCommand } = await import("@tsbuild/shell");
  const r = await runCommand(fs, {
    argv: Array.isArray(cmd) ? cmd : ["/bin/sh", "-c", cmd],
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], WorkingDir: "/", User: "" },
    binaries,
    stdout: (s) => log.push(`out:${s}`),
    stderr: (s) => log.push(`err:${s}`),
  });
  fs.abortStep();
  return { log, exitCode: r.exitCode };
}

describe("RUN output streams while the step runs", () => {
  it("shows what each statement wrote, stdout and stderr in write order, before a later slow program runs", async () => {
    const { log, exitCode } = await events("echo one; echo two >&2; echo three; busy; echo four >&2");
    expect(exitCode).toBe(0);
    expect(log).toEqual(["out:one\n", "err:two\n", "out:three\n", "<busy ran>", "out:busy-out\n", "err:four\n"]);
  });

  it("shows a loop's output before the busy program that follows it", async () => {
    const { log } = await events("for i in 1 2; do echo out$i; done; busy; echo done");
    expect(log.indexOf("<busy ran>")).toBeGreaterThan(log.indexOf("out:out1\nout2\n"));
    expect(log.at(-1)).toBe("out:done\n");
  });

  it("keeps output that is piped, redirected or substituted out of the stream", async () => {
    const r = await freshRun("x=$(echo sub); echo a | tr a b; { echo c; echo d >&2; } >/tmp/f 2>/tmp/g; echo $x; cat /tmp/f /tmp/g");
    expect(r.stdout).toBe("b\nsub\nc\nd\n");
    expect(r.stderr).toBe("");
  });

  it("streams a failing `set -e` script up to the failure, and the failure's own output after it", async () => {
    const { log, exitCode } = await events("set -e; echo before; busy; ls /nope; echo never");
    expect(exitCode).toBe(1);
    expect(log).toEqual(["out:before\n", "<busy ran>", "out:busy-out\n", "err:ls: /nope: No such file or directory\n"]);
  });

  it("streams the script of an exec-form shell, and an EXIT trap's output comes last", async () => {
    const { log } = await events(["sh", "-c", "trap 'echo bye' EXIT; echo hi; busy"]);
    expect(log).toEqual(["out:hi\n", "<busy ran>", "out:busy-out\n", "out:bye\n"]);
  });

  it("does not stream a shell started by another program: that program's output comes first", async () => {
    const { log } = await events(["env", "sh", "-c", "echo inner; busy"]);
    expect(log).toEqual(["<busy ran>", "out:inner\nbusy-out\n"]);
  });
});
