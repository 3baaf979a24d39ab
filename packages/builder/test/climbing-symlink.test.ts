import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { importTar, openStore } from "@tsbuild/store";
import { buildDir, busyboxStore, collect, contextDir } from "./helpers.js";


// Issue 17: the import rule "a symlink may not lead outside the layer" was applied to the
// build's own layers; Docker builds both of these (the target resolves at "/").
describe("symlinks that climb above / in the build's own layers", () => {
  it("RUN ln -s ../../../lib/libc.so /usr/lib/libc.so builds", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nRUN mkdir -p /usr/lib && ln -s ../../../lib/libc.so /usr/lib/libc.so\n" });
    const r = await buildDir(store, dir);
    const layers = await store.getImage(r.imageId)!.layers();
    const entries = await layerEntries(await collect(await layers[layers.length - 1].open()));
    expect(entries.find((e) => e.path === "usr/lib/libc.so")?.linkname).toBe("../../../lib/libc.so");
    await store.tag("climb:1", r.imageId);
    const next = await buildDir(store, contextDir({ Dockerfile: "FROM climb:1\nRUN test -L /usr/lib/libc.so\n" }));
    expect(store.getImage(next.imageId)).toBeDefined();
  });

  it("COPY of a context holding such a link builds", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nCOPY d /usr/lib/\n", "d/keep": "k\n" });
    symlinkSync("../../../lib/libc.so", join(dir, "d/libc.so"));
    const r = await buildDir(store, dir);
    expect(store.getImage(r.imageId)).toBeDefined();
  });

  it("an imported archive with such a link is still refused", async () => {
    const store = openStore(contextDir({}));
    const tarOf = async () => {
      const { default: tar } = await import("tar-stream");
      const pack = tar.pack();
      pack.entry({ name: "usr/lib/libc.so", type: "symlink", linkname: "../../../lib/libc.so" });
      pack.finalize();
      return collect(pack);
    };
    await expect(importTar(store, await tarOf())).rejects.toThrow(/leads outside the layer/);
  });
});
