import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "@tsbuild/store";
import { loadCommand } from "../src/commands/load.js";
import { saveCommand } from "../src/commands/save.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

describe("tsbuild load", () => {
  it("loads a save archive from -i or stdin and prints Docker's lines", async () => {
    const src = tempDir();
    const { app } = await seed(src);
    const archive = join(tempDir(), "a.tar");
    await run(saveCommand, ["-o", archive, "app:1", "busybox"], { root: src });

    const root = tempDir();
    expect(await run(loadCommand, ["-i", archive], { root })).toEqual({ code: 0, stdout: "Loaded image: app:1\nLoaded image: busybox:1\n", stderr: "" });
    expect(openStore(root).resolve("app:1")).toBe(app);
    const again = tempDir();
    const { readFileSync } = await import("node:fs");
    expect((await run(loadCommand, [], { root: again, stdin: readFileSync(archive) })).stdout).toBe("Loaded image: app:1\nLoaded image: busybox:1\n");
    expect(await openStore(again).fsck()).toEqual([]);
  });

  it("a missing file or a bad archive: exit 1, a clear error, nothing loaded", async () => {
    const root = tempDir();
    expect(await run(loadCommand, ["-i", "nope.tar"], { root })).toEqual({ code: 1, stdout: "", stderr: `Error: open ${join(root, "nope.tar")}: no such file or directory\n` });
    const bad = join(root, "bad.tar");
    writeFileSync(bad, "garbage".repeat(200));
    const r = await run(loadCommand, ["-i", bad], { root });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: cannot read the image archive: /);
    expect(openStore(root).listImages()).toEqual([]);
  });
});
