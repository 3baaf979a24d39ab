import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BuildContext, ContextError, containsWildcards, goMatch } from "@tsbuild/context";
import { prepareCase, removeTempDirs, tempDir, writeTree } from "./helpers.js";

afterAll(removeTempDirs);

const hashOf = (ctx: BuildContext, ...srcs: string[]) => ctx.sourceHash(ctx.resolveSources(srcs));

describe("Go's filepath.Match", () => {
  test.each([
    ["*.txt", "a.txt", true],
    ["*.txt", "d/a.txt", false],
    ["*/*.js", "web/a.js", true],
    ["web/js/*.js", "web/js/b.map", false],
    ["?ne.txt", "one.txt", true],
    ["?ne.txt", "/ne.txt", false],
    ["[a-c]x", "bx", true],
    ["[^a-c]x", "bx", false],
    ["[\\]]", "]", true],
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["a*b*c", "axxbyyc", true],
    ["a*", "a/b", false],
    ["docs*", "docs", true],
  ])("%s ~ %s → %s", (pattern, name, want) => {
    expect(goMatch(pattern, name)).toBe(want);
  });

  test("malformed patterns are errors even when an earlier part fails", () => {
    expect(() => goMatch("[", "a")).toThrow(/syntax error/);
    expect(() => goMatch("x[", "a")).toThrow(/syntax error/);
    expect(() => goMatch("a\\", "a")).toThrow(/syntax error/);
  });

  test("what counts as a wildcard source", () => {
    expect(containsWildcards("a*.txt")).toBe(true);
    expect(containsWildcards("a[1].txt")).toBe(true);
    expect(containsWildcards("a\\*.txt")).toBe(false);
    expect(containsWildcards("plain.txt")).toBe(false);
  });
});

describe("wildcard sources (c04)", () => {
  let ctx: BuildContext;
  beforeAll(async () => {
    ctx = await BuildContext.fromDirectory(prepareCase("c04-copy-globs"));
  });

  test("each match is a source, in walk order", () => {
    expect(ctx.resolveSources(["*.txt"]).map((s) => s.path)).toEqual(["one.txt", "two.txt"]);
    expect(ctx.resolveSources(["web/js/*.js"]).map((s) => s.path)).toEqual(["web/js/a.js", "web/js/b.js"]);
  });

  test("a matching directory is a directory source: its contents are copied", () => {
    const [docs] = ctx.resolveSources(["docs*"]);
    expect(docs).toMatchObject({ pattern: "docs*", path: "docs", isDir: true });
    expect(docs.children.map((c) => c.path)).toEqual(["docs/guide.txt"]);
    expect(docs.hash.startsWith("dir:")).toBe(true);
  });

  test("one match is hashed alone, several as multi:", () => {
    expect(hashOf(ctx, "?ne.txt")).toBe(hashOf(ctx, "one.txt"));
    expect(hashOf(ctx, "*.txt")).toBe(hashOf(ctx, "one.txt", "two.txt"));
    expect(hashOf(ctx, "*.txt").startsWith("multi:")).toBe(true);
  });

  test("no match at all is an error; no match beside another source is not", () => {
    expect(() => ctx.resolveSources(["*.nope"])).toThrow(new ContextError("no source files were specified"));
    expect(ctx.resolveSources(["*.nope", "readme.md"]).map((s) => s.path)).toEqual(["readme.md"]);
  });

  test("wildcard patterns are matched uncleaned, as Docker does", () => {
    expect(() => ctx.resolveSources(["web//js/*.js"])).toThrow("no source files were specified");
    expect(ctx.resolveSources(["./web/js/*.js"])).toHaveLength(2);
    expect(ctx.resolveSources(["/web/js/*.js"])).toHaveLength(2);
  });

  test("allowWildcards: false takes the name literally", () => {
    expect(() => ctx.resolveSources(["*.txt"], { allowWildcards: false })).toThrow(/stat \*\.txt: file does not exist/);
  });
});

describe("errors with Docker's words (e01, e02)", () => {
  let ctx: BuildContext;
  beforeAll(async () => {
    ctx = await BuildContext.fromDirectory(
      writeTree(path.join(tempDir(), "err"), { Dockerfile: "FROM scratch\n", "a.txt": "a\n", dangling: { link: "nowhere" } }),
    );
  });

  test("e01: a missing source", () => {
    expect(() => ctx.resolveSources(["nope.txt"])).toThrow(
      new ContextError("file not found in build context or excluded by .dockerignore: stat nope.txt: file does not exist", "nope.txt"),
    );
  });

  test("e02: a source outside the context", () => {
    expect(() => ctx.resolveSources(["../case.json"])).toThrow(
      new ContextError("forbidden path outside the build context: ../case.json ()"),
    );
    expect(() => ctx.resolveSources(["a/../../x"])).toThrow("forbidden path outside the build context: a/../../x ()");
  });

  // Both checked against dockerd 20.10.24.
  test("a path through a file is reported as forbidden; a dangling symlink as missing", () => {
    expect(() => ctx.resolveSources(["a.txt/x"])).toThrow("forbidden path outside the build context: a.txt/x ()");
    expect(() => ctx.resolveSources(["dangling"])).toThrow("stat dangling: file does not exist");
  });

  // BuildKit names the path a missing source leads to (recorded: b-29-009, `lnk -> a.txt`).
  test("a missing source says which context path it led to, symlinks followed", () => {
    const missingOf = (src: string) => {
      try {
        ctx.resolveSources([src]);
      } catch (e) {
        return (e as ContextError).missing;
      }
      return "resolved";
    };
    expect(missingOf("nope.txt")).toBe("nope.txt");
    expect(missingOf("./sub/../nope.txt")).toBe("nope.txt");
    expect(missingOf("dangling")).toBe("nowhere");
    expect(missingOf("a.txt")).toBe("resolved");
  });

  test("./a, /a and a/../a name the same file", () => {
    const want = hashOf(ctx, "a.txt");
    expect(hashOf(ctx, "./a.txt")).toBe(want);
    expect(hashOf(ctx, "/a.txt")).toBe(want);
    expect(hashOf(ctx, "x/../a.txt")).toBe(want);
  });
});

describe("symlinks (hashes written by dockerd 20.10.24 for this tree)", () => {
  let ctx: BuildContext;
  beforeAll(async () => {
    const dir = writeTree(path.join(tempDir(), "g"), {
      "a.txt": "alpha\n",
      "d/inner/x.txt": "x\n",
      "d/la": { link: "../a.txt" },
      "d/abs": { link: "/a.txt" },
      "d/ldir": { link: "inner" },
      "d/dangling": { link: "nowhere" },
      "d/escape": { link: "../../../../etc/passwd" },
      linkdir: { link: "d" },
      "tmp/keep": "k\n",
      "tmp/other": "o\n",
      ".dockerignore": "tmp\n!tmp/keep\n",
      Dockerfile: "FROM scratch\nCOPY d /d/\nCOPY linkdir /ld/\nCOPY d/la /\nCOPY . /all/\nCOPY tmp /tmp/\n",
    });
    ctx = await BuildContext.fromDirectory(dir);
  });

  test("a directory holding links of every kind", () => {
    expect(hashOf(ctx, "d")).toBe("dir:a5e4fe7b2177eb5ecf96d9b12f7395f05ef0747808f1f11192a0d587a482767f");
  });

  test("a link to a directory is that directory; its children are copied as links", () => {
    expect(hashOf(ctx, "linkdir")).toBe(hashOf(ctx, "d"));
    const [src] = ctx.resolveSources(["linkdir"]);
    expect(src).toMatchObject({ path: "linkdir", resolvedPath: "d", isDir: true });
    expect(src.children.find((c) => c.path === "d/la")).toMatchObject({ type: "symlink", linkname: "../a.txt", mode: 0o777 });
  });

  test("a link to a file hashes as the file and keeps its own name", () => {
    expect(hashOf(ctx, "d/la")).toBe("file:58334428482c4cbbca5ae180953ab0e8246069d983149e4f89d217a03594740f");
    const [src] = ctx.resolveSources(["d/la"]);
    expect(src).toMatchObject({ path: "d/la", resolvedPath: "a.txt", isDir: false });
    expect(src.entry!.data().toString()).toBe("alpha\n");
  });

  test("the whole context, and a directory the CLI sent only implied", () => {
    expect(hashOf(ctx, ".")).toBe("dir:82224e228552417e17fdbef02d0a007387602650f2fae079658070b3b881fa42");
    expect(hashOf(ctx, "tmp")).toBe("dir:34663bdda8d14b851b1fedcafb0cd28546a60d4863449bc39fa2616c634fcf9c");
  });

  test("the root source has no entry and lists everything", () => {
    const [root] = ctx.resolveSources(["."]);
    expect(root).toMatchObject({ path: "", resolvedPath: "", isDir: true, entry: undefined });
    expect(root.children.map((c) => c.path)).toEqual(ctx.entries().map((e) => e.path));
  });

  test("contentDigest follows links and says nothing for a missing path", () => {
    expect(ctx.contentDigest("d/la")).toBe(ctx.get("a.txt")!.hash);
    expect(ctx.contentDigest("nope")).toBeUndefined();
    expect(ctx.contentDigest("d/dangling")).toBeUndefined();
  });
});

describe("hard links in a directory context", () => {
  test("the second name is sent as a link to the first (hash checked with dockerd)", async () => {
    const dir = writeTree(path.join(tempDir(), "hl"), { Dockerfile: "FROM scratch\nCOPY . /x/\n", a: "same\n" });
    fs.linkSync(path.join(dir, "a"), path.join(dir, "b"));
    const ctx = await BuildContext.fromDirectory(dir);
    expect(ctx.get("a")!.hardlinkTo).toBeUndefined();
    expect(ctx.get("b")).toMatchObject({ type: "file", hardlinkTo: "a", size: 5 });
    expect(ctx.get("b")!.data().toString()).toBe("same\n");
    expect(hashOf(ctx, ".")).toBe("dir:20933e71897f5fb22f842968a6f98d677fab897dbb896514965c90dec04e0d0c");
  });
});
