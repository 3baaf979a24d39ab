import { describe, expect, it } from "vitest";
import { BuildContext } from "@tsbuild/context";
import { classify } from "../src/context.js";

async function contextOf(files: Parameters<typeof BuildContext.fromFiles>[0], dockerfile: { path: string } | { text: string } = { path: "Dockerfile" }) {
  const ctx = BuildContext.fromFiles(files, { dockerfile, mtime: 0 });
  return { ctx, dockerfileName: ctx.dockerfilePath };
}

const fromFiles = (files: Parameters<typeof BuildContext.fromFiles>[0], dockerfile: { path: string } | { text: string }, mtime: number) =>
  BuildContext.fromFiles(files, { dockerfile, mtime });

describe("BuildContext.fromFiles (an in-memory context, as the CLI would send it)", () => {
  it("lays the files out as the CLI walks a directory: implied parents, byte order, parents first", async () => {
    const { ctx } = await contextOf({ Dockerfile: "FROM x\n", "b/z.txt": "z", "B.txt": "B", "b/a/deep.txt": "d", "a.txt": "a" });
    expect(ctx.entries().map((e) => [e.path, e.type, e.mode])).toEqual([
      ["B.txt", "file", 0o644],
      ["Dockerfile", "file", 0o644],
      ["a.txt", "file", 0o644],
      ["b", "dir", 0o755],
      ["b/a", "dir", 0o755],
      ["b/a/deep.txt", "file", 0o644],
      ["b/z.txt", "file", 0o644],
    ]);
    expect(ctx.dockerfileText()).toBe("FROM x\n");
  });

  it("keeps modes, symlinks, directories and bytes as given", async () => {
    const { ctx } = await contextOf({
      Dockerfile: "FROM x\n",
      "run.sh": { content: "#!/bin/sh\n", mode: 0o755 },
      "bin.dat": Buffer.from([0, 1, 2]),
      link: { symlink: "run.sh" },
      empty: { directory: true, mode: 0o700 },
    });
    expect(ctx.get("run.sh")?.mode).toBe(0o755);
    expect([...ctx.get("bin.dat")!.data()]).toEqual([0, 1, 2]);
    expect(ctx.get("link")).toMatchObject({ type: "symlink", linkname: "run.sh" });
    expect(ctx.get("empty")).toMatchObject({ type: "dir", mode: 0o700 });
  });

  it("leaves out what .dockerignore names, but always sends the Dockerfile and .dockerignore", async () => {
    const { ctx } = await contextOf({
      Dockerfile: "FROM x\n",
      ".dockerignore": "*.log\nnode_modules\n!node_modules/keep.js\n",
      "a.log": "x",
      "node_modules/dep.js": "x",
      "node_modules/keep.js": "x",
      "src/app.js": "x",
    });
    expect(ctx.entries().map((e) => e.path)).toEqual([".dockerignore", "Dockerfile", "node_modules", "node_modules/keep.js", "src", "src/app.js"]);
    // An ignored directory kept for an exception below it has no entry of its own: Docker hashes its path.
    expect(ctx.get("node_modules")?.hash).toBe("node_modules");
  });

  it("adds Dockerfile text as `docker build -f -` does, under a name derived from the text", async () => {
    const one = await contextOf({ "a.txt": "a" }, { text: "FROM x\n" });
    const two = await contextOf({ "a.txt": "a" }, { text: "FROM x\n" });
    expect(one.dockerfileName).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
    expect(two.dockerfileName).toBe(one.dockerfileName);
    expect(one.ctx.dockerfileText()).toBe("FROM x\n");
    // .dockerignore lists both, so the daemon drops them from the context.
    expect(one.ctx.entries().map((e) => e.path)).toEqual(["a.txt"]);
  });

  it("refuses paths that leave the context, and a file with paths under it", () => {
    expect(() => fromFiles({ "/etc/passwd": "x" }, { path: "Dockerfile" }, 0)).toThrow('context file path "/etc/passwd" must be relative and inside the context');
    expect(() => fromFiles({ "a/../../b": "x" }, { path: "Dockerfile" }, 0)).toThrow("must be relative and inside the context");
    expect(() => fromFiles({ a: "x", "a/b": "y" }, { path: "Dockerfile" }, 0)).toThrow('context file "a" is not a directory, but "a/b" is under it');
  });
});

describe("classify (a bare Dockerfile string)", () => {
  const exists = (p: string) => p === "Dockerfile.dev";
  it("is text with a line break or a blank, a path otherwise", () => {
    expect(classify(undefined, exists)).toEqual({ path: "Dockerfile" });
    expect(classify("FROM busybox\nRUN true", exists)).toEqual({ text: "FROM busybox\nRUN true" });
    expect(classify("FROM busybox", exists)).toEqual({ text: "FROM busybox" });
    expect(classify("Dockerfile.dev", exists)).toEqual({ path: "Dockerfile.dev" });
    expect(classify("Dockerfile.missing", exists)).toEqual({ path: "Dockerfile.missing" });
    expect(classify({ text: "Dockerfile.dev" }, exists)).toEqual({ text: "Dockerfile.dev" });
  });
});
