import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layerEntries, RootFS } from "@tsbuild/fs-snapshot";
import { cacheMountsDir, diskUsage, importTar, listCacheMounts, openStore, pruneCacheMounts, type ImageStore } from "@tsbuild/store";
import { BUSYBOX_TAR, buildDir, busyboxStore, collect, contextDir } from "./helpers.js";

/** The content of `path` in the image. */
async function fileInTop(store: ImageStore, id: string, path: string): Promise<string> {
  const fs = new RootFS();
  for (const l of await store.getImage(id)!.layers()) await fs.applyLayer(await collect(await l.open()));
  return fs.readFile("/" + path).toString();
}

const DOCKERFILE = "FROM busybox:test\nARG N\nRUN --mount=type=cache,target=/c echo $N >> /c/log && cat /c/log > /seen\n";

describe("BuildKit cache mounts", () => {
  it("keep their content across builds, never in a layer; --no-cache starts afresh and replaces it (as dockerd 20.10 does)", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: DOCKERFILE });
    const one = await buildDir(store, dir, { buildkit: true, buildArgs: { N: "1" } });
    expect(await fileInTop(store, one.imageId, "seen")).toBe("1\n");
    const two = await buildDir(store, dir, { buildkit: true, buildArgs: { N: "2" } });
    expect(await fileInTop(store, two.imageId, "seen")).toBe("1\n2\n");
    const layers = await store.getImage(two.imageId)!.layers();
    const top = (await layerEntries(await collect(await layers[layers.length - 1].open()))).map((e) => e.path);
    expect(top).not.toContain("c/log");
    const fresh = await buildDir(store, dir, { buildkit: true, noCache: true, buildArgs: { N: "3" } });
    expect(await fileInTop(store, fresh.imageId, "seen")).toBe("3\n");
    const after = await buildDir(store, dir, { buildkit: true, buildArgs: { N: "4" } });
    expect(await fileInTop(store, after.imageId, "seen")).toBe("3\n4\n");
  });

  it("an id with another base (uid/gid/mode) is another cache; a base survives --no-cache", async () => {
    const store = await busyboxStore();
    const dir = contextDir({
      Dockerfile:
        "FROM busybox:test\nARG N\nRUN --mount=type=cache,id=x,target=/c,uid=7,mode=0700 echo $N >> /c/log && cat /c/log > /seen\n" +
        "RUN --mount=type=cache,id=x,target=/d ls -a /d > /plain\n",
    });
    await buildDir(store, dir, { buildkit: true, noCache: true, buildArgs: { N: "1" } });
    const r = await buildDir(store, dir, { buildkit: true, noCache: true, buildArgs: { N: "2" } });
    const layers = await store.getImage(r.imageId)!.layers();
    expect(layers.length).toBe(3);
    expect(await fileInTop(store, r.imageId, "plain")).toBe(".\n..\n");
  });

  it("live under the store root: system df counts them as build cache, builder prune removes them", async () => {
    const root = mkdtempSync(join(tmpdir(), "tsbuild-cache-mounts-"));
    try {
      const store = openStore(root);
      await importTar(store, readFileSync(BUSYBOX_TAR), { ref: "busybox:test", created: new Date("2024-01-01T00:00:00Z") });
      const dir = contextDir({ Dockerfile: DOCKERFILE });
      await buildDir(store, dir, { buildkit: true, buildArgs: { N: "hello" } });
      expect(readdirSync(cacheMountsDir(root)).filter((n) => n.endsWith(".tar"))).toHaveLength(1);
      const [m] = listCacheMounts(root);
      expect(m).toMatchObject({ id: "/c", size: 6 });
      const usage = await diskUsage(store);
      expect(usage.buildCache.total).toBe(1);
      expect(usage.buildCache.size).toBe(6);
      expect(pruneCacheMounts(root).map((c) => c.id)).toEqual(["/c"]);
      expect(listCacheMounts(root)).toEqual([]);
      expect(existsSync(cacheMountsDir(root))).toBe(true);
      // A new build after the prune starts with an empty cache.
      const again = await buildDir(store, dir, { buildkit: true, buildArgs: { N: "again" } });
      expect(await fileInTop(store, again.imageId, "seen")).toBe("again\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("RUN --mount=type=ssh,required fails as Docker does without --ssh; without required the socket variable is still set", async () => {
    const store = await busyboxStore();
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nRUN --mount=type=ssh,required true\n" });
    await expect(buildDir(store, dir, { buildkit: true })).rejects.toThrow('no SSH key "" forwarded from the client');
    const ok = contextDir({ Dockerfile: "FROM busybox:test\nRUN --mount=type=ssh echo $SSH_AUTH_SOCK > /sock\n" });
    const r = await buildDir(store, ok, { buildkit: true });
    expect(await fileInTop(store, r.imageId, "sock")).toBe("/run/buildkit/ssh_agent.0\n");
  });
});
