import { createHash, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { buildDir, busyboxStore, collect, contextDir, restoreMemoryBudget } from "./helpers.js";

const GiB = 2 ** 30;

// Issue 17: files larger than a Node Buffer (zero placeholders from truncate/dd/fallocate) go
// through RUN, the layer, the store and COPY --from between stages without being read whole.
describe("files larger than memory in a build", () => {
  restoreMemoryBudget();

  it("a 5 GiB file made by RUN is copied to another stage and read there", async () => {
    // A budget far below the file: zeros kept as a size are not held, so they do not count.
    process.env.TSBUILD_MEMORY = "64m";
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile: [
        "FROM busybox:test AS big",
        "RUN truncate -s 5G /big && echo end >> /big",
        "FROM busybox:test",
        "COPY --from=big /big /big",
        "RUN wc -c /big && tail -c 4 /big",
        "",
      ].join("\n"),
    });
    const r = await buildDir(store, dir);
    expect(r.log).toContain(`${5 * GiB + 4} /big\nend\n`);
    const layers = await store.getImage(r.imageId)!.layers();
    const sizes = await Promise.all(layers.map((l) => l.size()));
    expect(sizes[1]).toBe(5 * GiB + 4);
  });
});

// Issue 17: files past the spill threshold keep their bytes in a temp file, not in memory.
describe("files spilled to disk in a build", () => {
  restoreMemoryBudget();
  const saved = process.env.TSBUILD_SPILL_THRESHOLD;
  afterEach(() => {
    if (saved === undefined) delete process.env.TSBUILD_SPILL_THRESHOLD;
    else process.env.TSBUILD_SPILL_THRESHOLD = saved;
  });

  it("random bytes past the budget go through RUN, the store, COPY --from and a context COPY intact", async () => {
    process.env.TSBUILD_MEMORY = "8m";
    process.env.TSBUILD_SPILL_THRESHOLD = String(2 ** 20);
    const ctxFile = randomBytes(3 * 2 ** 20 + 17);
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile: [
        "FROM busybox:test AS big",
        "RUN dd if=/dev/urandom of=/big bs=1M count=12 2>/dev/null && sha256sum /big",
        "FROM busybox:test",
        "COPY --from=big /big /big",
        "COPY ctx.bin /ctx.bin",
        "RUN sha256sum /big /ctx.bin",
        "",
      ].join("\n"),
      "ctx.bin": ctxFile,
    });
    const r = await buildDir(store, dir);
    const sums = [...r.log.matchAll(/^([0-9a-f]{64}) {2}\/(big|ctx\.bin)$/gm)].map((m) => `${m[2]} ${m[1]}`);
    expect(sums).toHaveLength(3);
    expect(sums[1]).toBe(sums[0]);
    expect(sums[2]).toBe(`ctx.bin ${createHash("sha256").update(ctxFile).digest("hex")}`);
    const layers = await store.getImage(r.imageId)!.layers();
    const sizes = await Promise.all(layers.map((l) => l.size()));
    expect(sizes.slice(1)).toEqual([12 * 2 ** 20, ctxFile.length]);
  });

  it("a large context file a RUN truncates and appends to keeps the bytes of the range it kept", async () => {
    // The copied file refers to the context's file; what RUN keeps of it are ranges of that file.
    process.env.TSBUILD_SPILL_THRESHOLD = String(64 * 1024);
    const ctxFile = randomBytes(300_000);
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile: [
        "FROM busybox:test",
        "COPY big.bin /big.bin",
        "RUN truncate -s 150000 /big.bin && echo tail >> /big.bin && sha256sum /big.bin",
        "",
      ].join("\n"),
      "big.bin": ctxFile,
    });
    const expected = Buffer.concat([ctxFile.subarray(0, 150_000), Buffer.from("tail\n")]);
    const sha = createHash("sha256").update(expected).digest("hex");
    const r = await buildDir(store, dir);
    expect(r.log).toContain(`${sha}  /big.bin`);
    const layers = await store.getImage(r.imageId)!.layers();
    const entries = await layerEntries(await collect(await layers[layers.length - 1].open()));
    expect(entries.find((e) => e.path === "big.bin")).toMatchObject({ size: expected.length, sha256: sha });
  });
});
