import { describe, expect, it } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { buildDir, busyboxStore, collect, contextDir } from "./helpers.js";

async function entries(store: Awaited<ReturnType<typeof busyboxStore>>, id: string) {
  const layers = await store.getImage(id)!.layers();
  return Promise.all(layers.slice(1).map(async (l) => layerEntries(await collect(await l.open()))));
}

describe("BuildKit mode", () => {
  it("writes one image without parent, BuildKit's history, and keeps --mount content out of the layers", async () => {
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile: "FROM busybox:test AS unused\nRUN echo never > /never\nFROM busybox:test\nCOPY --chmod=750 a.sh /a.sh\nRUN --mount=type=cache,target=/root/.cache echo big > /root/.cache/blob && echo kept > /kept\nCMD [\"sh\"]\n",
      "a.sh": "#!/bin/sh\n",
    });
    const lines: string[] = [];
    const r = await buildDir(store, dir, { buildkit: true, output: (s) => lines.push(s) });
    expect(store.listImages().filter((id) => id !== store.resolve("busybox:test"))).toEqual([r.imageId]);
    expect(store.parentOf(r.imageId)).toBeUndefined();
    const cfg = await store.getImage(r.imageId)!.config();
    expect(cfg.history!.slice(1).map((h) => h.created_by)).toEqual(["COPY a.sh /a.sh # buildkit", "RUN /bin/sh -c echo big > /root/.cache/blob && echo kept > /kept # buildkit", 'CMD ["sh"]']);
    expect(cfg.container_config).toBeUndefined();
    const [copy, run] = await entries(store, r.imageId);
    expect(copy.find((e) => e.path === "a.sh")?.mode).toBe("0750");
    expect(run.map((e) => e.path)).toContain("kept");
    expect(run.map((e) => e.path)).not.toContain("root/.cache/blob");
    // The unused stage never ran.
    expect(lines.join("")).not.toContain("echo never");
    rmSync(dir, { recursive: true, force: true });
  });

  it("keys COPY on content and --chmod: an added --chmod misses, an untouched file's mtime does not", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nCOPY a.sh /x\n", "a.sh": "#!/bin/sh\n" });
    await buildDir(store, dir, { buildkit: true });
    writeFileSync(join(dir, "a.sh"), "#!/bin/sh\n"); // same bytes, new mtime
    const same = await buildDir(store, dir, { buildkit: true });
    expect(same.steps.map((s) => s.cached)).toEqual([false, true]);
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:test\nCOPY --chmod=755 a.sh /x\n");
    const chmod = await buildDir(store, dir, { buildkit: true });
    expect(chmod.steps.map((s) => s.cached)).toEqual([false, false]);
    const [layer] = await entries(store, chmod.imageId);
    expect(layer.find((e) => e.path === "x")?.mode).toBe("0755");
    rmSync(dir, { recursive: true, force: true });
  });
});
