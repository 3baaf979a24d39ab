import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { buildCommand } from "../src/commands/build.js";
import { main } from "../src/main.js";
import { Readable } from "node:stream";
import { run, tempDir } from "./helpers/run.js";
import { context, seeded } from "./helpers/context.js";


describe("tsbuild build", () => {
  it("takes the form users type, `tsbuild -f Dockerfile -t name .`, with Docker's output", async () => {
    const root = await seeded();
    const dir = context({ "Dockerfile.dev": "FROM base:1\nCOPY a.txt /\n", "a.txt": "a\n" });
    let out = "";
    const code = await main(["-f", "Dockerfile.dev", "-t", "test-image", "-t", "other:2", ".", "--root", root], {
      stdout: (s) => (out += s), stderr: (s) => (out += s), stdin: Readable.from([]), isTTY: false, env: {}, cwd: dir,
    });
    expect(code).toBe(0);
    expect(out).toMatch(/^Sending build context to Docker daemon  [\d.]+kB\nStep 1\/2 : FROM base:1\n/);
    expect(out).toMatch(/Successfully tagged test-image:latest\nSuccessfully tagged other:2\n$/);
  });

  it("DOCKER_BUILDKIT=1 with --secret src relative to the working directory: RUN reads it, the image holds none of it", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nRUN --mount=type=secret,id=npmrc wc -c /run/secrets/npmrc\n", "secrets/npmrc": "//registry/:_authToken=abc\n" });
    let out = "";
    const code = await main(["--root", root, "build", "--secret", "id=npmrc,src=secrets/npmrc", "-t", "sec:1", "."], {
      stdout: (s) => (out += s), stderr: (s) => (out += s), stdin: Readable.from([]), isTTY: false, env: { DOCKER_BUILDKIT: "1" }, cwd: dir,
    });
    expect(code, out).toBe(0);
    expect(out).toContain("27 /run/secrets/npmrc");
    const saved = tempDir();
    expect((await main(["--root", root, "save", "-o", join(saved, "s.tar"), "sec:1"], {
      stdout: () => {}, stderr: () => {}, stdin: Readable.from([]), isTTY: false, env: {}, cwd: dir,
    }))).toBe(0);
    expect(readFileSync(join(saved, "s.tar")).includes("_authToken")).toBe(false);
  });

  it("prints only the image ID with -q, and --build-arg reaches RUN", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nARG V=1\nRUN echo $V > /v\n" });
    const r = await run(buildCommand, ["-q", "--build-arg", "V=2", dir], { root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const hist = JSON.parse(readFileSync(join(root, "image/overlay2/imagedb/content/sha256", r.stdout.trim().slice(7)), "utf8")).history;
    expect(hist[hist.length - 1].created_by).toBe("|1 V=2 /bin/sh -c echo $V > /v");
  });

  it("builds a context tar from stdin with `-`", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nCOPY b.txt /\n", "b.txt": "b\n" });
    const tar = execFileSync("tar", ["-C", dir, "-c", "."]);
    const r = await run(buildCommand, ["-t", "from-stdin", "-"], { root, stdin: tar });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Successfully tagged from-stdin:latest");
  });

  it("exits with a failing RUN's own code and Docker's message, as a process", () => {
    const root = tempDir();
    const dir = context({ Dockerfile: "FROM busybox\nRUN exit 3\n" });
    const p = spawnSync(process.execPath, [join(import.meta.dirname, "../dist/bin.js"), "build", "--root", root, dir], { encoding: "utf8" });
    expect(p.status).toBe(3);
    expect(p.stderr).toContain("The command '/bin/sh -c exit 3' returned a non-zero code: 3");
  });

  it("reports a parse error with its line and exits 1", async () => {
    const root = await seeded();
    const r = await run(buildCommand, [context({ Dockerfile: "FROM base:1\nRUN echo ok\nFOO bar\n" })], { root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("dockerfile parse error line 3: unknown instruction: FOO");
  });

  it("uses a built-in image for FROM names the store lacks, and says so", async () => {
    const r = await run(buildCommand, [context({ Dockerfile: "FROM alpine:3.19\nRUN apk add --no-cache tini\n" })], { root: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("using built-in simulated image alpine:3.19");
    expect(r.stdout).toContain("Installing tini");
  });

  it("explains the cache with --explain-cache", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nCOPY src/ /src/\nRUN cat /src/a\n", "src/a": "1\n" });
    expect((await run(buildCommand, [dir], { root })).code).toBe(0);
    writeFileSync(join(dir, "src/a"), "2\n");
    const r = await run(buildCommand, ["--explain-cache", dir], { root });
    expect(r.stdout).toContain(" ---> Cache miss (vs ");
    expect(r.stdout).toMatch(/Step 2\/3 {2}COPY src\/ \/src\/ +MISS: context files changed: src\/a/);
    expect(r.stdout).toMatch(/Step 3\/3 {2}RUN cat \/src\/a +rebuilt/);
  });
});

describe("tsbuild build --run-timeout", () => {
  it("stops a runaway RUN after the limit with a clear error", async () => {
    const root = await seeded();
    const r = await run(buildCommand, ["--run-timeout", "0.3", context({ Dockerfile: "FROM base:1\nRUN while :; do :; done\n" })], { root });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/returned a non-zero code: \d+: the command ran longer than the step's time limit \(300 ms\)/);
  });
});

describe("built-in images in tsbuild images", () => {
  it("marks a built-in simulated image, and only that one", async () => {
    const { imagesCommand } = await import("../src/commands/images.js");
    const root = tempDir();
    expect((await run(buildCommand, ["-t", "mine", context({ Dockerfile: "FROM busybox\nRUN echo > /x\n" })], { root })).code).toBe(0);
    const out = (await run(imagesCommand, [], { root })).stdout.split("\n");
    expect(out[0]).toMatch(/^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE +NOTE$/);
    expect(out.find((l) => l.startsWith("busybox "))).toMatch(/built-in simulated image$/);
    expect(out.find((l) => l.startsWith("mine "))).not.toMatch(/built-in/);
  });

  it("reads a -f Dockerfile outside the context, relative to the working directory, as Docker does", async () => {
    const root = await seeded();
    const outside = context({ "ci/Dockerfile.prod": "FROM base:1\nCOPY a.txt /\n" });
    const dir = context({ "a.txt": "a\n" });
    const r = await run(buildCommand, ["-f", "ci/Dockerfile.prod", "-t", "docker.io/library/outside", dir], { root, cwd: outside });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Step 2\/2 : COPY a.txt \/\n/);
    // Docker prints the familiar name, and the store holds that name.
    expect(r.stdout).toMatch(/Successfully tagged outside:latest\n$/);
  });

  // Recorded with the docker 20.10 client against dockerd 20.10 (classic builder): with a tar on
  // stdin, -f names a path inside the tar; `-f -` reads the Dockerfile from stdin.
  it("with a tar on stdin, reads -f from the tar, and says which Dockerfile it cannot find", async () => {
    const root = await seeded();
    const dir = context({ "df/Dockerfile": "FROM base:1\nCOPY b.txt /\n", "b.txt": "b\n" });
    const tar = execFileSync("tar", ["-C", dir, "-c", "."]);
    const r = await run(buildCommand, ["-f", "df/Dockerfile", "-t", "from-stdin-f", "-"], { root, stdin: tar });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/Step 2\/2 : COPY b.txt \/\n/);
    const missing = await run(buildCommand, ["-f", "nope/Dockerfile", "-"], { root, stdin: tar });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot locate specified Dockerfile: nope/Dockerfile");
  });

  it("reads the Dockerfile from stdin with -f -, and refuses stdin for both", async () => {
    const root = await seeded();
    const dir = context({ "a.txt": "a\n" });
    const r = await run(buildCommand, ["-f", "-", "-t", "df-stdin", dir], { root, stdin: Buffer.from("FROM base:1\nCOPY a.txt /\n") });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/Successfully tagged df-stdin:latest\n$/);
    const both = await run(buildCommand, ["-f", "-", "-"], { root, stdin: Buffer.from("") });
    expect(both.code).toBe(1);
    expect(both.stderr).toBe("Error: invalid argument: can't use stdin for both build context and dockerfile\n");
  });

  it("refuses an invalid -t before building anything, with Docker's message and status", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nRUN echo built > /x\n" });
    let out = "";
    const code = await main(["build", "-t", "Foo", "-t", "ok", ".", "--root", root], {
      stdout: (s) => (out += s), stderr: (s) => (out += s), stdin: Readable.from([]), isTTY: false, env: {}, cwd: dir,
    });
    expect(code).toBe(125);
    expect(out).toContain('invalid argument "Foo" for "-t, --tag" flag: invalid reference format: repository name must be lowercase');
    expect(out).not.toContain("Step 1/");
  });

  it("builds as BuildKit with --buildkit or DOCKER_BUILDKIT=1, and stays classic by default", async () => {
    const root = await seeded();
    const dir = context({ Dockerfile: "FROM base:1\nCOPY --chmod=700 a.txt /a\n", "a.txt": "a\n" });
    const io = (env: Record<string, string>, sink: { out: string }) => ({
      stdout: (s: string) => (sink.out += s), stderr: (s: string) => (sink.out += s), stdin: Readable.from([]), isTTY: false, env, cwd: dir,
    });
    const classic = { out: "" };
    expect(await main(["build", ".", "--root", root], io({}, classic))).toBe(1);
    expect(classic.out).toContain("the --chmod option requires BuildKit");
    const bk = { out: "" };
    expect(await main(["build", ".", "--root", root], io({ DOCKER_BUILDKIT: "1" }, bk))).toBe(0);
    expect(bk.out).toMatch(/^#1 \[1\/2\] FROM docker.io\/library\/base:1\n#2 \[2\/2\] COPY --chmod=700 a.txt \/a\n/);
    const flag = { out: "" };
    expect(await main(["build", "--buildkit", ".", "--root", root], io({}, flag))).toBe(0);
    expect(flag.out).toMatch(/#2 CACHED\n/);
  });
});
