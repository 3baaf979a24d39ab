import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@tsbuild/image";
import { MergedFilesystem } from "../src/merged-fs.js";

const dir = (path: string): LayerEntry => ({ path, type: "dir", mode: "0755", uid: 0, gid: 0 });
const file = (path: string, size = 1): LayerEntry => ({ path, type: "file", mode: "0644", uid: 0, gid: 0, size });
const link = (path: string, linkname: string): LayerEntry => ({ path, type: "symlink", mode: "0777", uid: 0, gid: 0, linkname });

function stack(...layers: LayerEntry[][]): MergedFilesystem {
  const fs = new MergedFilesystem();
  layers.forEach((entries, i) => fs.apply(i, entries));
  return fs;
}

describe("MergedFilesystem", () => {
  it("shows the top copy of each path, and keeps a directory's children when a layer re-lists it", () => {
    const fs = stack([dir("."), dir("etc"), file("etc/a"), file("etc/b")], [dir("etc"), file("etc/a", 5), file("etc/c")]);
    expect(fs.lookup("/etc/b")?.layer).toBe(0);
    expect(fs.lookup("/etc/a")).toMatchObject({ path: "/etc/a", layer: 1, entry: { size: 5 } });
    expect(fs.lookup("/etc/c")?.layer).toBe(1);
  });

  it("hides a whited-out path and everything under it", () => {
    const fs = stack([dir("a"), dir("a/b"), file("a/b/c"), file("x")], [dir("a"), file("a/.wh.b", 0), file(".wh.x", 0)]);
    expect(fs.lookup("/a/b")).toBeUndefined();
    expect(fs.lookup("/a/b/c")).toBeUndefined();
    expect(fs.lookup("/x")).toBeUndefined();
    expect(fs.lookup("/a")).toBeDefined();
  });

  it("empties an opaque directory of what lower layers had, keeping what the layer itself puts there", () => {
    const fs = stack(
      [dir("d"), file("d/old"), file("d/kept"), dir("d/sub"), file("d/sub/f")],
      [dir("d"), file("d/.wh..wh..opq", 0), file("d/kept", 7), file("d/new")],
    );
    expect(fs.lookup("/d/old")).toBeUndefined();
    expect(fs.lookup("/d/sub/f")).toBeUndefined();
    expect(fs.lookup("/d/kept")).toMatchObject({ layer: 1, entry: { size: 7 } });
    expect(fs.lookup("/d/new")?.layer).toBe(1);
  });

  it("replaces a directory by a file, dropping its children", () => {
    const fs = stack([dir("p"), file("p/q")], [file("p")]);
    expect(fs.lookup("/p")?.entry.type).toBe("file");
    expect(fs.lookup("/p/q")).toBeUndefined();
  });

  it("follows symlinks in parent directories, relative and absolute, but not the last component", () => {
    const fs = stack([dir("usr"), dir("usr/bin"), file("usr/bin/sh"), link("bin", "usr/bin"), link("abs", "/usr"), link("usr/up", "../usr/bin")]);
    expect(fs.lookup("/bin/sh")).toMatchObject({ path: "/usr/bin/sh", layer: 0 });
    expect(fs.lookup("/abs/bin/sh")?.path).toBe("/usr/bin/sh");
    expect(fs.lookup("/usr/up/sh")?.path).toBe("/usr/bin/sh");
    expect(fs.lookup("/bin")).toMatchObject({ path: "/bin", entry: { type: "symlink" } });
    expect(fs.lookup("usr/../usr/bin/sh")?.path).toBe("/usr/bin/sh");
  });

  it("gives up on link loops and on paths through files", () => {
    const fs = stack([link("a", "b"), link("b", "a"), file("f")]);
    expect(fs.lookup("/a/x")).toBeUndefined();
    expect(fs.lookup("/f/x")).toBeUndefined();
    expect(fs.lookup("/")).toBeUndefined();
  });
});
