import { describe, expect, it } from "vitest";
import { openStore } from "@tsbuild/store";
import { tagCommand } from "../src/commands/tag.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

describe("tsbuild tag", () => {
  it("tags by name or ID prefix, silently, defaulting to :latest", async () => {
    const root = tempDir();
    const { app } = await seed(root);
    expect(await run(tagCommand, ["app:1", "me/app"], { root })).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await run(tagCommand, [app.slice(7, 15), "registry.local:5000/app:v2"], { root })).toMatchObject({ code: 0 });
    expect(openStore(root).tagsOf(app)).toEqual(["app:1", "me/app:latest", "registry.local:5000/app:v2"]);
  });

  it("refuses a bad target, an unknown source, a wrong argument count", async () => {
    const root = tempDir();
    await seed(root);
    expect((await run(tagCommand, ["app:1", "BAD"], { root })).stderr).toBe(
      'Error: Error parsing reference: "BAD" is not a valid repository/tag: invalid reference format: repository name must be lowercase\n',
    );
    expect(await run(tagCommand, ["nosuch", "x"], { root })).toEqual({ code: 1, stdout: "", stderr: "Error: No such image: nosuch:latest\n" });
    expect((await run(tagCommand, ["app:1"], { root })).stderr).toMatch(/"tsbuild tag" requires exactly 2 arguments/);
  });
});
