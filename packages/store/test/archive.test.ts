import { createReadStream, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { importTar, loadArchive, memoryStore, openStore, saveImages, type ImageStore } from "../src/index.js";
import { ociArchive, tarOf } from "./helpers/archive.js";
import { makeImage } from "./helpers/images.js";
import { busyboxExpected, busyboxTar, tempRoot } from "./helpers/paths.js";
import { makeTar } from "./helpers/tar.js";
import { snapshot } from "./helpers/tree.js";

async function saved(store: ImageStore, names: string[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await saveImages(store, names, out);
  return Buffer.concat(chunks);
}

async function members(archive: Buffer): Promise<Map<string, { type: string; data: Buffer; linkname?: string }>> {
  const extract = tar.extract();
  const out = new Map<string, { type: string; data: Buffer; linkname?: string }>();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      out.set(entry.header.name, { type: entry.header.type ?? "file", data: Buffer.concat(chunks), linkname: entry.header.linkname ?? undefined });
    }
  })();
  extract.end(archive);
  await done;
  return out;
}

describe("docker import", () => {
  it("writes Docker's import config: empty config, history comment, amd64/linux", async () => {
    const store = memoryStore();
    const id = await importTar(store, readFileSync(busyboxTar), { created: new Date("2024-01-02T03:04:05.678Z") });
    const config = JSON.parse((await store.getImage(id)!.rawConfig()).toString());
    expect(config).toMatchObject({
      architecture: "amd64", os: "linux", comment: "Imported from -", created: "2024-01-02T03:04:05.678Z",
      history: [{ created: "2024-01-02T03:04:05.678Z", comment: "Imported from -" }],
      rootfs: { type: "layers", diff_ids: [busyboxExpected().diffID] },
    });
    expect(config.config).toMatchObject({ Env: null, Cmd: null, Labels: null, Image: "" });
    expect(Object.keys(config)).toEqual(["architecture", "comment", "config", "container_config", "created", "docker_version", "history", "os", "rootfs"]);
  });

  it("names a URL source, takes -m, and inflates a gzip'd tar first", async () => {
    const store = memoryStore();
    const layer = makeTar([{ name: "a", data: "1" }]);
    const id = await importTar(store, gzipSync(layer), { source: "http://example.test/a.tar" });
    const config = JSON.parse((await store.getImage(id)!.rawConfig()).toString());
    expect(config.history[0].comment).toBe("Imported from http://example.test/a.tar");
    expect((await store.getImage(id)!.layers())[0].chainID).toBe("sha256:" + (await import("node:crypto")).createHash("sha256").update(layer).digest("hex"));
    const id2 = await importTar(store, layer, { comment: "hello" });
    expect(JSON.parse((await store.getImage(id2)!.rawConfig()).toString()).comment).toBe("hello");
  });

  it("rejects, rather than crashing the process, when the stream it is given fails before it is read", async () => {
    const missing = join(tempRoot(), "missing.tar");
    await expect(importTar(memoryStore(), createReadStream(missing))).rejects.toThrow(/ENOENT/);
    await expect(openStore(tempRoot()).putLayer(createReadStream(missing), null)).rejects.toThrow(/ENOENT/);
  });
});

describe("docker save / load", () => {
  it("round-trips images with their tags, layers and parent links", async () => {
    const src = openStore(tempRoot());
    const base = await importTar(src, readFileSync(busyboxTar), { ref: "busybox:1" });
    const mid = await makeImage(src, { parent: base });
    const top = await makeImage(src, { parent: mid, layers: [] });
    await src.tag("app:1", top);
    await src.tag("app:2", top);
    const archive = await saved(src, ["app", "busybox:1", mid.slice(7, 19)]);

    const m = await members(archive);
    const manifest = JSON.parse(m.get("manifest.json")!.data.toString());
    expect(manifest).toHaveLength(3);
    expect(manifest[0].RepoTags).toEqual(["app:1", "app:2"]);
    expect(manifest[0].Parent).toBe(mid);
    expect(manifest[2].RepoTags).toBeNull();
    expect(JSON.parse(m.get("repositories")!.data.toString())).toEqual({
      app: { "1": manifest[0].Layers.at(-1).split("/")[0], "2": manifest[0].Layers.at(-1).split("/")[0] },
      busybox: { "1": manifest[1].Layers[0].split("/")[0] },
    });
    // busybox's layer is the top of one image and the base of others: stored once, linked after.
    const links = [...m.values()].filter((e) => e.type === "symlink");
    expect(links.length).toBeGreaterThan(0);
    expect(m.get(manifest[1].Layers[0])!.data.equals(readFileSync(busyboxTar)) || m.get(manifest[1].Layers[0])!.type === "symlink").toBe(true);

    const dst = openStore(tempRoot());
    const lines = await loadArchive(dst, archive);
    expect(lines).toEqual(["Loaded image: app:1", "Loaded image: app:2", "Loaded image: busybox:1", `Loaded image ID: ${top}`, `Loaded image ID: ${base}`, `Loaded image ID: ${mid}`]);
    expect(dst.resolve("app:2")).toBe(top);
    expect(dst.parentOf(top)).toBe(mid);
    expect(dst.parentOf(mid)).toBe(base);
    expect(await dst.fsck()).toEqual([]);
  });

  it("reloading over an existing tag says Docker's rename line", async () => {
    const a = memoryStore();
    const one = await makeImage(a);
    await a.tag("x:1", one);
    const dst = memoryStore();
    const other = await makeImage(dst);
    await dst.tag("x:1", other);
    expect(await loadArchive(dst, await saved(a, ["x:1"]))).toEqual([
      `The image x:1 already exists, renaming the old one with ID ${other} to empty string`,
      "Loaded image: x:1",
    ]);
  });

  it("loads a gzip'd archive and a file path", async () => {
    const src = memoryStore();
    const id = await makeImage(src);
    await src.tag("g:1", id);
    const archive = await saved(src, ["g:1"]);
    expect(await loadArchive(memoryStore(), gzipSync(archive))).toEqual(["Loaded image: g:1"]);
    const file = join(tempRoot(), "a.tar");
    writeFileSync(file, archive);
    expect(await loadArchive(memoryStore(), file)).toEqual(["Loaded image: g:1"]);
    expect(await loadArchive(memoryStore(), createReadStream(file))).toEqual(["Loaded image: g:1"]);
  });

  it("loads an OCI image layout archive, recording the compressed digests under distribution/", async () => {
    const root = tempRoot();
    const store = openStore(root);
    const layers = [makeTar([{ name: "a", data: "1" }]), makeTar([{ name: "b", data: "2" }])];
    const oci = await ociArchive(layers, { name: "docker.io/library/ocitest:3" });
    expect(await loadArchive(store, oci.archive)).toEqual(["Loaded image: ocitest:3"]);
    const id = store.resolve("ocitest:3")!;
    expect(id).toBe(oci.configDigest);
    expect(readFileSync(join(root, "image/overlay2/distribution/diffid-by-digest/sha256", oci.gz[1].slice(7)), "utf8")).toBe(oci.diffIDs[1]);
    expect(JSON.parse(readFileSync(join(root, "image/overlay2/distribution/v2metadata-by-diffid/sha256", oci.diffIDs[0].slice(7)), "utf8"))).toEqual([
      { Digest: oci.gz[0], SourceRepository: "", HMAC: "" },
    ]);
    const unnamed = await ociArchive([makeTar([{ name: "c", data: "3" }])]);
    expect(await loadArchive(store, unnamed.archive)).toEqual([`Loaded image ID: ${unnamed.configDigest}`]);
  });

  it("saving an unknown image fails with Docker's words, an image without layers is refused", async () => {
    const store = memoryStore();
    await expect(saved(store, ["nosuch"])).rejects.toThrow("No such image: nosuch");
    await expect(saved(store, ["nosuch:2"])).rejects.toThrow("No such image: nosuch:2");
    const empty = await store.putImage(Buffer.from(JSON.stringify({ rootfs: { type: "layers", diff_ids: [] } })));
    await expect(saved(store, [empty])).rejects.toThrow("empty export - not implemented");
  });
});

describe("bad archives leave the store as it was", () => {
  const setup = async () => {
    const root = tempRoot();
    const store = openStore(root);
    await importTar(store, makeTar([{ name: "seed", data: "seed" }]), { ref: "seed:1" });
    return { root, store, before: snapshot(root) };
  };

  it("a layer whose content does not match the config's diffID", async () => {
    const { root, store, before } = await setup();
    const src = memoryStore();
    const good = await makeImage(src);
    await src.tag("t:1", good);
    const m = await members(await saved(src, ["t:1"]));
    const manifest = JSON.parse(m.get("manifest.json")!.data.toString());
    const files = [...m.entries()].filter(([, e]) => e.type === "file").map(([name, e]) => ({
      name,
      data: name === manifest[0].Layers[0] ? makeTar([{ name: "other", data: "x" }]) : e.data,
    }));
    await expect(loadArchive(store, await tarOf(files))).rejects.toThrow(/invalid diffID for layer 0: expected "sha256:[a-f0-9]{64}", got "sha256:[a-f0-9]{64}"/);
    expect(snapshot(root)).toEqual(before);
  });

  it("a second image with a broken layer: the first one is not loaded either", async () => {
    const { root, store, before } = await setup();
    const src = memoryStore();
    const a = await makeImage(src);
    const b = await makeImage(src);
    await src.tag("a:1", a);
    await src.tag("b:1", b);
    const m = await members(await saved(src, ["a:1", "b:1"]));
    const manifest = JSON.parse(m.get("manifest.json")!.data.toString());
    const broken = manifest[1].Layers[0];
    const files = [...m.entries()].filter(([, e]) => e.type === "file").map(([name, e]) => ({
      name, data: name === broken ? e.data.subarray(0, 700) : e.data,
    }));
    await expect(loadArchive(store, await tarOf(files))).rejects.toThrow(/layer .*layer.tar in the archive: truncated tar/);
    expect(snapshot(root)).toEqual(before);
  });

  it("not an image archive, a truncated archive, a manifest naming missing files, a corrupt OCI blob", async () => {
    const { root, store, before } = await setup();
    await expect(loadArchive(store, await tarOf([{ name: "hello.txt", data: "hi" }]))).rejects.toThrow(/not an image archive/);
    const src = memoryStore();
    await src.tag("t:1", await makeImage(src));
    const archive = await saved(src, ["t:1"]);
    await expect(loadArchive(store, archive.subarray(0, 1500))).rejects.toThrow(/cannot read the image archive/);
    await expect(loadArchive(store, await tarOf([{ name: "manifest.json", data: '[{"Config":"x.json","Layers":[]}]' }]))).rejects.toThrow(/names x.json, which the archive lacks/);
    await expect(loadArchive(store, await tarOf([{ name: "manifest.json", data: "{" }]))).rejects.toThrow(/manifest.json: /);
    await expect(loadArchive(store, await tarOf([{ name: "../evil", data: "x" }]))).rejects.toThrow(/points outside the archive/);
    const oci = await ociArchive([makeTar([{ name: "a", data: "1" }])], { name: "x:1", corruptBlob: true });
    await expect(loadArchive(store, oci.archive)).rejects.toThrow(/hashes to sha256:[a-f0-9]{64}, not its digest/);
    await expect(loadArchive(store, join(root, "missing.tar"))).rejects.toThrow(/ENOENT|no such file/);
    expect(snapshot(root)).toEqual(before);
    expect(existsSync(join(root, "image/overlay2/repositories.json"))).toBe(true);
  });
});
