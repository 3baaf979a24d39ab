import { describe, expect, it } from "vitest";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { writeTar } from "@tsbuild/archive";

describe("writeTar", () => {
  it("writes what a tar reader reads back: long names, long link targets, hard links, placeholders", async () => {
    const deep = "usr/share/" + "d".repeat(60) + "/" + "e".repeat(60);
    const long = "f".repeat(120);
    const tar = writeTar([
      { name: "usr", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0 },
      { name: deep, type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 0 },
      { name: `${deep}/file`, type: "file", mode: 0o4755, uid: 1, gid: 2, mtime: 0, content: Buffer.from("hello\n") },
      { name: `usr/${long}`, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 3000 },
      { name: "usr/link", type: "symlink", mode: 0o777, uid: 0, gid: 0, mtime: 0, linkname: "/" + long },
      { name: "usr/hard", type: "hardlink", mode: 0o644, uid: 0, gid: 0, mtime: 0, linkname: `usr/${long}` },
    ]);
    expect(tar.length % 512).toBe(0);
    expect(tar.subarray(tar.length - 1024).every((b) => b === 0)).toBe(true);
    const entries = await layerEntries(tar);
    expect(entries.map((e) => [e.path, e.type, e.mode])).toEqual([
      ["usr", "dir", "0755"],
      [deep, "dir", "0755"],
      [`${deep}/file`, "file", "4755"],
      [`usr/${long}`, "file", "0644"],
      ["usr/link", "symlink", "0777"],
      ["usr/hard", "hardlink", "0644"],
    ]);
    expect(entries[2]).toMatchObject({ uid: 1, gid: 2, size: 6 });
    expect(entries[3].size).toBe(3000);
    expect(entries[4].linkname).toBe("/" + long);
    expect(entries[5].linkname).toBe(`usr/${long}`);
  });
});
