import { readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { memoryStore, openStore, type ImageStore } from "@tsbuild/store";
import type { Digest } from "@tsbuild/image";
import type { Io } from "../src/command.js";
import { buildCommand } from "../src/commands/build.js";
import { buildInMemory, inMemorySources } from "../src/commands/in-memory-build.js";
import { repoRoot, run, tempDir } from "./helpers/run.js";

async function diffIds(store: ImageStore, id: Digest): Promise<string[]> {
  return (await store.getImage(id)!.config()).rootfs.diff_ids;
}

describe("the CLI's builds go through the builder's one front door", () => {
  test("build and the in-memory build of compare/check make the same layers for the same context", async () => {
    const root = tempDir("tsbuild-frontdoor-");
    const dir = tempDir("tsbuild-frontdoor-ctx-");
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox\nCOPY a.txt /a.txt\nRUN echo hi > /b\n");
    writeFileSync(join(dir, "a.txt"), "a\n");
    utimesSync(join(dir, "a.txt"), 1_600_000_000, 1_600_000_000);
    // The RUN's files carry the step's time: both builds take it from SOURCE_DATE_EPOCH, or two
    // builds a second apart would differ (they did under load).
    const env = { SOURCE_DATE_EPOCH: "1700000000" };
    const r = await run(buildCommand, ["-q", "--offline", dir], { root, env });
    expect(r.stderr).toBe("");
    const built = r.stdout.trim() as Digest;
    const io: Io = { stdout: () => {}, stderr: () => {}, stdin: Readable.from([]), isTTY: false, env: { HOME: root, ...env }, cwd: root };
    const emptyRoot = tempDir("tsbuild-frontdoor-empty-");
    const mem = await buildInMemory(memoryStore(), { dockerfile: join(dir, "Dockerfile"), context: dir, buildArgs: {} }, { root: emptyRoot }, io);
    expect(await diffIds(mem.store, mem.imageId)).toEqual(await diffIds(openStore(root), built));
    expect(mem.recordFor(mem.imageId)).toMatchObject({ dockerfile: "Dockerfile", line: 3 });
  });

  test("in-memory builds resolve FROM through the disk store, the conformance bases, then the built-ins", () => {
    expect(inMemorySources({}, { env: {}, cwd: "/" } as unknown as Io).map((s) => s.name)).toEqual(["disk store", "conformance bases", "builtins"]);
  });

  test("no module of the CLI calls the builder's build() past the front door", () => {
    const src = join(repoRoot, "packages/cli/src");
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const direct = files.filter((f) => /import\s*\{[^}]*\bbuild\b[^}]*\}\s*from\s*"@tsbuild\/builder"/.test(readFileSync(join(src, f), "utf8")));
    expect(direct).toEqual([]);
    expect(readFileSync(join(src, "commands/build.ts"), "utf8")).toMatch(/\bbuildImage\(/);
    expect(readFileSync(join(src, "commands/in-memory-build.ts"), "utf8")).toMatch(/\bbuildImage\(/);
  });
});
