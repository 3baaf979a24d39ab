import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BuildContext, ContextError } from "@tsbuild/context";
import { rawTar, removeTempDirs, tempDir, writeTree } from "./helpers.js";

afterAll(removeTempDirs);

const FROM = "FROM scratch\nCOPY . /x/\n";

describe("finding the Dockerfile", () => {
  test("default name, then the lowercase fallback", async () => {
    const upper = await BuildContext.fromDirectory(writeTree(path.join(tempDir(), "u"), { Dockerfile: FROM }));
    expect(upper.dockerfilePath).toBe("Dockerfile");
    expect(upper.dockerfileText()).toBe(FROM);

    const lower = await BuildContext.fromDirectory(writeTree(path.join(tempDir(), "l"), { dockerfile: FROM }));
    expect(lower.dockerfilePath).toBe("dockerfile");

    const tar = await BuildContext.fromTar(rawTar([{ name: "dockerfile", data: FROM }]));
    expect(tar.dockerfilePath).toBe("dockerfile");
  });

  test("-f relative to the context, or absolute inside it", async () => {
    const dir = writeTree(path.join(tempDir(), "f"), { "build/app.Dockerfile": FROM, "a.txt": "a\n" });
    expect((await BuildContext.fromDirectory(dir, { dockerfile: "build/app.Dockerfile" })).dockerfilePath).toBe("build/app.Dockerfile");
    const abs = await BuildContext.fromDirectory(dir, { dockerfile: path.join(dir, "build/app.Dockerfile") });
    expect(abs.dockerfilePath).toBe("build/app.Dockerfile");
    expect(abs.get("build/app.Dockerfile")).toBeDefined();
    const tar = await BuildContext.fromTar(rawTar([{ name: "build/x", data: FROM }]), { dockerfile: "build/x" });
    expect(tar.dockerfileText()).toBe(FROM);
  });

  test("missing or empty Dockerfiles fail with Docker's words", async () => {
    const dir = writeTree(path.join(tempDir(), "m"), { "a.txt": "a\n", empty: "" });
    await expect(BuildContext.fromDirectory(dir)).rejects.toThrow(/unable to evaluate symlinks in Dockerfile path: lstat .*\/Dockerfile/);
    await expect(BuildContext.fromDirectory(dir, { dockerfile: "empty" })).rejects.toThrow("the Dockerfile (empty) cannot be empty");
    await expect(BuildContext.fromTar(rawTar([{ name: "a.txt", data: "a\n" }]))).rejects.toThrow(
      new ContextError("Cannot locate specified Dockerfile: Dockerfile"),
    );
    await expect(BuildContext.fromDirectory(path.join(dir, "nope"))).rejects.toThrow(/unable to prepare context: path ".*nope" not found/);
  });

  test("a symlinked Dockerfile is found through the link", async () => {
    const dir = writeTree(path.join(tempDir(), "s"), { "real/Dockerfile": FROM, Dockerfile: { link: "real/Dockerfile" } });
    const ctx = await BuildContext.fromDirectory(dir);
    expect(ctx.dockerfilePath).toBe("real/Dockerfile");
    expect(ctx.dockerfileText()).toBe(FROM);
  });

  test("a Dockerfile outside the context is not part of it (hash checked with dockerd)", async () => {
    const root = tempDir();
    writeTree(path.join(root, "ctx"), { "a.txt": "alpha\n" });
    writeTree(root, { "Dockerfile.out": FROM });
    const ctx = await BuildContext.fromDirectory(path.join(root, "ctx"), { dockerfile: "../Dockerfile.out" });
    expect(ctx.dockerfileText()).toBe(FROM);
    expect(ctx.entries().map((e) => e.path)).toEqual(["a.txt"]);
    expect(ctx.sourceHash(ctx.resolveSources(["."]))).toBe("dir:e96fe64b300444dec88c9ba0c6f047769f8ee0f9b08c1f14391b334fc39708e4");
  });

  test("a Dockerfile given as content (-f -) is listed in the kept .dockerignore, as the CLI does", async () => {
    const dir = writeTree(path.join(tempDir(), "stdin"), { "a.txt": "alpha\n", ".dockerignore": "*.log\n" });
    const ctx = await BuildContext.fromDirectory(dir, { dockerfileContent: FROM });
    expect(ctx.dockerfilePath).toBe("-");
    expect(ctx.dockerfileText()).toBe(FROM);
    expect(ctx.entries().map((e) => e.path)).toEqual([".dockerignore", "a.txt"]);
    expect(ctx.get(".dockerignore")!.data().toString()).toMatch(/^\*\.log\n\n\.dockerfile\.[0-9a-f]{20}\n$/);
  });
});
