import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RootFS } from "@tsbuild/fs-snapshot";
import { BuildContext } from "@tsbuild/context";
import type { ImageStore } from "@tsbuild/store";
import { buildDir, busyboxStore, collect, contextDir } from "./helpers.js";

async function imageFs(store: ImageStore, id: string): Promise<RootFS> {
  const fs = new RootFS();
  for (const l of await store.getImage(id)!.layers()) await fs.applyLayer(await collect(await l.open()));
  return fs;
}

const text = (fs: RootFS, p: string) => fs.readFile(p).toString();

describe("BuildKit's --build-context (named contexts)", () => {
  it("COPY --from and RUN --mount from= read a named directory, whose content is in the cache key", async () => {
    const store = await busyboxStore();
    const side = contextDir({ "lib/a.txt": "side a\n", "b.txt": "side b\n" });
    const dir = contextDir({
      Dockerfile: "FROM busybox:test\nCOPY --from=extra lib/a.txt /a.txt\nRUN --mount=from=extra,target=/m cat /m/b.txt > /b.txt\n",
    });
    const named = async () => ({ extra: { context: await BuildContext.fromDirectory(side, { noDockerfile: true }) } });
    const one = await buildDir(store, dir, { buildkit: true, sourceDateEpoch: 0, namedContexts: await named() });
    const fs = await imageFs(store, one.imageId);
    expect(text(fs, "/a.txt")).toBe("side a\n");
    expect(text(fs, "/b.txt")).toBe("side b\n");
    // Unchanged, every step is cached (a fixed clock, so the exported image is the same too).
    const again = await buildDir(store, dir, { buildkit: true, sourceDateEpoch: 0, namedContexts: await named() });
    expect(again.log).toMatch(/#2 CACHED[^]*#3 CACHED/);
    expect(again.imageId).toBe(one.imageId);
    // A changed file in the named context is a new input for both steps.
    writeFileSync(`${side}/b.txt`, "side b, changed\n");
    const two = await buildDir(store, dir, { buildkit: true, sourceDateEpoch: 0, namedContexts: await named() });
    expect(two.imageId).not.toBe(one.imageId);
    expect(two.log).not.toMatch(/#3 CACHED/);
    expect(text(await imageFs(store, two.imageId), "/b.txt")).toBe("side b, changed\n");
  });

  it("a docker-image:// context replaces the image FROM names, and a stage of the same name", async () => {
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile: "FROM nosuchimage:1 AS base\nRUN echo from-stage > /who\nFROM base\nRUN cat /who 2>/dev/null || echo replaced > /who2\n",
    });
    const r = await buildDir(store, dir, { buildkit: true, namedContexts: { base: { image: "busybox:test" } } });
    const fs = await imageFs(store, r.imageId);
    expect(fs.exists("/who")).toBe(false);
    expect(text(fs, "/who2")).toBe("replaced\n");
    const alias = await buildDir(store, contextDir({ Dockerfile: "FROM alpine\nRUN echo hi > /hi\n" }), { buildkit: true, namedContexts: { alpine: { image: "busybox:test" } } });
    expect(text(await imageFs(store, alias.imageId), "/hi")).toBe("hi\n");
  });

  it("FROM a named directory starts from its files", async () => {
    const store = await busyboxStore();
    const side = contextDir({ "etc/app.conf": "x=1\n", "bin/tool": "#!/bin/sh\n" });
    const dir = contextDir({ Dockerfile: "FROM rootdir\nCOPY --from=busybox:test /bin/busybox /bin/busybox\n" });
    const named = { rootdir: { context: await BuildContext.fromDirectory(side, { noDockerfile: true }) } };
    const r = await buildDir(store, dir, { buildkit: true, namedContexts: named });
    const fs = await imageFs(store, r.imageId);
    expect(text(fs, "/etc/app.conf")).toBe("x=1\n");
    expect(fs.exists("/bin/tool")).toBe(true);
    expect((await store.getImage(r.imageId)!.layers()).length).toBe(2);
    // The same context object in another store's build: its image is made there too.
    const other = await busyboxStore();
    const again = await buildDir(other, dir, { buildkit: true, namedContexts: { rootdir: named.rootdir } });
    expect(text(await imageFs(other, again.imageId), "/etc/app.conf")).toBe("x=1\n");
  });

  it("the classic builder ignores named contexts (it has none)", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM alpine\n" });
    await expect(buildDir(store, dir, { builtins: false, namedContexts: { alpine: { image: "busybox:test" } } })).rejects.toThrow(/pull access denied for alpine/);
  });
});
