import { readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { importTar, openStore, type ImageStore } from "../src/index.js";
import { makeImage } from "./helpers/images.js";
import { busyboxTar, tempRoot } from "./helpers/paths.js";

describe("fsck", () => {
  let root: string;
  let store: ImageStore;
  let base: string;
  let top: string;

  beforeEach(async () => {
    root = tempRoot();
    store = openStore(root);
    base = await importTar(store, readFileSync(busyboxTar), { ref: "busybox:1" });
    top = await makeImage(store, { parent: base });
    await store.tag("app:1", top);
  });

  const layerOf = async (id: string, i: number) => (await store.getImage(id)!.layers())[i];

  it("finds nothing wrong in a healthy store", async () => {
    expect(await store.fsck()).toEqual([]);
  });

  it("re-hashes layers: a changed file in diff/", async () => {
    const l = await layerOf(base, 0);
    writeFileSync(join(root, "overlay2", l.cacheID, "diff/etc/motd"), "changed\n");
    const problems = await store.fsck();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`layer ${l.chainID}: cannot be rebuilt from diff/ and tar-split: file .*"./etc/motd"`));
  });

  it("a wrong size file, a broken l/ link, a wrong lower file", async () => {
    const l = await layerOf(top, 1);
    writeFileSync(join(root, "image/overlay2/layerdb/sha256", l.chainID.slice(7), "size"), "12345");
    const link = readFileSync(join(root, "overlay2", l.cacheID, "link"), "utf8");
    unlinkSync(join(root, "overlay2/l", link));
    writeFileSync(join(root, "overlay2", l.cacheID, "lower"), "l/AAAAAAAAAAAAAAAAAAAAAAAAAA");
    const problems = (await store.fsck()).join("\n");
    expect(problems).toMatch(/size file says 12345, the layer's files add up to \d+/);
    expect(problems).toContain(`overlay2/l/${link} does not point to ../${l.cacheID}/diff`);
    expect(problems).toMatch(/overlay2 lower file is "l\/A{26}", expected "l\/[A-Z2-7]{26}"/);
  });

  it("chainIDs, parent layers, image IDs, parent images and tags", async () => {
    const l = await layerOf(top, 1);
    writeFileSync(join(root, "image/overlay2/layerdb/sha256", l.chainID.slice(7), "parent"), "sha256:" + "3".repeat(64));
    const content = join(root, "image/overlay2/imagedb/content/sha256", top.slice(7));
    writeFileSync(content, readFileSync(content, "utf8").replace("amd64", "arm64"));
    writeFileSync(join(root, "image/overlay2/imagedb/metadata/sha256", top.slice(7), "parent"), "sha256:" + "4".repeat(64));
    rmSync(join(root, "image/overlay2/imagedb/content/sha256", base.slice(7)));
    const problems = (await store.fsck()).join("\n");
    expect(problems).toContain(`layer ${l.chainID}: parent layer sha256:${"3".repeat(64)} is missing`);
    expect(problems).toContain(`layer ${l.chainID}: chainID should be`);
    expect(problems).toContain(`image ${top}: config hashes to sha256:`);
    expect(problems).toContain(`image ${top}: parent image sha256:${"4".repeat(64)} is missing`);
    expect(problems).toContain(`repositories.json: busybox:1 points to missing image ${base}`);
    expect(problems).toContain(`image metadata ${base}: no such image`);
  });

  it("missing layers of an image, leftovers of an interrupted write, unused driver dirs", async () => {
    const l = await layerOf(top, 1);
    rmSync(join(root, "image/overlay2/layerdb/sha256", l.chainID.slice(7)), { recursive: true });
    mkdirSync(join(root, "image/overlay2/layerdb/tmp/write-set-123"), { recursive: true });
    const problems = (await store.fsck()).join("\n");
    expect(problems).toContain(`image ${top}: layer 2 (chainID ${l.chainID}) is missing`);
    expect(problems).toContain(`overlay2/${l.cacheID}: not used by any layer`);
    expect(problems).toContain("layerdb/tmp/write-set-123: left behind by an interrupted write");
  });

  it("a corrupt repositories.json is reported, not thrown", async () => {
    writeFileSync(join(root, "image/overlay2/repositories.json"), "[");
    expect((await store.fsck()).join("\n")).toMatch(/corrupt .*repositories.json/);
  });
});
