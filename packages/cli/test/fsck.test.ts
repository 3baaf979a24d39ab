import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fsckCommand } from "../src/commands/fsck.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

describe("tsbuild fsck", () => {
  it("is silent with exit 0 on a healthy store", async () => {
    const root = tempDir();
    await seed(root);
    expect(await run(fsckCommand, [], { root })).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("prints each problem and exits 1", async () => {
    const root = tempDir();
    const { store, app } = await seed(root);
    const [, layer] = await store.getImage(app)!.layers();
    writeFileSync(join(root, "overlay2", layer.cacheID, "diff/hello.txt"), "HELLO WORLD\n");
    writeFileSync(join(root, "image/overlay2/imagedb/content/sha256", app.slice(7)), "{}");
    const r = await run(fsckCommand, [], { root });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines, r.stdout).toHaveLength(3);
    expect(lines[0]).toBe(`layer ${layer.chainID}: cannot be rebuilt from diff/ and tar-split: file integrity checksum failed for "hello.txt"`);
    expect(lines[1]).toMatch(new RegExp(`^image ${app}: config hashes to sha256:`));
    expect(lines[2]).toMatch(/parent image sha256:[a-f0-9]{64} has layers that are not the start of its own$/);
  });
});
