import { describe, expect, it } from "vitest";
import type { LayerEntry } from "@tsbuild/image";
import { MergedFilesystem } from "../src/merged-fs.js";

const dir = (path: string): LayerEntry => ({ path, type: "dir", mode: "0755", uid: 0, gid: 0 });
const file = (path: string, size = 1): LayerEntry => ({ path, type: "file", mode: "0644", uid: 0, gid: 0, size });
const link = (path: string, linkname: string): LayerEntry => ({ path, type: "symlink", mode: "0777", uid: 0, gid: 0, linkname });

describe("MergedFilesystem", () => {
  it("reports added and modified paths, and keeps a directory's children when a layer re-lists it", () => {
    const fs = new MergedFilesystem();
    expect(fs.apply(0, [dir("."), dir("etc"), file("etc/a"), file("etc/b")])).toEqual({ added: ["/etc", "/etc/a", "/etc/b"], modified: [], deleted: [] });
    expect(fs.apply(1, [dir("etc"), file("etc/a", 5), file("etc/c")])).toEqual({ added: ["/etc/c"], modified: ["/etc", "/etc/a"], deleted: [] });
    expect(fs.lookup("/etc/b")?.layer).toBe(0);
    expect(fs.lookup("/etc/a")).toMatchObject({ layer: 1, entry: { size: 5 } });
  });

  it("hides a whited-out path and everything under it", () => {
    const fs = new MergedFilesystem();
    fs.apply(0, [dir("a"), dir("a/b"), file("a/b/c"), file("x")]);
    expect(fs.apply(1, [dir("a"), file("a/.wh.b"), file(".wh.x", 0)]).deleted).toEqual(["/a/b", "/x"]);
    expect(fs.lookup("/a/b")).toBeUndefined();
    expect(fs.lookup("/a/b/c")).toBeUndefined();
    expect(fs.lookup("/x")).toBeUndefined();
    expect(fs.lookup("/a")).toBeDefined();
  });

  it("empties an opaque directory of what lower layers had, keeping what the layer itself puts there", () => {
    const fs = new MergedFilesystem();
    fs.apply(0, [dir("d"), file("d/old1"), file("d/old2"), file("d/kept")]);
    const changes = fs.apply(1, [dir("d"), file("d/.wh..wh..opq", 0), file("d/kept"), file("d/new")]);
    expect(changes.deleted).toEqual(["/d/old1", "/d/old2"]);
    expect(changes.modified).toEqual(["/d", "/d/kept"]);
    expect(changes.added).toEqual(["/d/new"]);
    expect(fs.lookup("/d/old1")).toBeUndefined();
    expect(fs.lookup("/d/kept")?.layer).toBe(1);
  });

  it("replaces a directory by a file, dropping its children", () => {
    const fs = new MergedFilesystem();
    fs.apply(0, [dir("p"), file("p/q")]);
    fs.apply(1, [file("p")]);
    expect(fs.lookup("/p")?.entry.type).toBe("file");
    expect(fs.lookup("/p/q")).toBeUndefined();
  });

  it("follows symlinks in parent directories, relative and absolute, but not the last component", () => {
    const fs = new MergedFilesystem();
    fs.apply(0, [dir("usr"), dir("usr/bin"), file("usr/bin/sh"), link("bin", "usr/bin"), link("abs", "/usr"), link("usr/up", "../usr/bin")]);
    expect(fs.lookup("/bin/sh")).toMatchObject({ path: "/usr/bin/sh", layer: 0 });
    expect(fs.lookup("/abs/bin/sh")?.path).toBe("/usr/bin/sh");
    expect(fs.lookup("/usr/up/sh")?.path).toBe("/usr/bin/sh");
    expect(fs.lookup("/bin")).toMatchObject({ path: "/bin", entry: { type: "symlink" } });
    expect(fs.lookup("usr/../usr/bin/sh")?.path).toBe("/usr/bin/sh");
  });

  it("gives up on link loops and on paths through files", () => {
    const fs = new MergedFilesystem();
    fs.apply(0, [link("a", "b"), link("b", "a"), file("f")]);
    expect(fs.lookup("/a/x")).toBeUndefined();
    expect(fs.lookup("/f/x")).toBeUndefined();
    expect(fs.lookup("/")).toBeUndefined();
  });
});
