import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BuildContext } from "@tsbuild/context";
import { build } from "@tsbuild/builder";
import { openStore } from "@tsbuild/store";
import { contextDir } from "./helpers.js";

const dist = (pkg: string) => JSON.stringify(join(import.meta.dirname, `../../${pkg}/dist/index.js`));

/** Runs an ES module snippet in its own node process. */
function runModule(script: string): Promise<{ signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (_code, signal) => resolve({ signal, stdout, stderr }));
  });
}

/** A build in its own process whose RUN calls a model that never yields (as a stuck applet would). */
function stuckBuild(root: string, dir: string): Promise<{ signal: string | null; stdout: string; stderr: string }> {
  const script = `import { build } from ${dist("builder")};
import { openStore } from ${dist("store")};
import { BuildContext } from ${dist("context")};
const spin = { program: "spin", override: true, match() { for (;;); } };
await build({
  store: openStore(${JSON.stringify(root)}),
  context: await BuildContext.fromDirectory(${JSON.stringify(dir)}),
  models: [spin],
  runLimits: { timeoutMs: 300, watchdog: true },
  output: (s) => process.stdout.write(s),
});
console.log("build ended");`;
  return runModule(script);
}

// Issue 17: --run-timeout did not stop a step stuck in JavaScript that never checks the deadline.
describe("a RUN stuck in synchronous JavaScript, with the watchdog", () => {
  it("is stopped with Docker's failure line; the lock is released and the store stays usable", async () => {
    const root = contextDir({});
    const dir = contextDir({ Dockerfile: "FROM busybox\nRUN echo before > /f\nRUN spin\n" });
    const r = await stuckBuild(root, dir);
    expect(r.stdout).toContain("Step 3/3 : RUN spin");
    expect(r.stdout).not.toContain("build ended");
    expect(r.signal).toBe("SIGKILL");
    expect(r.stderr).toBe(
      "The command '/bin/sh -c spin' returned a non-zero code: 137: the command ran longer than the step's time limit (300 ms)" +
        " and was stopped (it did not stop by itself within 2 s more: tsbuild was killed)\n",
    );
    expect(existsSync(join(root, "tsbuild.lock"))).toBe(false);

    // The next command on the root cleans what the kill left and finds nothing damaged.
    const store = openStore(root);
    expect(await store.fsck()).toEqual([]);
    const next = await build({ store, context: await BuildContext.fromDirectory(contextDir({ Dockerfile: "FROM busybox\nRUN echo before > /f\nRUN echo after\n" })), output: () => {} });
    expect(store.getImage(next.imageId)).toBeDefined();
    const tmp = join(root, "image/overlay2/layerdb/tmp");
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
  }, 120_000);
});

/** Builds in its own process and prints whether the guard thread (lock refresher, watchdog) was started. */
function guardStartedBy(root: string, dir: string): Promise<{ stdout: string; stderr: string }> {
  const script = `import { build } from ${dist("builder")};
import { openStore } from ${dist("store")};
import { BuildContext } from ${dist("context")};
import { guardStarted } from ${dist("guard")};
await build({
  store: openStore(${JSON.stringify(root)}),
  context: await BuildContext.fromDirectory(${JSON.stringify(dir)}),
  runLimits: { watchdog: true },
  output: () => {},
});
console.log(guardStarted());`;
  return runModule(script);
}

// Issue 16: the lock's refresher thread was a sixth of a cached CLI build.
describe("the guard thread", () => {
  it("is started by a build that runs a step, and not by one whose every step is a cache hit", async () => {
    const root = contextDir({});
    const dir = contextDir({ Dockerfile: "FROM busybox\nWORKDIR /app\nCOPY a .\nRUN echo x > /f\nCMD x\n", a: "1" });
    const cold = await guardStartedBy(root, dir);
    const cached = await guardStartedBy(root, dir);
    expect(cold.stderr + cached.stderr).toBe("");
    expect([cold.stdout, cached.stdout]).toEqual(["true\n", "false\n"]);
  }, 120_000);
});
