import { Readable } from "node:stream";
import { describe, expect, test } from "vitest";
import { writeTar } from "@tsbuild/archive";
import { imageFrom, layerFrom, sha256Digest } from "../src/index.js";

describe("partial: what an image or layer leaves out is derived once", () => {
  test("a layer's diffID and Docker size come from its tar, read once each", async () => {
    const tar = writeTar([
      { name: "d", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0 },
      { name: "d/f", type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, content: Buffer.from("12345") },
      { name: "d/l", type: "symlink", mode: 0o777, uid: 0, gid: 0, mtime: 0, linkname: "f" },
      { name: "d/h", type: "hardlink", mode: 0o644, uid: 0, gid: 0, mtime: 0, linkname: "d/f" },
    ]);
    let opened = 0;
    const layer = layerFrom({ open: () => (opened++, Readable.from([tar])) });
    expect(await layer.diffID()).toBe(sha256Digest(tar));
    expect(await layer.size()).toBe(6);
    expect(await layer.diffID()).toBe(sha256Digest(tar));
    expect(await layer.size()).toBe(6);
    expect(opened).toBe(2);
  });

  test("given values are used as they are, without opening the tar", async () => {
    const layer = layerFrom({ open: () => { throw new Error("not opened"); }, diffID: () => "sha256:" + "a".repeat(64), size: () => 3 });
    expect(await layer.diffID()).toBe("sha256:" + "a".repeat(64));
    expect(await layer.size()).toBe(3);
  });

  test("an image's ID is the sha256 of its config bytes, its config parsed once", async () => {
    const raw = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
    const img = imageFrom({ rawConfig: () => raw, layers: () => [] });
    expect(await img.id()).toBe(sha256Digest(raw));
    expect(await img.config()).toBe(await img.config());
    expect((await img.config()).os).toBe("linux");
    expect(await img.layers()).toEqual([]);
  });
});
