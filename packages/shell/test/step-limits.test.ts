import { describe, expect, it } from "vitest";
import { baseFs, freshRun, runStep } from "./helpers.js";

// Issue 17: just-bash's time limit is a timer, which never fires while one command's JavaScript
// runs without yielding; these loops must still stop at the step's limit.
describe("the step's time limit stops synchronous loops", () => {
  const limits = { timeoutMs: 300, maxCommands: Number.MAX_SAFE_INTEGER };

  it("a sed branch loop that grows its pattern space", async () => {
    const r = await freshRun(`echo a | sed ":a;s/a/aa/;ba"`, { limits });
    expect(r.timedOut).toBe(true);
    expect(r.error).toMatch(/time limit \(300 ms\)/);
  });

  it("an awk while loop", async () => {
    const r = await freshRun(`awk 'BEGIN { while (1) x++ }'`, { limits });
    expect(r.timedOut).toBe(true);
  });

  it("the commands after the stopped one do not run", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, `echo a | sed ":a;s/a/aa/;ba"; touch /after`, { limits });
    expect(r.timedOut).toBe(true);
    expect(fs.exists("/after")).toBe(false);
  });

  it("a step within its limit is not affected by the previous step's expiry", async () => {
    const fs = await baseFs();
    await runStep(fs, `awk 'BEGIN { while (1) x++ }'`, { limits });
    const r = await runStep(fs, "echo ok", { limits: { timeoutMs: 60_000 } });
    expect(r).toMatchObject({ exitCode: 0, stdout: "ok\n" });
    expect(r.timedOut).toBeUndefined();
  });
});

// Issue 17: a RUN script over 1 MB failed inside just-bash's parser. Docker's exec refuses a
// single argument of 128 KiB or more (MAX_ARG_STRLEN); recorded from Docker 20.10 (classic):
// "exec /bin/sh: argument list too long", status 1.
describe("the container's exec limits", () => {
  it("a shell-form script of 128 KiB or more fails as the kernel's execve does", async () => {
    const r = await freshRun(`true && echo ${"x".repeat(200_000)} > /dev/null`);
    expect(r).toMatchObject({ exitCode: 1, stderr: "exec /bin/sh: argument list too long\n" });
  });

  it("a script just under the limit runs", async () => {
    const r = await freshRun(`echo ${"x".repeat(100_000)} | wc -c`);
    expect(r).toMatchObject({ exitCode: 0, stdout: "100001\n" });
  });
});

describe("awk's own loop limit", () => {
  it("is named in the step's error", async () => {
    const r = await freshRun(`awk 'BEGIN { while (1) x++ }'`, { limits: { maxCommands: 1000 } });
    expect(r.error).toBe("the command was stopped by a step limit: awk: while loop exceeded maximum iterations (1000)");
  });
});
