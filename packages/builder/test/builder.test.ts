import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import tar from "tar-stream";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { BuildError } from "@tsbuild/builder";
import { buildDir, busyboxStore, collect, contextDir } from "./helpers.js";

async function lastLayerEntries(store: Awaited<ReturnType<typeof busyboxStore>>, id: string) {
  const layers = await store.getImage(id)!.layers();
  return layerEntries(await collect(await layers[layers.length - 1].open()));
}

async function tarOf(files: Array<{ name: string; body?: string; type?: "directory" | "file" }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.name, type: f.type ?? "file", mode: f.type === "directory" ? 0o755 : 0o644 }, f.body ?? "");
  pack.finalize();
  return collect(pack);
}

describe("build", () => {
  it("prints Docker's step lines and tags the result", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nENV A=1\nCOPY a.txt /\n", "a.txt": "a\n" });
    const r = await buildDir(store, dir, { tags: ["demo/x:1", "demo/y"] });
    expect(r.log).toMatch(/^Step 1\/3 : FROM busybox:test\n ---> [0-9a-f]{12}\nStep 2\/3 : ENV A=1\n ---> Running in [0-9a-f]{12}\nRemoving intermediate container [0-9a-f]{12}\n ---> [0-9a-f]{12}\nStep 3\/3 : COPY a.txt \/\n ---> [0-9a-f]{12}\nSuccessfully built [0-9a-f]{12}\nSuccessfully tagged demo\/x:1\nSuccessfully tagged demo\/y:latest\n$/);
    expect(store.resolve("demo/y")).toBe(r.imageId);
  });

  it("hits the cache on a rebuild and misses from the step whose input changed, saying why", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nCOPY a.txt /\nRUN echo hi > /b\n", "a.txt": "a\n" });
    await buildDir(store, dir);
    const again = await buildDir(store, dir);
    expect(again.steps.map((s) => s.cached)).toEqual([false, true, true]);
    writeFileSync(join(dir, "a.txt"), "changed\n");
    const third = await buildDir(store, dir);
    expect(third.steps.map((s) => s.cached)).toEqual([false, false, false]);
    expect(third.steps[1].cacheMiss?.differences).toEqual(["context files changed: a.txt"]);
    expect(third.log).toMatch(/ ---> Cache miss \(vs [0-9a-f]{12}\): context files changed: a.txt\n/);
  });

  it("gives the same image ID on every run with SOURCE_DATE_EPOCH", async () => {
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nCOPY a.txt /\nRUN echo hi > /b && mkdir /d\nCMD [\"sh\"]\n", "a.txt": "a\n" });
    const a = await buildDir(await busyboxStore(), dir, { sourceDateEpoch: 1700000000 });
    const b = await buildDir(await busyboxStore(), dir, { sourceDateEpoch: 1700000000 });
    expect(a.imageId).toBe(b.imageId);
    const c = await buildDir(await busyboxStore(), dir, {});
    expect(c.imageId).not.toBe(a.imageId);
  });

  it("keeps RUN reproducible too: package databases and account files take the build's clock", async () => {
    const { memoryStore } = await import("@tsbuild/store");
    const dir = contextDir({ Dockerfile: "FROM alpine:3.19\nRUN apk add --virtual .x tini && adduser -D app && touch /stamp\n" });
    const a = await buildDir(memoryStore(), dir, { sourceDateEpoch: 1700000000 });
    const b = await buildDir(memoryStore(), dir, { sourceDateEpoch: 1700000000 });
    expect(a.imageId).toBe(b.imageId);
  });

  it("names the Dockerfile, line and instruction when a step fails, and stores nothing of it", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nRUN echo ok > /ok\n\nRUN exit 7\n" });
    const before = store.listImages().length;
    const err = await buildDir(store, dir).catch((e) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.exitCode).toBe(7);
    expect(err.message).toContain("The command '/bin/sh -c exit 7' returned a non-zero code: 7");
    // The successful step stays (it is cache for the next build), the failed one leaves nothing.
    expect(store.listImages().length).toBe(before + 1);
    const missing = await buildDir(store, contextDir({ Dockerfile: "FROM busybox:test\nCOPY nope /\n" })).catch((e) => e);
    expect(missing.message).toMatch(/COPY failed: file not found in build context.*\(Dockerfile:2: COPY nope \/\)/);
  });

  it("refuses an unknown base image clearly", async () => {
    const err = await buildDir(await busyboxStore(), contextDir({ Dockerfile: "FROM nosuch/image:1\n" })).catch((e) => e);
    expect(err.message).toMatch(/nosuch\/image.*not in the store.*does not pull/);
  });

  it("extracts tar, tar.gz, tar.bz2 and tar.xz with ADD and copies anything else", async () => {
    const plain = await tarOf([{ name: "pkg/", type: "directory" }, { name: "pkg/f.txt", body: "f\n" }]);
    const dir = contextDir({ "p.tar": plain, "p.tar.gz": gzipSync(plain), "x.txt": "x\n" });
    writeFileSync(join(dir, "p.tar.bz2"), execFileSync("bzip2", ["-c"], { input: plain }));
    writeFileSync(join(dir, "p.tar.xz"), execFileSync("xz", ["-c"], { input: plain }));
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:test\nADD p.tar /a/\nADD p.tar.gz /b/\nADD p.tar.bz2 /c/\nADD p.tar.xz /d/\nADD x.txt /e/\n");
    const store = await busyboxStore();
    const r = await buildDir(store, dir);
    const img = store.getImage(r.imageId)!;
    const layers = await img.layers();
    for (const [i, prefix] of ["a", "b", "c", "d"].entries()) {
      const entries = await layerEntries(await collect(await layers[i + 1].open()));
      expect(entries.map((e) => e.path)).toContain(`${prefix}/pkg/f.txt`);
    }
    expect((await lastLayerEntries(store, r.imageId)).map((e) => e.path)).toEqual(["e", "e/x.txt"]);
  });

  it("refuses archive entries that would land outside the destination", async () => {
    const pack = tar.pack();
    pack.entry({ name: "../../escape.txt" }, "x");
    pack.finalize();
    const dir = contextDir({ "evil.tar": await collect(pack), Dockerfile: "FROM busybox:test\nADD evil.tar /opt/\n" });
    const err = await buildDir(await busyboxStore(), dir).catch((e) => e);
    expect(err.message).toMatch(/outside the destination/);
  });

  it("says ADD of a URL needs a network it does not have", async () => {
    const err = await buildDir(await busyboxStore(), contextDir({ Dockerfile: "FROM busybox:test\nADD https://example.com/x.tgz /\n" })).catch((e) => e);
    expect(err.message).toMatch(/no network access/);
  });

  it("applies COPY --chmod and --chown (BuildKit), and needs a directory for several sources", async () => {
    const store = await busyboxStore();
    const ctx = { Dockerfile: "FROM busybox:test\nCOPY --chmod=4750 --chown=nobody:nogroup a.sh /bin/\n", "a.sh": "#!/bin/sh\n" };
    const refused = await buildDir(store, contextDir(ctx)).catch((x) => x);
    expect(refused.message).toMatch(/^the --chmod option requires BuildKit\. Refer to https:\/\/docs\.docker\.com\/go\/buildkit\/ to learn how to build images with BuildKit enabled/);
    const r = await buildDir(store, contextDir(ctx), { buildkit: true });
    const e = (await lastLayerEntries(store, r.imageId)).find((x) => x.path === "bin/a.sh");
    // dockerd 20.10's BuildKit applies --chmod as Go's os.FileMode: the setuid bit of 4750 is dropped (recorded, b-19-042).
    expect(e).toMatchObject({ mode: "0750", uid: 65534, gid: 65534 });
    const err = await buildDir(store, contextDir({ Dockerfile: "FROM busybox:test\nCOPY a b /dest\n", a: "a", b: "b" })).catch((x) => x);
    expect(err.message).toMatch(/When using COPY with more than one source file, the destination must be a directory and end with a \//);
  });

  it("copies from an earlier stage by name and index, and --target stops at a stage", async () => {
    const store = await busyboxStore();
    const df = "FROM busybox:test AS one\nRUN echo 1 > /one\nFROM busybox:test AS two\nRUN echo 2 > /two\nFROM busybox:test\nCOPY --from=one /one /\nCOPY --from=1 /two /\n";
    const r = await buildDir(store, contextDir({ Dockerfile: df }));
    const paths = (await Promise.all((await store.getImage(r.imageId)!.layers()).slice(1).map(async (l) => layerEntries(await collect(await l.open()))))).flat().map((e) => e.path);
    expect(paths).toEqual(["one", "two"]);
    const t = await buildDir(store, contextDir({ Dockerfile: df }), { target: "two" });
    expect(t.steps.length).toBe(4);
  });

  it("stops a runaway RUN at its limit with a clear error instead of hanging", async () => {
    const err = await buildDir(await busyboxStore(), contextDir({ Dockerfile: "FROM busybox:test\nRUN while true; do :; done\n" }), {
      runLimits: { timeoutMs: 300 },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toMatch(/The command '\/bin\/sh -c while true; do :; done' returned a non-zero code: \d+: the command/);
  });

  it("fails a shell-form RUN in FROM scratch, which has no /bin/sh", async () => {
    const err = await buildDir(await busyboxStore(), contextDir({ Dockerfile: "FROM scratch\nRUN echo hi\n" })).catch((e) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect(err.message).toMatch(/\/bin\/sh/);
  });

  it("accepts BuildKit's COPY --link and RUN --network in BuildKit mode with a 1.4+ frontend; the classic builder and 20.10's built-in frontend refuse them", async () => {
    const store = await busyboxStore();
    const ctx = { Dockerfile: "FROM busybox:test\nCOPY --link a.txt /\nRUN --network=none cat /a.txt > /b\n", "a.txt": "a\n" };
    expect((await buildDir(store, contextDir(ctx)).catch((e) => e)).message).toBe("dockerfile parse error line 2: Unknown flag: link");
    // Recorded in b-builtin-link: dockerd 20.10's own dockerfile frontend has no --link.
    expect((await buildDir(store, contextDir(ctx), { buildkit: true }).catch((e) => e)).message).toBe(
      "failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: Unknown flag: link",
    );
    const modern = (df: string) => contextDir({ ...ctx, Dockerfile: "# syntax=docker/dockerfile:1.4\n" + df });
    const r = await buildDir(store, modern(ctx.Dockerfile), { buildkit: true });
    // BuildKit's RUN layer also holds the mountpoints runc made in an image without them (b-basics).
    expect((await lastLayerEntries(store, r.imageId)).map((e) => e.path)).toEqual(["b", "dev", "etc", "proc", "sys"]);
    const mount = await buildDir(store, contextDir({ Dockerfile: "FROM busybox:test\nRUN --mount=type=tmpfs,target=/t true\n" })).catch((e) => e);
    expect(mount.message).toMatch(/^the --mount option requires BuildKit\. /);
    const err = await buildDir(store, modern("FROM busybox:test\nRUN --network=bridge true\n"), { buildkit: true }).catch((e) => e);
    expect(err.message).toMatch(/network mode "bridge" not supported/);
  });

  it("matches COPY --from wildcards as Go's filepath.Match does", async () => {
    const store = await busyboxStore();
    const df = "FROM busybox:test AS one\nRUN echo 1 > /a1 && echo 2 > /a2 && echo 3 > /b1\nFROM busybox:test\nCOPY --from=one /a? /got/\n";
    const r = await buildDir(store, contextDir({ Dockerfile: df }));
    expect((await lastLayerEntries(store, r.imageId)).map((e) => e.path)).toEqual(["got", "got/a1", "got/a2"]);
  });
});

