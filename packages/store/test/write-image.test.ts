import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { writeTar } from "@tsbuild/archive";
import { emptyContainerConfig, imageFrom, layerFrom, serializeConfig, sha256Digest, type Image } from "@tsbuild/image";
import { memoryStore } from "../src/index.js";

const file = (name: string, content: string) =>
  ({ name, type: "file" as const, mode: 0o644, uid: 0, gid: 0, mtime: 0, content: Buffer.from(content) });

/** An Image from layer tars, with the config's diffIDs as given (the tars' own by default). */
function image(tars: Buffer[], diffIDs = tars.map((t) => sha256Digest(t))): Image {
  const config = serializeConfig({
    architecture: "amd64", os: "linux", created: "2024-01-01T00:00:00Z", config: emptyContainerConfig(),
    history: tars.map(() => ({ created_by: "test" })), rootfs: { type: "layers", diff_ids: diffIDs },
  });
  return imageFrom({ rawConfig: () => config, layers: () => tars.map((t) => layerFrom({ open: () => Readable.from([t]) })) });
}

describe("ImageStore.writeImage", () => {
  test("writes the layers, the config and each tag once, and returns the image's ID", async () => {
    const store = memoryStore();
    const img = image([writeTar([file("a", "1")]), writeTar([file("b", "22")])]);
    const id = await store.writeImage(img, ["w/one", "w/one:latest", "w/two:1"]);
    expect(id).toBe(await img.id());
    expect(store.listLayers()).toHaveLength(2);
    expect(store.tagsOf(id)).toEqual(["w/one:latest", "w/two:1"]);
    const stored = store.getImage(id)!;
    expect(await Promise.all((await stored.layers()).map((l) => l.size()))).toEqual([1, 2]);
    // A second write finds everything there: same ID, nothing added.
    expect(await store.writeImage(img, [])).toBe(id);
    expect(store.listLayers()).toHaveLength(2);
  });

  test("a layer that does not hash to the config's diffID leaves the store as it was", async () => {
    const store = memoryStore();
    const good = writeTar([file("a", "1")]);
    const bad = image([good, writeTar([file("b", "2")])], [sha256Digest(good), sha256Digest("something else")]);
    await expect(store.writeImage(bad, ["w/bad"])).rejects.toThrow(/^layer tar hashes to sha256:\w+, expected sha256:/);
    expect(store.listLayers()).toEqual([]);
    expect(store.listImages()).toEqual([]);
  });

  test("a bad tag is refused before anything is written", async () => {
    const store = memoryStore();
    await expect(store.writeImage(image([writeTar([file("a", "1")])]), ["Not A Tag"])).rejects.toThrow("invalid reference format");
    expect(store.listLayers()).toEqual([]);
  });

  test("an image whose layers disagree with its config in number is refused", async () => {
    const store = memoryStore();
    const tar = writeTar([file("a", "1")]);
    const img = image([tar], [sha256Digest(tar), sha256Digest(tar)]);
    await expect(store.writeImage(img)).rejects.toThrow("the image has 1 layers but its config lists 2 diffIDs");
  });
});
