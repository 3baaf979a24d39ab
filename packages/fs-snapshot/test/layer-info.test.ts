import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { sha256Digest } from "@tsbuild/image";
import { gzipLayer, layerEntries, layerSize } from "../src/index.js";
import { makeTar } from "./helpers.js";

describe("layerSize", () => {
  it("counts file bytes and symlink targets once per inode, nothing for dirs and whiteouts", async () => {
    const tar = await makeTar([
      { name: "d/", type: "directory" },
      { name: "d/f", content: "12345" },
      { name: "d/g", type: "link", linkname: "d/f" },
      { name: "d/s", type: "symlink", linkname: "f" },
      { name: "d/.wh.gone" },
      { name: "d/.wh..wh..opq" },
      { name: "d/over", content: "123" },
      { name: "d/over", content: "1234567" },
    ]);
    expect(await layerSize(tar)).toBe(5 + 1 + 7);
  });
});

describe("layerEntries", () => {
  it("reads a tar in the conformance shape", async () => {
    const tar = await makeTar([
      { name: "./", type: "directory" },
      { name: "./d/", type: "directory", mode: 0o2755, uid: 3, gid: 4 },
      { name: "./d/f", content: "x", mode: 0o4755 },
      { name: "./d/h", type: "link", linkname: "./d/f" },
      { name: "./d/s", type: "symlink", linkname: "./f" },
    ]);
    expect(await layerEntries(tar)).toEqual([
      { path: ".", type: "dir", mode: "0755", uid: 0, gid: 0 },
      { path: "d", type: "dir", mode: "2755", uid: 3, gid: 4 },
      { path: "d/f", type: "file", mode: "4755", uid: 0, gid: 0, size: 1, sha256: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" },
      { path: "d/h", type: "hardlink", mode: "0644", uid: 0, gid: 0, linkname: "d/f" },
      { path: "d/s", type: "symlink", mode: "0644", uid: 0, gid: 0, linkname: "./f" },
    ]);
  });

  it("rejects something that is not a tar", async () => {
    await expect(layerEntries(Buffer.from("definitely not a tar archive".repeat(40)))).rejects.toThrow(/tar/i);
  });
});

describe("gzipLayer", () => {
  it("returns the gzip stream with its digest and length", async () => {
    const tar = await makeTar([{ name: "f", content: "hello" }]);
    const { gz, digest, size } = await gzipLayer(tar);
    expect(gunzipSync(gz).equals(tar)).toBe(true);
    expect(digest).toBe(sha256Digest(gz));
    expect(size).toBe(gz.length);
  });
});
