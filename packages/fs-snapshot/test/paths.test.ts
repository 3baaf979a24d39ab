import { describe, expect, it } from "vitest";
import { RootFS } from "../src/index.js";

function tree(): RootFS {
  const rfs = new RootFS();
  rfs.mkdir("/etc");
  rfs.writeFile("/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
  rfs.mkdir("/a/b", { recursive: true });
  return rfs;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe("path resolution is confined to the tree", () => {
  it("resolves a symlink to / as the tree's root", () => {
    const rfs = tree();
    rfs.symlink("/", "/escape");
    expect(rfs.readdir("/escape")).toEqual(rfs.readdir("/"));
    expect(rfs.realpath("/escape/etc/passwd")).toBe("/etc/passwd");
  });

  it("stops .. at the root, in paths and in relative symlink targets", () => {
    const rfs = tree();
    rfs.symlink("../../../../..", "/a/b/up");
    expect(rfs.realpath("/a/b/up")).toBe("/");
    expect(rfs.readFile("/../../etc/passwd").toString()).toContain("root");
    rfs.writeFile("/a/b/up/etc/written", "inside");
    expect(rfs.readdir("/etc")).toEqual(["passwd", "written"]);
    rfs.symlink("../../../etc/passwd", "/a/rel");
    expect(rfs.readFile("/a/rel").toString()).toContain("root");
  });

  it("follows intermediate symlinks for every operation, the last one only where POSIX does", () => {
    const rfs = tree();
    rfs.symlink("/etc", "/e");
    rfs.symlink("/etc/passwd", "/p");
    expect(rfs.lstat("/e/passwd").type).toBe("file");
    expect(rfs.lstat("/p").type).toBe("symlink");
    expect(rfs.stat("/p").type).toBe("file");
    expect(rfs.lstat("/p").size).toBe("/etc/passwd".length);
    rfs.unlink("/p");
    expect(rfs.exists("/etc/passwd")).toBe(true);
    rfs.symlink("/nowhere/x", "/dangling");
    expect(rfs.exists("/dangling")).toBe(false);
    expect(codeOf(() => rfs.writeFile("/dangling", "x"))).toBe("ENOENT");
    rfs.symlink("/etc/new", "/to-new");
    rfs.writeFile("/to-new", "created through the link");
    expect(rfs.readFile("/etc/new").toString()).toBe("created through the link");
  });

  it("reports ELOOP for symlink cycles", () => {
    const rfs = tree();
    rfs.symlink("/l2", "/l1");
    rfs.symlink("/l1", "/l2");
    expect(codeOf(() => rfs.stat("/l1"))).toBe("ELOOP");
    expect(rfs.lstat("/l1").type).toBe("symlink");
  });
});

describe("errors", () => {
  it("carry Node's codes and messages", () => {
    const rfs = tree();
    expect(() => rfs.readFile("/nope")).toThrow("ENOENT: no such file or directory, open '/nope'");
    expect(codeOf(() => rfs.readFile("/etc/passwd/x"))).toBe("ENOTDIR");
    expect(codeOf(() => rfs.readFile("/etc"))).toBe("EISDIR");
    expect(codeOf(() => rfs.mkdir("/etc"))).toBe("EEXIST");
    expect(codeOf(() => rfs.rmdir("/a"))).toBe("ENOTEMPTY");
    expect(codeOf(() => rfs.readlink("/etc/passwd"))).toBe("EINVAL");
    expect(codeOf(() => rfs.unlink("/etc"))).toBe("EISDIR");
    expect(codeOf(() => rfs.rm("/etc"))).toBe("EISDIR");
    expect(codeOf(() => rfs.link("/etc", "/etc2"))).toBe("EPERM");
    expect(() => rfs.link("/missing", "/x")).toThrow("ENOENT: no such file or directory, link '/missing' -> '/x'");
    expect(codeOf(() => rfs.mkdir("/etc/passwd/sub", { recursive: true }))).toBe("ENOTDIR");
    expect(codeOf(() => rfs.mkdir("/etc/passwd", { recursive: true }))).toBe("EEXIST");
    expect(() => rfs.rm("/missing", { force: true })).not.toThrow();
  });
});

describe("rename follows POSIX", () => {
  it("replaces files and empty directories, refuses the rest", () => {
    const rfs = tree();
    rfs.writeFile("/x", "x");
    rfs.rename("/x", "/etc/passwd");
    expect(rfs.readFile("/etc/passwd").toString()).toBe("x");
    rfs.mkdir("/empty");
    rfs.rename("/a", "/empty");
    expect(rfs.readdir("/empty")).toEqual(["b"]);
    rfs.mkdir("/full/sub", { recursive: true });
    rfs.mkdir("/d");
    expect(codeOf(() => rfs.rename("/d", "/full"))).toBe("ENOTEMPTY");
    expect(codeOf(() => rfs.rename("/d", "/d/inside"))).toBe("EINVAL");
    expect(codeOf(() => rfs.rename("/etc/passwd", "/d"))).toBe("EISDIR");
    expect(codeOf(() => rfs.rename("/d", "/etc/passwd"))).toBe("ENOTDIR");
    rfs.link("/etc/passwd", "/same");
    rfs.rename("/same", "/etc/passwd");
    expect(rfs.exists("/same")).toBe(true);
  });
});

describe("metadata", () => {
  it("creates with the requested modes and owners, missing mkdir -p parents 0755", () => {
    const rfs = new RootFS();
    const owner = { uid: 7, gid: 8 };
    rfs.mkdir("/p/q/r", { recursive: true, mode: 0o700, owner });
    expect(rfs.stat("/p")).toMatchObject({ mode: 0o755, uid: 7, gid: 8 });
    expect(rfs.stat("/p/q/r")).toMatchObject({ mode: 0o700, uid: 7, gid: 8 });
    const mtime = new Date(1_000_000_000_000);
    rfs.writeFile("/p/f", "1", { mode: 0o4751, owner, mtime });
    expect(rfs.stat("/p/f")).toMatchObject({ mode: 0o4751, uid: 7, gid: 8, size: 1, mtime });
    rfs.writeFile("/p/f", "22", { mode: 0o600, owner: { uid: 0, gid: 0 } });
    expect(rfs.stat("/p/f")).toMatchObject({ mode: 0o4751, uid: 7, gid: 8, size: 2 });
    rfs.writeFile("/p/f", "3", { append: true });
    expect(rfs.readFile("/p/f").toString()).toBe("223");
  });

  it("clears setuid on chown like the kernel (setgid only when group-executable)", () => {
    const rfs = new RootFS();
    rfs.writeFile("/a", "", { mode: 0o6755 });
    rfs.writeFile("/b", "", { mode: 0o2745 });
    rfs.mkdir("/d", { mode: 0o6755 });
    for (const p of ["/a", "/b", "/d"]) rfs.chown(p, { uid: 1, gid: 1 });
    expect([rfs.stat("/a").mode, rfs.stat("/b").mode, rfs.stat("/d").mode]).toEqual([0o755, 0o2745, 0o6755]);
  });

  it("lists names in byte order", () => {
    const rfs = new RootFS();
    for (const n of ["b", "B", "a-b", "a", "\u00e9", "\ud83d\ude00", "\uff5e"]) rfs.writeFile("/" + n, "");
    expect(rfs.readdir("/")).toEqual(["B", "a", "a-b", "b", "\u00e9", "\uff5e", "\ud83d\ude00"]);
  });
});
