import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dist = join(import.meta.dirname, "../dist/index.js");

/** Runs an ES module snippet in its own node process against the built shell package. */
function node(script: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", `import * as shell from ${JSON.stringify(dist)};\n${script}`]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

// Issue 17: --run-timeout did not stop JavaScript that never yields and never checks the deadline.
describe("the step watchdog", () => {
  it("needs the built shell (pnpm tsc -b)", () => {
    expect(existsSync(dist), `${dist} is missing: run pnpm tsc -b before the tests`).toBe(true);
  });

  it("kills a process whose main thread is stuck, after printing the step's failure", async () => {
    // The loop would run for 10 minutes: only the watchdog can end it.
    const r = await node(`shell.armWatchdog(300, "step 2 was stopped");
const until = Date.now() + 600_000;
while (Date.now() < until);
console.log("not stopped");`);
    expect(r.signal).toBe("SIGKILL");
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("step 2 was stopped\n");
  }, 120_000);

  it("does nothing once disarmed, however long the process stays busy afterwards", async () => {
    const r = await node(`const w = shell.armWatchdog(300, "must not be printed");
w.disarm();
const until = Date.now() + 1500;
while (Date.now() < until);
console.log("finished");`);
    expect(r.stderr).toBe("");
    expect([r.code, r.stdout]).toEqual([0, "finished\n"]);
  }, 120_000);

  it("does not keep an idle process alive", async () => {
    const r = await node(`shell.armWatchdog(600_000, "never"); console.log("done");`);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "done\n", ""]);
  }, 120_000);
});
