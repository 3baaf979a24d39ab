import { describe, expect, it } from "vitest";
import { writeTar } from "@tsbuild/archive";
import { layerEntries } from "@tsbuild/image";
import { listEntries } from "../src/layer-entries.js";

function split(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

const long = "d/" + "x".repeat(120) + "/" + "y".repeat(90);
const tar = writeTar([
  { name: "etc", type: "dir", mode: 0o755, uid: 0, gid: 0, mtime: 1 },
  { name: "etc/hosts", type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 1, content: Buffer.from("127.0.0.1 localhost\n") },
  { name: "big", type: "file", mode: 0o600, uid: 3_000_000, gid: 7, mtime: 1, content: Buffer.alloc(5000, 7) },
  { name: long, type: "file", mode: 0o640, uid: 1, gid: 1, mtime: 1, content: Buffer.from("long") },
  { name: "link", type: "symlink", mode: 0o777, uid: 0, gid: 0, mtime: 1, linkname: "z".repeat(150) },
  { name: "hard", type: "hardlink", mode: 0o644, uid: 0, gid: 0, mtime: 1, linkname: "etc/hosts" },
  { name: "dev/null", type: "char", mode: 0o666, uid: 0, gid: 0, mtime: 1, devmajor: 1, devminor: 3 },
  { name: "empty", type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 1, content: Buffer.alloc(0) },
  { name: "etc/.wh.gone", type: "file", mode: 0o600, uid: 0, gid: 0, mtime: 1, content: Buffer.alloc(0) },
]);

describe("listEntries (a layer's entries from its chunks, synchronously)", () => {
  it("lists what @tsbuild/image's layerEntries lists, however the tar is cut into chunks", async () => {
    const expected = await layerEntries(tar);
    expect(expected.map((e) => e.path)).toContain(long);
    for (const size of [tar.length, 512, 1000, 7, 1]) {
      expect(listEntries(split(tar, size)), `chunks of ${size} bytes`).toEqual(expected);
    }
  });

  it("refuses a tar cut short inside a member's data", () => {
    expect(() => listEntries([tar.subarray(0, 1024 + 100)])).toThrow(/truncated tar/);
  });
});
