import { describe, expect, it } from "vitest";
import { baseFs, runStep } from "./helpers.js";

// Issue 17: just-bash's time limit is a timer, which never fires while one command's JavaScript
// runs without yielding; these loops must still stop at the step's limit.
describe("the step's time limit stops synchronous loops", () => {
  const limits = { timeoutMs: 300, maxCommands: Number.MAX_SAFE_INTEGER };

  it("a sed branch loop that grows its pattern space", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, `echo a | sed ":a;s/a/aa/;ba"`, { limits });
    expect(r.timedOut).toBe(true);
    expect(r.error).toMatch(/time limit \(300 ms\)/);
  });

  it("an awk while loop", async () => {
    const fs = await baseFs();
    const r = await runStep(fs, `awk 'BEGIN { while (1) x++ }'`, { limits });
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
