import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BuildContext, ContextError, isIgnored, parseDockerignore, readDockerignoreLines } from "@tsbuild/context";
import { CASES_DIR, prepareCase, rawTar, removeTempDirs, tempDir, writeTree } from "./helpers.js";

afterAll(removeTempDirs);

const ignored = (patterns: string, p: string) => isIgnored(p, parseDockerignore(patterns));

describe("reading .dockerignore", () => {
  test("comments, blanks, whitespace, BOM, cleaning, leading slash", () => {
    const text = "\uFEFF# comment\n\n  *.log  \n!  keep.log\n/abs/path\n./rel/\n #not a comment\r\na/../b\n";
    expect(readDockerignoreLines(text)).toEqual(["*.log", "!keep.log", "abs/path", "rel", "#not a comment", "b"]);
  });

  test("a lone ! is an error", () => {
    expect(() => parseDockerignore("!\n")).toThrow(ContextError);
    expect(() => parseDockerignore("!\n")).toThrow('illegal exclusion pattern: "!"');
  });

  test("a malformed pattern is an error naming it", () => {
    expect(() => parseDockerignore("ok\n[a\n")).toThrow(/syntax error in pattern: "\[a"/);
  });
});

describe("patternmatcher semantics", () => {
  test("c17's patterns", () => {
    const text = fs.readFileSync(path.join(CASES_DIR, "c17-dockerignore/context/.dockerignore"), "utf8");
    const pats = parseDockerignore(text);
    const got = Object.fromEntries(
      ["debug.log", "keep.log", "tmp", "tmp/t.txt", "node_modules/dep/index.js", ".env", "src/main.txt", "Dockerfile", "src/x.log"].map(
        (p) => [p, isIgnored(p, pats)],
      ),
    );
    expect(got).toEqual({
      "debug.log": true,
      "keep.log": false,
      tmp: true,
      "tmp/t.txt": true,
      "node_modules/dep/index.js": true,
      ".env": true,
      "src/main.txt": false,
      Dockerfile: false,
      // `*` does not cross "/": *.log is only the top level.
      "src/x.log": false,
    });
  });

  test("* and ? stay within one path segment; ** crosses them", () => {
    expect(ignored("*.log", "a.log")).toBe(true);
    expect(ignored("*.log", "d/a.log")).toBe(false);
    expect(ignored("**/*.log", "d/e/a.log")).toBe(true);
    expect(ignored("**/*.log", "a.log")).toBe(true);
    expect(ignored("a?c", "abc")).toBe(true);
    expect(ignored("a?c", "a/c")).toBe(false);
    expect(ignored("a/**/b", "a/b")).toBe(true);
    expect(ignored("a/**/b", "a/x/y/b")).toBe(true);
    expect(ignored("**", "anything/at/all")).toBe(true);
  });

  test("prefix (foo**) and suffix (**foo, **/foo) patterns", () => {
    expect(ignored("foo**", "foobar/x")).toBe(true);
    expect(ignored("**foo", "a/xfoo")).toBe(true);
    expect(ignored("**foo", "foobar")).toBe(false);
    expect(ignored("**/foo", "foo")).toBe(true);
    expect(ignored("**/foo", "a/b/foo")).toBe(true);
    expect(ignored("**/foo", "afoo")).toBe(false);
  });

  test("a directory pattern excludes what is below it; later exceptions re-include", () => {
    expect(ignored("dir/", "dir/sub/file")).toBe(true);
    expect(ignored("tmp\n!tmp/keep", "tmp/keep")).toBe(false);
    expect(ignored("tmp\n!tmp/keep", "tmp/other")).toBe(true);
    expect(ignored("!a.txt\n*.txt", "a.txt")).toBe(true);
    expect(ignored("*.txt\n!a.txt", "a.txt")).toBe(false);
  });

  test("classes, escapes and regexp characters", () => {
    expect(ignored("[a-c].txt", "b.txt")).toBe(true);
    expect(ignored("[^a].txt", "a.txt")).toBe(false);
    expect(ignored("[^a].txt", "b.txt")).toBe(true);
    expect(ignored("\\*.txt", "*.txt")).toBe(true);
    expect(ignored("\\*.txt", "a.txt")).toBe(false);
    expect(ignored("*+b", "x+b")).toBe(true);
    expect(ignored("*+b", "xxb")).toBe(false);
    expect(ignored("*(1)", "a(1)")).toBe(true);
    expect(ignored("*.txt", "a.txt")).toBe(true);
    expect(ignored("*.txt", "aXtxt")).toBe(false);
  });

  test("RE2 reads what patternmatcher passes through: POSIX classes, \\d, a literal ] outside a class", () => {
    expect(ignored("[[:digit:]]x", "1x")).toBe(true);
    expect(ignored("[[:digit:]]x", "ax")).toBe(false);
    expect(ignored("v\\d*", "v1.2")).toBe(true);
    expect(ignored("v\\d*", "vx")).toBe(false);
    expect(ignored("*]", "a]")).toBe(true);
  });

  test("the root is never ignored", () => {
    expect(ignored("*", ".")).toBe(false);
    expect(ignored("*", "")).toBe(false);
  });

  test("[*] is read by Go's regexp as [[^/]*]: it matches ] and not * (as dockerd does)", () => {
    expect(ignored("[*]", "]")).toBe(true);
    expect(ignored("[*]", "*")).toBe(false);
  });
});

describe("a directory context with .dockerignore", () => {
  test("c17: COPY . gets what Docker's layer holds, Dockerfile and .dockerignore included", async () => {
    const ctx = await BuildContext.fromDirectory(prepareCase("c17-dockerignore"));
    expect(ctx.entries().map((e) => e.path)).toEqual([".dockerignore", "Dockerfile", "keep.log", "src", "src/main.txt"]);
  });

  // Files and patterns built with dockerd 20.10.24 / docker CLI 28: the paths its COPY . layer held.
  test("tricky patterns select exactly what the docker CLI sends", async () => {
    const files = [
      "]", "*", "x+b", "xxb", "afoo", "a/xfoo", "a/b/foo", "foo", "foobar", "tmp/keep", "tmp/other", "top.log",
      "logs/deep/x.log", "logs/keep.txt", "web/a.js", "b.txt", "c.txt", "q1", "q/1",
    ];
    const spec: Record<string, string> = Object.fromEntries(files.map((f) => [f, f + "\n"]));
    spec[".dockerignore"] = "[*]\n*+b\n**foo\ntmp\n!tmp/keep\n*.log\nlogs/**/*.log\n!logs/deep\nweb/\n[b-b].txt\nq?\n";
    spec.Dockerfile = "FROM scratch\nCOPY . /\n";
    const ctx = await BuildContext.fromDirectory(writeTree(path.join(tempDir(), "ig"), spec));
    expect(ctx.entries().map((e) => e.path)).toEqual([
      "*", ".dockerignore", "Dockerfile", "a", "a/b", "c.txt", "foobar", "logs", "logs/deep", "logs/keep.txt",
      "q", "q/1", "tmp", "tmp/keep", "xxb",
    ]);
    // tmp itself was excluded: the CLI sends tmp/keep without a tmp/ entry, so tmp has no tarsum.
    expect(ctx.get("tmp")!.hash).toBe("tmp");
  });

  test("Dockerfile and .dockerignore are removed when .dockerignore names them", async () => {
    const dir = writeTree(path.join(tempDir(), "f"), {
      "a.txt": "alpha\n",
      "sub/s.txt": "s\n",
      ".dockerignore": "Dockerfile\n.dockerignore\n",
      Dockerfile: "FROM scratch\nCOPY . /all/\n",
    });
    const ctx = await BuildContext.fromDirectory(dir);
    expect(ctx.dockerfileText()).toBe("FROM scratch\nCOPY . /all/\n");
    expect(ctx.entries().map((e) => e.path)).toEqual(["a.txt", "sub", "sub/s.txt"]);
    // dockerd's hash for this context's COPY . /all/
    expect(ctx.sourceHash(ctx.resolveSources(["."]))).toBe("dir:05c387d1677dafe8083b03bdd56b499aeb2655a6fe445e467dee8ad1663cd0d2");
  });

  test("a tar context keeps ignored files: the daemon only drops the Dockerfile and .dockerignore", async () => {
    const tar = rawTar([
      { name: "Dockerfile", data: "FROM scratch\n" },
      { name: ".dockerignore", data: "*.log\n.dockerignore\n" },
      { name: "a.log", data: "x\n" },
    ]);
    const ctx = await BuildContext.fromTar(tar);
    expect(ctx.entries().map((e) => e.path)).toEqual(["Dockerfile", "a.log"]);
  });
});

// Issue 17: a 34-byte line turned into a backtracking RegExp hung every build of its context.
describe("pathological patterns", () => {
  test("`*a` sixteen times then `c` against a long name answers at once (RE2 is linear)", () => {
    const [p] = parseDockerignore("*a".repeat(16) + "c\n");
    expect(p.matches("a".repeat(5000))).toBe(false);
    expect(p.matches("a".repeat(20) + "c")).toBe(true);
  });
});
