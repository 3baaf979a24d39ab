import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { RootFS } from "../src/index.js";
import { FIXTURES, busyboxRootFS, makeTar } from "./helpers.js";

async function applied(...layers: Parameters<typeof makeTar>[0][]): Promise<RootFS> {
  const rfs = new RootFS();
  for (const l of layers) await rfs.applyLayer(await makeTar(l));
  return rfs;
}

describe("applyLayer", () => {
  it("deletes what a `.wh.NAME` entry names, files and whole directories", async () => {
    const rfs = await applied(
      [{ name: "a/", type: "directory" }, { name: "a/x", content: "x" }, { name: "a/y", content: "y" }, { name: "b/", type: "directory" }, { name: "b/deep", content: "d" }],
      [{ name: "a/", type: "directory" }, { name: "a/.wh.x" }, { name: ".wh.b" }],
    );
    expect(rfs.readdir("/")).toEqual(["a"]);
    expect(rfs.readdir("/a")).toEqual(["y"]);
  });

  it("empties an opaque directory of earlier layers' content, keeping this layer's", async () => {
    const rfs = await applied(
      [{ name: "o/", type: "directory" }, { name: "o/old", content: "1" }, { name: "o/sub/", type: "directory" }, { name: "o/sub/deep", content: "2" }],
      [
        { name: "o/", type: "directory", mode: 0o700 },
        { name: "o/early", content: "e" },
        { name: "o/.wh..wh..opq", mode: 0o700 },
        { name: "o/late", content: "l" },
      ],
    );
    expect(rfs.readdir("/o")).toEqual(["early", "late"]);
    expect(rfs.stat("/o").mode).toBe(0o700);
  });

  it("makes hard-link entries share the target's inode", async () => {
    const rfs = await applied([{ name: "f", content: "data", mode: 0o600 }, { name: "g", type: "link", linkname: "f" }, { name: "./h", type: "link", linkname: "./f" }]);
    const f = rfs.stat("/f");
    expect(rfs.stat("/g").ino).toBe(f.ino);
    expect(rfs.stat("/h").ino).toBe(f.ino);
    expect(f.nlink).toBe(3);
    rfs.writeFile("/g", "changed");
    expect(rfs.readFile("/f").toString()).toBe("changed");
  });

  it("confines `..` and absolute names to the root, as Docker's chrooted unpack does", async () => {
    const rfs = await applied([
      { name: "../evil", content: "1" },
      { name: "/etc/abs", content: "2" },
      { name: "a/../../inner", content: "3" },
    ]);
    expect(rfs.readFile("/evil").toString()).toBe("1");
    expect(rfs.readFile("/etc/abs").toString()).toBe("2");
    expect(rfs.readFile("/inner").toString()).toBe("3");
    expect(rfs.readdir("/")).toEqual(["etc", "evil", "inner"]);
  });

  it("keeps symlink targets verbatim and resolves later entries through them inside the tree", async () => {
    const rfs = await applied([
      { name: "s", type: "symlink", linkname: "../../etc/passwd" },
      { name: "up", type: "symlink", linkname: "/" },
      { name: "up/etc/through-link", content: "inside" },
    ]);
    expect(rfs.readlink("/s")).toBe("../../etc/passwd");
    expect(rfs.readFile("/etc/through-link").toString()).toBe("inside");
  });

  it("creates missing parents 0755 root:root and sets directory times after their contents", async () => {
    const mtime = new Date(1_600_000_000_000);
    const rfs = await applied([{ name: "p/", type: "directory", mode: 0o750, uid: 5, gid: 6, mtime }, { name: "p/c", content: "1" }, { name: "q/r/s", content: "2" }]);
    expect(rfs.stat("/p")).toMatchObject({ mode: 0o750, uid: 5, gid: 6, mtime });
    expect(rfs.stat("/q/r")).toMatchObject({ type: "dir", mode: 0o755, uid: 0, gid: 0 });
  });

  it("replaces a file by a directory and a directory by a file, and merges directories", async () => {
    const rfs = await applied(
      [{ name: "f", content: "1" }, { name: "d/", type: "directory" }, { name: "d/x", content: "x" }, { name: "m/", type: "directory" }, { name: "m/keep", content: "k" }],
      [{ name: "f/", type: "directory" }, { name: "d", content: "now a file" }, { name: "m/", type: "directory", mode: 0o711 }],
    );
    expect(rfs.lstat("/f").type).toBe("dir");
    expect(rfs.readFile("/d").toString()).toBe("now a file");
    expect(rfs.readdir("/m")).toEqual(["keep"]);
    expect(rfs.stat("/m").mode).toBe(0o711);
  });

  it("keeps setuid bits, owners, devices and fifos", async () => {
    const rfs = await applied([
      { name: "su", content: "#!", mode: 0o4755, uid: 1, gid: 2 },
      { name: "null", type: "character-device", mode: 0o666, devmajor: 1, devminor: 3 },
      { name: "pipe", type: "fifo", mode: 0o600 },
    ]);
    expect(rfs.stat("/su")).toMatchObject({ mode: 0o4755, uid: 1, gid: 2 });
    expect(rfs.lstat("/null")).toMatchObject({ type: "char", mode: 0o666, rdev: 259 });
    expect(rfs.lstat("/pipe").type).toBe("fifo");
  });

  it("ignores the root entry's metadata, like Unpack", async () => {
    const rfs = await applied([{ name: "./", type: "directory", mode: 0o700 }, { name: "./a", content: "1" }]);
    expect(rfs.stat("/").mode).toBe(0o755);
    expect(rfs.readdir("/")).toEqual(["a"]);
  });

  it("reads from a stream", async () => {
    const rfs = new RootFS();
    await rfs.applyLayer(Readable.from([await makeTar([{ name: "s", content: "streamed" }])]));
    expect(rfs.readFile("/s").toString()).toBe("streamed");
  });

  it("fails clearly on a hard link to nothing, and refuses while a step is open", async () => {
    const rfs = new RootFS();
    await expect(rfs.applyLayer(await makeTar([{ name: "g", type: "link", linkname: "missing" }]))).rejects.toThrow(/hard link g -> missing/);
    rfs.beginStep();
    await expect(rfs.applyLayer(await makeTar([{ name: "x", content: "1" }]))).rejects.toThrow(/step is open/);
  });

  it("applies layers written by Docker: PAX names, opaque directories, whiteouts, hard links", async () => {
    const rfs = await busyboxRootFS();
    for (const f of ["docker-probe-step1.tar", "docker-probe-step2.tar"]) await rfs.applyLayer(fs.readFileSync(path.join(FIXTURES, f)));
    expect(rfs.readdir("/o")).toEqual(["z"]);
    expect(rfs.stat("/o").mode).toBe(0o750);
    expect(rfs.exists("/etc/motd")).toBe(false);
    expect(rfs.stat("/h/b").ino).toBe(rfs.stat("/h/a").ino);
    expect(rfs.stat("/h/a")).toMatchObject({ uid: 1000, gid: 1000, nlink: 2 });
    expect(rfs.lstat("/h/fifo").type).toBe("fifo");
    expect(rfs.readlink("/h/longlink")).toBe("/nowhere/" + "x".repeat(136));
    expect(rfs.readFile(`/long/${"a".repeat(59)}/${"b".repeat(89)}/${"c".repeat(108)}`).toString()).toBe("x\n");
    expect(rfs.stat("/h").mtime.getTime()).toBe(1795368664 * 1000);
  });
});
