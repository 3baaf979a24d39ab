import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dist = join(import.meta.dirname, "../dist/index.js");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A lock directory as the store makes one: its owner file names the holder's token. */
function lockDir(token: string): string {
  const root = mkdtempSync(join(tmpdir(), "tsbuild-guard-"));
  dirs.push(root);
  const lock = join(root, "tsbuild.lock");
  mkdirSync(lock);
  writeFileSync(join(lock, "owner.json"), JSON.stringify({ token }));
  return lock;
}

/** Runs an ES module snippet in its own node process against the built package. */
function node(script: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", `import * as guard from ${JSON.stringify(dist)};\n${script}`]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const threads = `(await import("node:fs")).readFileSync("/proc/self/status", "utf8").match(/^Threads:\\s+(\\d+)/m)[1]`;

describe("the guard thread", () => {
  it("needs the built package (pnpm tsc -b)", () => {
    expect(existsSync(dist), `${dist} is missing: run pnpm tsc -b before the tests`).toBe(true);
  });

  it("is one thread for the lock refresher and the watchdog, started on first use", async () => {
    const lock = lockDir("t1");
    const r = await node(`const before = ${threads};
const idle = guard.guardStarted();
guard.refreshLock(${JSON.stringify(lock)}, "t1", 200);
const withRefresher = ${threads};
guard.armWatchdog(600_000, "never").disarm();
console.log(idle, withRefresher - before, ${threads} - withRefresher, guard.guardStarted());`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("false 1 0 true\n");
  });

  it("keeps a held lock fresh while the main thread is busy, and says when it stops naming its holder", async () => {
    const lock = lockDir("t2");
    const old = new Date(Date.now() - 60_000);
    const r = await node(`const fs = await import("node:fs");
fs.utimesSync(${JSON.stringify(lock)}, new Date(${old.getTime()}), new Date(${old.getTime()}));
guard.refreshLock(${JSON.stringify(lock)}, "t2", 100);
const until = Date.now() + 1000;
while (Date.now() < until);
console.log(Date.now() - fs.statSync(${JSON.stringify(lock)}).mtimeMs < 5000);
fs.writeFileSync(${JSON.stringify(join(lock, "owner.json"))}, JSON.stringify({ token: "someone else" }));
await new Promise((r) => setTimeout(r, 600));
console.log(guard.stopRefreshingLock(${JSON.stringify(lock)}));`);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("true\nthe lock now names another holder\n");
  });

  it("a fired watchdog removes the locks the process holds, then kills it", async () => {
    const lock = lockDir("t3");
    const r = await node(`guard.heldLocks.set(${JSON.stringify(lock)}, "t3");
guard.refreshLock(${JSON.stringify(lock)}, "t3", 100);
guard.armWatchdog(300, "step 3 was stopped");
for (;;);`);
    expect(r.signal).toBe("SIGKILL");
    expect(r.stderr).toBe("step 3 was stopped\n");
    expect(existsSync(lock)).toBe(false);
    expect(statSync(join(lock, "..")).isDirectory()).toBe(true);
  });
});
