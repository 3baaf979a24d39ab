import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { saveCommand } from "../src/commands/save.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

/** A dockerd to check archives against: DOCKER_HOST (or the default socket) answering `docker version`. */
function dockerAvailable(): boolean {
  const probe = spawnSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8", env: { ...process.env, DOCKER_HOST: dockerHost() } });
  return probe.status === 0;
}

function dockerHost(): string {
  return process.env.DOCKER_HOST ?? (existsSync("/tmp/d.sock") ? "unix:///tmp/d.sock" : "unix:///var/run/docker.sock");
}

function docker(args: string[]) {
  return spawnSync("docker", args, { encoding: "utf8", env: { ...process.env, DOCKER_HOST: dockerHost(), DOCKER_BUILDKIT: "0" } });
}

describe("tsbuild save", () => {
  it("writes a docker save archive to -o, and nothing at all when it fails", async () => {
    const root = tempDir();
    await seed(root);
    const out = join(tempDir(), "app.tar");
    expect(await run(saveCommand, ["-o", out, "app:1"], { root })).toEqual({ code: 0, stdout: "", stderr: "" });
    const listing = spawnSync("tar", ["tf", out], { encoding: "utf8" }).stdout.split("\n");
    expect(listing).toContain("manifest.json");
    expect(listing).toContain("repositories");
    expect(listing.filter((l) => l.endsWith("/layer.tar"))).toHaveLength(2);

    const dir = tempDir();
    expect(await run(saveCommand, ["-o", join(dir, "x.tar"), "app:1", "nosuch"], { root })).toEqual({ code: 1, stdout: "", stderr: "Error: No such image: nosuch\n" });
    expect(readdirSync(dir)).toEqual([]);
    expect((await run(saveCommand, ["-o", join(dir, "x.tar")], { root })).stderr).toMatch(/requires at least 1 argument/);
  });

  it("is accepted by the real docker load (skipped without a reachable dockerd)", async (ctx) => {
    if (!dockerAvailable()) {
      console.log(`SKIPPED: no dockerd answers at ${dockerHost()}; the save archive was not checked with docker load`);
      ctx.skip();
      return;
    }
    const root = tempDir();
    const { app } = await seed(root);
    const tag = `cli-save-probe/app:${process.pid}`;
    const { tagCommand } = await import("../src/commands/tag.js");
    await run(tagCommand, ["app:1", tag], { root });
    const out = join(tempDir(), "app.tar");
    expect((await run(saveCommand, ["-o", out, tag], { root })).code).toBe(0);
    try {
      const load = docker(["load", "-i", out]);
      expect(load.stderr).toBe("");
      expect(load.stdout).toContain(`Loaded image: ${tag}`);
      const inspect = docker(["image", "inspect", "-f", "{{.Id}} {{json .RootFS.Layers}}", tag]);
      const [id, layers] = inspect.stdout.trim().split(" ");
      expect(id).toBe(app);
      const config = JSON.parse(readFileSync(join(root, "image/overlay2/imagedb/content/sha256", app.slice(7)), "utf8"));
      expect(JSON.parse(layers)).toEqual(config.rootfs.diff_ids);
    } finally {
      docker(["rmi", tag]);
    }
  });
});
