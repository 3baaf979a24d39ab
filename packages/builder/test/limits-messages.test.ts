import { afterEach, describe, expect, it } from "vitest";
import { buildDir, busyboxStore, contextDir } from "./helpers.js";

// Issue 17: inputs that used to end in a raw error or a memory blow-up end with a message naming
// the Dockerfile line.
describe("limits and messages", () => {
  const saved = process.env.TSBUILD_MEMORY;
  afterEach(() => {
    if (saved === undefined) delete process.env.TSBUILD_MEMORY;
    else process.env.TSBUILD_MEMORY = saved;
  });

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
