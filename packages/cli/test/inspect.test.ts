import { describe, expect, it } from "vitest";
import { inspectCommand } from "../src/commands/inspect.js";
import { run, tempDir } from "./helpers/run.js";
import { seed } from "./helpers/seed.js";

describe("tsbuild inspect", () => {
  it("prints Docker's ImageInspect JSON, indented by 4, in a list", async () => {
    const root = tempDir();
    const { app, step } = await seed(root);
    const r = await run(inspectCommand, ["app:1"], { root });
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('[\n    {\n        "Id": "' + app + '",\n        "RepoTags": [\n            "app:1"\n        ],\n        "RepoDigests": [],\n')).toBe(true);
    const [v] = JSON.parse(r.stdout);
    expect(Object.keys(v)).toEqual([
      "Id", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Container", "ContainerConfig", "DockerVersion",
      "Author", "Config", "Architecture", "Os", "Size", "VirtualSize", "GraphDriver", "RootFS", "Metadata",
    ]);
    expect(v.Parent).toBe(step);
    expect(v.Config.Cmd).toEqual(["sh", "-c", "cat /hello.txt > /dev/null && sh"]);
    expect(v.Size).toBe(1984260 + 12);
    expect(v.GraphDriver.Name).toBe("overlay2");
    expect(Object.keys(v.GraphDriver.Data)).toEqual(["LowerDir", "MergedDir", "UpperDir", "WorkDir"]);
    expect(v.RootFS.Type).toBe("layers");
    expect(v.RootFS.Layers).toHaveLength(2);
    expect(v.Metadata.LastTagTime).toMatch(/^\d{4}-/);
  });

  it("escapes <, > and & as Docker's JSON does; --format renders a template per image", async () => {
    const root = tempDir();
    const { app } = await seed(root);
    expect((await run(inspectCommand, ["app:1"], { root })).stdout).toContain('"cat /hello.txt \\u003e /dev/null \\u0026\\u0026 sh"');
    expect((await run(inspectCommand, ["-f", "{{.Id}} {{json .Config.Entrypoint}} {{.Os}}", "app:1", "busybox:1"], { root })).stdout.split("\n")[0]).toBe(`${app} null linux`);
  });

  it("unknown images: the found ones are printed, each missing one reported, exit 1", async () => {
    const root = tempDir();
    await seed(root);
    const r = await run(inspectCommand, ["app:1", "nosuch"], { root });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    expect(r.stderr).toBe("Error: No such image: nosuch:latest\n");
    expect(await run(inspectCommand, ["nosuch"], { root })).toEqual({ code: 1, stdout: "[]\n", stderr: "Error: No such image: nosuch:latest\n" });
  });
});
