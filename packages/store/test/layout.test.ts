import { lstatSync, readFileSync, readlinkSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "@tsbuild/image";
import { importTar, openStore } from "../src/index.js";
import { makeTar } from "./helpers/tar.js";
import { busyboxExpected, busyboxTar, tempRoot } from "./helpers/paths.js";

const text = (p: string) => readFileSync(p, "utf8");

describe("the on-disk layout (Docker 20.10, overlay2)", () => {
  it("importing the busybox base gives the diffID and size real Docker recorded", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const id = await importTar(store, readFileSync(busyboxTar), { ref: "conformance/busybox:1" });
    const expected = busyboxExpected();
    const [layer] = await store.getImage(id)!.layers();
    expect(await layer.diffID()).toBe(expected.diffID);
    expect(await layer.size()).toBe(expected.size);
    expect(layer.chainID).toBe(expected.diffID);
  });

  it("writes layerdb, overlay2 and imagedb files in Docker's formats", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const base = await store.putLayer(makeTar([{ name: "a", data: "abc" }, { name: "l", type: "symlink", linkname: "a" }]), null);
    const child = await store.putLayer(makeTar([{ name: "b", data: "hello" }]), base.chainID);
    const grandchild = await store.putLayer(makeTar([{ name: "c", data: "x" }]), child.chainID);

    const ldb = (l: { chainID: string }) => join(root, "image/overlay2/layerdb/sha256", l.chainID.slice(7));
    expect(text(join(ldb(base), "diff"))).toBe(await base.diffID());
    expect(text(join(ldb(base), "size"))).toBe("4"); // 3 file bytes + a 1-byte symlink target
    expect(text(join(ldb(base), "cache-id"))).toMatch(/^[a-f0-9]{64}$/);
    expect(existsSync(join(ldb(base), "parent"))).toBe(false);
    expect(text(join(ldb(child), "parent"))).toBe(base.chainID);
    expect(child.chainID).toBe(sha256Digest(base.chainID + " " + (await child.diffID())));
    expect(existsSync(join(ldb(base), "tar-split.json.gz"))).toBe(true);

    const drv = (l: { cacheID: string }) => join(root, "overlay2", l.cacheID);
    const link = (l: { cacheID: string }) => text(join(drv(l), "link"));
    expect(link(base)).toMatch(/^[A-Z2-7]{26}$/);
    expect(readlinkSync(join(root, "overlay2/l", link(base)))).toBe(`../${base.cacheID}/diff`);
    expect(existsSync(join(drv(base), "lower"))).toBe(false);
    expect(text(join(drv(child), "lower"))).toBe(`l/${link(base)}`);
    expect(text(join(drv(grandchild), "lower"))).toBe(`l/${link(child)}:l/${link(base)}`);
    expect(existsSync(join(drv(base), "committed"))).toBe(true);
    expect(existsSync(join(drv(grandchild), "committed"))).toBe(false);
    expect(lstatSync(join(drv(child), "work")).isDirectory()).toBe(true);
    expect(readFileSync(join(drv(child), "diff/b"), "utf8")).toBe("hello");
    expect(readlinkSync(join(drv(base), "diff/l"))).toBe("a");

    const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [await base.diffID()] } }));
    const parentId = await store.putImage(config);
    expect(parentId).toBe(sha256Digest(config));
    expect(readFileSync(join(root, "image/overlay2/imagedb/content/sha256", parentId.slice(7))).equals(config)).toBe(true);
    const childConfig = Buffer.from(JSON.stringify({ rootfs: { type: "layers", diff_ids: [await base.diffID(), await child.diffID()] } }));
    const childId = await store.putImage(childConfig, parentId);
    expect(text(join(root, "image/overlay2/imagedb/metadata/sha256", childId.slice(7), "parent"))).toBe(parentId);

    await store.tag("me/app", childId);
    await store.tag("docker.io/library/busybox:1", parentId);
    expect(text(join(root, "image/overlay2/repositories.json"))).toBe(
      `{"Repositories":{"busybox":{"busybox:1":"${parentId}"},"me/app":{"me/app:latest":"${childId}"}}}`,
    );
    expect(text(join(root, "image/overlay2/imagedb/metadata/sha256", childId.slice(7), "lastUpdated"))).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
    expect(readdirSync(join(root, "image/overlay2/layerdb/tmp"))).toEqual([]);
  });

  it("keeps whiteouts as empty regular files and devices as placeholders, readable without root", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const layer = await store.putLayer(makeTar([
      { name: "d/", type: "dir", mode: 0o500 },
      { name: "d/.wh.gone", mode: 0o600 },
      { name: "d/.wh..wh..opq", mode: 0o755 },
      { name: "dev", type: "char" },
      { name: "s", data: "x", mode: 0o4755 },
      { name: "locked", data: "secret", mode: 0o000 },
    ]), null);
    const diff = join(root, "overlay2", layer.cacheID, "diff");
    for (const f of ["d/.wh.gone", "d/.wh..wh..opq", "dev"]) {
      const st = lstatSync(join(diff, f));
      expect(st.isFile()).toBe(true);
      expect(st.size).toBe(0);
    }
    expect(lstatSync(join(diff, "s")).mode & 0o7777).toBe(0o755);
    expect(lstatSync(join(diff, "locked")).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(diff, "d")).mode & 0o777).toBe(0o700);
    expect(await store.fsck()).toEqual([]);
  });

  it("putLayer is idempotent for a chainID that exists, and leaves no second directory", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const tar = makeTar([{ name: "a", data: "1" }]);
    const a = await store.putLayer(tar, null);
    const b = await store.putLayer(tar, null);
    expect(b.cacheID).toBe(a.cacheID);
    expect(readdirSync(join(root, "overlay2")).filter((n) => n !== "l")).toEqual([a.cacheID]);
    expect(readdirSync(join(root, "overlay2/l"))).toHaveLength(1);
  });

  it("streams a layer given as a Node stream", async () => {
    const store = openStore(tempRoot());
    const { createReadStream } = await import("node:fs");
    const layer = await store.putLayer(createReadStream(busyboxTar, { highWaterMark: 1000 }), null);
    expect(await layer.diffID()).toBe(busyboxExpected().diffID);
  });
});
