import { describe, expect, it } from "vitest";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { buildDir, busyboxStore, collect, contextDir, restoreMemoryBudget } from "./helpers.js";

// Issue 17: inputs that used to end in a raw error or a memory blow-up end with a message naming
// the Dockerfile line.
describe("limits and messages", () => {
  restoreMemoryBudget();

  it("a doubling ENV stops at its share of the memory budget, naming the line", async () => {
    process.env.TSBUILD_MEMORY = "64m";
    const lines = ["FROM busybox:test", "ENV e0=ab", ...Array.from({ length: 30 }, (_, i) => `ENV e${i + 1}=\${e${i}}\${e${i}}`)];
    const dir = contextDir({ Dockerfile: lines.join("\n") + "\n" });
    const err = await buildDir(await busyboxStore(), dir).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    // 64 MiB / 256 = 256 KiB: with e16 (128 KiB) the values add up to just over it.
    expect((err as Error).message).toMatch(/^the image's environment \(.*\) exceeds 256 KiB, its share \(1\/256\) of the memory limit of 64 MiB \(use --memory\) \(Dockerfile:18: ENV e16=/);
  });

  it("a bad substitution before the first FROM names the line", async () => {
    const dir = contextDir({ Dockerfile: "ARG x=${}\nFROM busybox:test\n" });
    const err = await buildDir(await busyboxStore(), dir).catch((e: Error) => e);
    expect((err as Error).message).toBe('failed to process "${}": syntax error: bad substitution (Dockerfile:1: ARG x=${})');
  });

  it("a bad substitution in FROM names the line", async () => {
    const dir = contextDir({ Dockerfile: "FROM busybox:test${}\n" });
    const err = await buildDir(await busyboxStore(), dir).catch((e: Error) => e);
    expect((err as Error).message).toBe('failed to process "busybox:test${}": syntax error: bad substitution (Dockerfile:1: FROM busybox:test${})');
  });
});

// Issue 17: `COPY failed: EEXIST ...` for destinations through symlinks; Docker 20.10 (classic)
// follows them in scope first (checked against the daemon: the dangling link builds, the other
// two fail with these words).
describe("copy destinations through symlinks, as Docker resolves them", () => {
  it("a dangling symlink directory is followed and its target made", async () => {
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nRUN ln -s /nonexist /l\nCOPY d /l/\n", "d/y": "x\n" });
    const store = await busyboxStore();
    const r = await buildDir(store, dir);
    const layers = await store.getImage(r.imageId)!.layers();
    const entries = await layerEntries(await collect(await layers[layers.length - 1].open()));
    expect(entries.map((e) => e.path)).toEqual(["nonexist", "nonexist/y"]);
  });

  it("a file on the way is 'not a directory'", async () => {
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nCOPY f /bin/sh/x\n", f: "x\n" });
    const err = await buildDir(await busyboxStore(), dir).catch((e: Error) => e);
    expect((err as Error).message).toBe("failed to copy files: mkdir /bin/busybox: not a directory (Dockerfile:2: COPY f /bin/sh/x)");
  });

  it("a symlink loop is 'too many links'", async () => {
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nRUN ln -s /x /x\nCOPY f /x/\n", f: "x\n" });
    const err = await buildDir(await busyboxStore(), dir).catch((e: Error) => e);
    expect((err as Error).message).toBe("failed to copy files: evalSymlinksInScope: too many links in /x (Dockerfile:3: COPY f /x/)");
  });
});
