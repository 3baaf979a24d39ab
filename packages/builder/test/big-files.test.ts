import { describe, expect, it } from "vitest";
import { buildDir, busyboxStore, contextDir, restoreMemoryBudget } from "./helpers.js";

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
