import { describe, expect, it } from "vitest";
import { openStore } from "@tsbuild/store";
import { rmiCommand } from "../src/commands/rmi.js";
import { tagCommand } from "../src/commands/tag.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

describe("tsbuild rmi", () => {
  it("untags a second tag only", async () => {
    const root = tempDir();
    await seed(root);
    await run(tagCommand, ["app:1", "app:2"], { root });
    expect(await run(rmiCommand, ["app:2"], { root })).toEqual({ code: 0, stdout: "Untagged: app:2\n", stderr: "" });
  });

  it("removes an image, its untagged parents and their layers, but not the tagged base", async () => {
    const root = tempDir();
    const { base, step, app } = await seed(root);
    const layer = (await openStore(root).getImage(app)!.layers())[1].chainID;
    const r = await run(rmiCommand, ["app:1"], { root });
    expect(r.stdout).toBe(`Untagged: app:1\nDeleted: ${app}\nDeleted: ${step}\nDeleted: ${layer}\n`);
    const store = openStore(root);
    expect(store.listImages()).toEqual([base]);
    expect(await store.fsck()).toEqual([]);
  });

  it("reports each failure and goes on with the rest; exit 1", async () => {
    const root = tempDir();
    const { base } = await seed(root);
    const r = await run(rmiCommand, ["nosuch", base.slice(7, 19), "busybox:1"], { root });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("Untagged: busybox:1\n");
    expect(r.stderr).toBe(
      `Error: No such image: nosuch:latest\nconflict: unable to delete ${base.slice(7, 19)} (cannot be forced) - image has dependent child images\n`,
    );
  });

  it("-f removes an image tagged in several repositories; --no-prune keeps parents", async () => {
    const root = tempDir();
    const { step, app } = await seed(root);
    await run(tagCommand, ["app:1", "other:1"], { root });
    expect((await run(rmiCommand, [app.slice(7, 19)], { root })).stderr).toMatch(/\(must be forced\) - image is referenced in multiple repositories/);
    const r = await run(rmiCommand, ["-f", "--no-prune", app.slice(7, 19)], { root });
    expect(r.stdout).toBe(`Untagged: app:1\nUntagged: other:1\nDeleted: ${app}\n`);
    expect(openStore(root).getImage(step)).toBeDefined();
  });
});
