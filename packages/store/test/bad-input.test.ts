import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { importTar, openStore, type ImageStore } from "../src/index.js";
import { makeTar } from "./helpers/tar.js";
import { busyboxTar, tempRoot } from "./helpers/paths.js";
import { snapshot } from "./helpers/tree.js";

/** Each bad input must fail with a clear message and leave every file of the store as it was. */
describe("bad input leaves the store exactly as it was", () => {
  let root: string;
  let store: ImageStore;
  let before: Record<string, string>;

  beforeEach(async () => {
    root = tempRoot();
    store = openStore(root);
    await importTar(store, readFileSync(busyboxTar), { ref: "conformance/busybox:1" });
    before = snapshot(root);
  });

  const refused = async (tar: Buffer, message: RegExp) => {
    await expect(importTar(store, tar, { ref: "bad:1" })).rejects.toThrow(message);
    expect(snapshot(root)).toEqual(before);
  };

  it("a truncated tar (cut inside a member's data)", async () => {
    const tar = makeTar([{ name: "a", data: "x".repeat(2000) }]);
    await refused(tar.subarray(0, 1200), /truncated tar: unexpected end of data in the data of "a"/);
  });

  it("a tar cut inside a header or a padding block", async () => {
    const tar = makeTar([{ name: "a", data: "xy" }, { name: "b", data: "z" }]);
    await refused(tar.subarray(0, 700), /truncated tar: unexpected end of data in the padding after "a"/);
    await refused(tar.subarray(0, 1024 + 100), /truncated tar: unexpected end of data in a tar header/);
  });

  it("a corrupt tar (bad header checksum, or not a tar at all)", async () => {
    const tar = makeTar([{ name: "a", data: "x" }]);
    tar[10] ^= 0xff;
    await refused(tar, /invalid tar header/);
    await refused(Buffer.from("this is not a tar archive at all\n".repeat(40)), /invalid tar header/);
  });

  it("members named with ../ or an absolute path", async () => {
    await refused(makeTar([{ name: "../evil", data: "x" }]), /tar member "..\/evil" contains '..'/);
    await refused(makeTar([{ name: "a/../../evil", data: "x" }]), /contains '..'/);
    await refused(makeTar([{ name: "/etc/evil", data: "x" }]), /tar member "\/etc\/evil" has an absolute path/);
  });

  it("symlinks that lead outside the layer, and members written through a symlink", async () => {
    await refused(makeTar([{ name: "s", type: "symlink", linkname: "../../etc/passwd" }]), /invalid symlink "s" -> "..\/..\/etc\/passwd": it leads outside the layer/);
    await refused(makeTar([{ name: "d/s", type: "symlink", linkname: "/../../x" }]), /leads outside the layer/);
    await refused(
      makeTar([{ name: "s", type: "symlink", linkname: "/tmp" }, { name: "s/x", data: "x" }]),
      /tar member "s\/x" is beneath the symlink "s"/,
    );
  });

  it("hard links to nothing in the layer, duplicate paths, unknown member types", async () => {
    await refused(makeTar([{ name: "h", type: "link", linkname: "nothere" }]), /hard link "h" -> "nothere": no such file in the layer/);
    await refused(makeTar([{ name: "a", data: "1" }, { name: "./a", data: "2" }]), /duplicates of file paths not supported: ".\/a"/);
    const odd = makeTar([{ name: "x", data: "1" }]);
    odd[156] = "7".charCodeAt(0);
    let sum = 0;
    odd.fill(0x20, 148, 156);
    for (const c of odd.subarray(0, 512)) sum += c;
    odd.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
    await refused(odd, /unhandled tar header type 55/);
  });

  it("an invalid reference is refused before anything is written", async () => {
    await expect(importTar(store, makeTar([{ name: "a", data: "1" }]), { ref: "Bad/Name" })).rejects.toThrow(/repository name must be lowercase/);
    expect(snapshot(root)).toEqual(before);
  });

  it("a corrupt repositories.json: tagging fails clearly and the file is not rewritten", async () => {
    const path = join(root, "image/overlay2/repositories.json");
    writeFileSync(path, '{"Repositories": {"x": ');
    before = snapshot(root);
    const id = store.listImages()[0];
    await expect(store.tag("other:1", id)).rejects.toThrow(/corrupt .*repositories.json: /);
    expect(() => store.resolve("conformance/busybox:1")).toThrow(/corrupt .*repositories.json/);
    expect(snapshot(root)).toEqual(before);
    writeFileSync(path, '{"Repositories": {"x": {"x:1": "not-an-id"}}}');
    expect(() => store.tagsOf(id)).toThrow(/"x:1" does not map to an image ID/);
  });

  it("an unknown image: tag, untag and remove fail with Docker's words", async () => {
    await expect(store.tag("a:1", "sha256:" + "0".repeat(64))).rejects.toThrow(/^No such image: sha256:0{64}$/);
    await expect(store.untag("nosuch")).rejects.toThrow(/^No such image: nosuch:latest$/);
    await expect(store.removeImage("nosuch")).rejects.toThrow(/^No such image: nosuch:latest$/);
    expect(store.resolve("nosuch")).toBeUndefined();
    expect(snapshot(root)).toEqual(before);
  });

  it("an image config naming layers the store lacks", async () => {
    const config = Buffer.from(JSON.stringify({ rootfs: { type: "layers", diff_ids: ["sha256:" + "1".repeat(64)] } }));
    await expect(store.putImage(config)).rejects.toThrow(/failed to get layer sha256:1{64}: layer does not exist/);
    await expect(store.putImage(Buffer.from("{}"))).rejects.toThrow(/no RootFS key/);
    await expect(store.putImage(Buffer.from("{"))).rejects.toThrow(/invalid image JSON/);
    expect(snapshot(root)).toEqual(before);
  });

  it("a layer on a parent the store lacks", async () => {
    await expect(store.putLayer(makeTar([{ name: "a" }]), "sha256:" + "2".repeat(64))).rejects.toThrow(/parent layer sha256:2{64} is not in the store/);
    expect(snapshot(root)).toEqual(before);
  });
});
