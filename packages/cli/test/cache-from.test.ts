import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openStore } from "@tsbuild/store";
import { buildCommand } from "../src/commands/build.js";
import { importCommand } from "../src/commands/import.js";
import { pullCommand } from "../src/commands/pull.js";
import { pushCommand } from "../src/commands/push.js";
import { haveRegistry, runWith, startRegistry } from "./helpers/registry.js";
import { busyboxTar, tempDir } from "./helpers/run.js";

if (!haveRegistry) console.warn("\n*** SKIPPED: /usr/bin/docker-registry is not installed: the --cache-from fleet test did not run ***\n");

/**
 * How a CI fleet shares a build cache: one machine builds and pushes, another pulls the image and
 * builds with `--cache-from` it. Two store roots stand for the two machines, a real registry
 * between them.
 */
describe.skipIf(!haveRegistry)("build --cache-from across two store roots through a registry", () => {
  let host: string;
  let cwd: string;
  const env = { TSBUILD_OFFLINE: "0" };

  beforeAll(async () => {
    host = await startRegistry();
    cwd = tempDir();
  });

  it("the second machine's build takes every step from the pulled image, and its image ID is the first's", async () => {
    const ctx = tempDir();
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${host}/fleet/base:1\nENV A=1\nCOPY app.txt /app.txt\nRUN echo built > /built\nCMD ["/bin/sh"]\n`);
    writeFileSync(join(ctx, "app.txt"), "app\n");
    const first = tempDir();
    await runWith(importCommand, [busyboxTar, `${host}/fleet/base:1`], { root: first, cwd });
    expect((await runWith(pushCommand, [`${host}/fleet/base:1`], { root: first, cwd })).code).toBe(0);
    const built = await runWith(buildCommand, ["-t", `${host}/fleet/app:1`, ctx], { root: first, cwd, env });
    expect(built.code).toBe(0);
    expect((await runWith(pushCommand, [`${host}/fleet/app:1`], { root: first, cwd })).code).toBe(0);

    const second = tempDir();
    expect((await runWith(pullCommand, [`${host}/fleet/app:1`], { root: second, cwd, env })).code).toBe(0);
    const without = tempDir();
    expect((await runWith(pullCommand, [`${host}/fleet/app:1`], { root: without, cwd, env })).code).toBe(0);

    const cached = await runWith(buildCommand, ["--cache-from", `${host}/fleet/app:1`, "-t", "app:ci", ctx], { root: second, cwd, env });
    expect(cached.code, cached.stderr).toBe(0);
    expect(cached.stdout.match(/ ---> Using cache/g)).toHaveLength(4);
    expect(openStore(second).resolve("app:ci")).toBe(openStore(first).resolve(`${host}/fleet/app:1`));

    // Without --cache-from a pulled image has no intermediate images to match: every step runs.
    const cold = await runWith(buildCommand, ["-t", "app:ci", ctx], { root: without, cwd, env });
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.stdout).not.toContain("Using cache");
  });

  it("a changed file misses from that step on, as Docker's classic builder does", async () => {
    const ctx = tempDir();
    writeFileSync(join(ctx, "Dockerfile"), `FROM ${host}/fleet/base2:1\nENV A=1\nCOPY app.txt /app.txt\nRUN echo built > /built\n`);
    writeFileSync(join(ctx, "app.txt"), "app\n");
    const first = tempDir();
    await runWith(importCommand, [busyboxTar, `${host}/fleet/base2:1`], { root: first, cwd });
    await runWith(pushCommand, [`${host}/fleet/base2:1`], { root: first, cwd });
    expect((await runWith(buildCommand, ["-t", `${host}/fleet/app2:1`, ctx], { root: first, cwd, env })).code).toBe(0);
    await runWith(pushCommand, [`${host}/fleet/app2:1`], { root: first, cwd });

    const second = tempDir();
    await runWith(pullCommand, [`${host}/fleet/app2:1`], { root: second, cwd, env });
    writeFileSync(join(ctx, "app.txt"), "changed\n");
    const r = await runWith(buildCommand, ["--cache-from", `${host}/fleet/app2:1`, ctx], { root: second, cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/ ---> Using cache/g)).toHaveLength(1);
  });
});
