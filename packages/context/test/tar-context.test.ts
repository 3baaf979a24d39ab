import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { afterAll, describe, expect, test } from "vitest";
import { BuildContext, ContextError, tarsumV1 } from "@tsbuild/context";
import { prepareCase, rawTar, removeTempDirs, tarOfDirectory } from "./helpers.js";

afterAll(removeTempDirs);

const hashOf = (ctx: BuildContext, ...srcs: string[]) => ctx.sourceHash(ctx.resolveSources(srcs));

describe("tarsum v1", () => {
  test("the facts doc's example: a 0644 file holding alpha\\n", () => {
    const header = {
      name: "a.txt", mode: 0o644, uid: 0, gid: 0, size: 6, typeflag: "0", linkname: "", devmajor: 0, devminor: 0,
    };
    expect(tarsumV1(header, Buffer.from("alpha\n"))).toBe("58334428482c4cbbca5ae180953ab0e8246069d983149e4f89d217a03594740f");
  });

  test("xattrs are hashed after the header fields, sorted by key", () => {
    const base = { name: "f", mode: 0o644, uid: 0, gid: 0, size: 0, typeflag: "0", linkname: "", devmajor: 0, devminor: 0 };
    const a = tarsumV1({ ...base, xattrs: { "security.capability": "x", "a.b": "y" } });
    const b = tarsumV1({ ...base, xattrs: { "a.b": "y", "security.capability": "x" } });
    expect(a).toBe(b);
    expect(a).not.toBe(tarsumV1(base));
  });
});

describe("a tar context", () => {
  // Hashes written by dockerd 20.10.24 for `docker build - < tar` with these entries.
  const probe = rawTar([
    { name: "Dockerfile", data: "FROM scratch\nCOPY a.txt /\nCOPY ./b.txt /\nCOPY c.txt /\nCOPY sub /s/\n" },
    { name: "a.txt", mode: 0o100644, data: "alpha\n" },
    { name: "./b.txt", data: "alpha\n" },
    { name: "c.txt", uid: 1000, gid: 1000, uname: "bob", data: "alpha\n" },
    { name: "sub/f.txt", data: "alpha\n" },
  ]);

  test("hashes the header as the tar has it: raw mode, raw name, uid and gid (uname ignored)", async () => {
    const ctx = await BuildContext.fromTar(probe);
    expect(hashOf(ctx, "a.txt")).toBe("file:239e345542168295eea8590a4bf8de7ec16307b2b6b55f82e44efa33c9e57543");
    expect(hashOf(ctx, "./b.txt")).toBe("file:d74293e22100bfc672a05ab01498c3b8b6cd1f00e9cae3ac73f54187a385b1c7");
    expect(hashOf(ctx, "c.txt")).toBe("file:6c1bcec5d7c4b7f487d7d0b781c6bcebee4a1ba52d4c3618c93eabc3d3b02e86");
  });

  test("a directory the tar only implies is hashed by its path", async () => {
    const ctx = await BuildContext.fromTar(probe);
    expect(hashOf(ctx, "sub")).toBe("dir:37b916c4a0933302417480ca7fa01128d538cd83072499c9c7d4273b7571dc14");
    const sub = ctx.get("sub")!;
    expect(sub).toMatchObject({ type: "dir", mode: 0o755, hash: "sub" });
  });

  test("entries: permission bits only, paths cleaned, walk order", async () => {
    const ctx = await BuildContext.fromTar(probe);
    expect(ctx.entries().map((e) => [e.path, e.type, e.mode.toString(8)])).toEqual([
      ["Dockerfile", "file", "644"],
      ["a.txt", "file", "644"],
      ["b.txt", "file", "644"],
      ["c.txt", "file", "644"],
      ["sub", "dir", "755"],
      ["sub/f.txt", "file", "644"],
    ]);
    expect(ctx.get("a.txt")!.data().toString()).toBe("alpha\n");
    expect(ctx.get("a.txt")!.mtime.getTime()).toBe(1700000000 * 1000);
  });

  test("equals the directory context it was made from", async () => {
    for (const name of ["c02-copy-files", "c03-copy-dirs", "c04-copy-globs", "c26-scratch", "c30-copy-symlinks"]) {
      const dir = prepareCase(name);
      const fromDir = await BuildContext.fromDirectory(dir);
      const fromTar = await BuildContext.fromTar(tarOfDirectory(dir));
      const view = (c: BuildContext) =>
        c.entries().map((e) => ({ path: e.path, type: e.type, mode: e.mode, size: e.size, hash: e.hash, link: e.linkname, mtime: e.mtime.getTime() }));
      expect(view(fromTar), name).toEqual(view(fromDir));
      expect(fromTar.dockerfileText()).toBe(fromDir.dockerfileText());
      for (const e of fromDir.entries()) expect(hashOf(fromTar, e.path), `${name} ${e.path}`).toBe(hashOf(fromDir, e.path));
      expect(hashOf(fromTar, "."), name).toBe(hashOf(fromDir, "."));
    }
  });

  test("gzip-compressed, and as a stream", async () => {
    const dir = prepareCase("c02-copy-files");
    const tar = tarOfDirectory(dir);
    const plain = await BuildContext.fromTar(tar);
    const gz = await BuildContext.fromTar(Readable.from([gzipSync(tar).subarray(0, 5), gzipSync(tar).subarray(5)]));
    expect(hashOf(gz, "b.txt", "c.txt")).toBe(hashOf(plain, "b.txt", "c.txt"));
    expect(hashOf(gz, "b.txt", "c.txt")).toBe("multi:06d1c13bf754c28a19babe0e086ea8f526b27e2d98bd1e2482325c509a8e53de");
  });

  // This test once pinned "bzip2 is refused"; Docker's DecompressStream reads bzip2 and xz contexts too.
  test("bzip2 and xz contexts are read as Docker reads them; corrupt ones are refused clearly", async () => {
    const dir = prepareCase("c02-copy-files");
    const tar = tarOfDirectory(dir);
    const plain = await BuildContext.fromTar(tar);
    for (const tool of ["bzip2", "xz"]) {
      const packed = await BuildContext.fromTar(execFileSync(tool, ["-c"], { input: tar }));
      expect(hashOf(packed, "b.txt", "c.txt")).toBe(hashOf(plain, "b.txt", "c.txt"));
    }
    await expect(BuildContext.fromTar(Buffer.from("BZh91AY&SY"))).rejects.toThrow(/invalid build context tar: bzip2 data is corrupt/);
  });

  test("a corrupt tar is a ContextError", async () => {
    const bad = rawTar([{ name: "Dockerfile", data: "FROM scratch\n" }]);
    bad[148] ^= 1; // checksum
    await expect(BuildContext.fromTar(bad)).rejects.toBeInstanceOf(ContextError);
  });

  test("entries leaving the context are refused", async () => {
    const tar = rawTar([{ name: "Dockerfile", data: "FROM scratch\n" }, { name: "../evil", data: "x" }]);
    await expect(BuildContext.fromTar(tar)).rejects.toThrow(/"\.\.\/evil" is outside of the context/);
  });

  test("hard links share the target's content and keep their own hash", async () => {
    const tar = rawTar([
      { name: "Dockerfile", data: "FROM scratch\n" },
      { name: "a", data: "same\n" },
      { name: "b", type: "1", link: "a" },
    ]);
    const ctx = await BuildContext.fromTar(tar);
    const b = ctx.get("b")!;
    expect(b).toMatchObject({ type: "file", size: 5, hardlinkTo: "a" });
    expect(b.data().toString()).toBe("same\n");
    const linkHeader = { name: "b", mode: 0o644, uid: 0, gid: 0, size: 0, typeflag: "1", linkname: "a", devmajor: 0, devminor: 0 };
    expect(b.hash).toBe(tarsumV1(linkHeader));
  });

  test("a repeated entry: the last one's content, the first one's hash (tarsum's GetFile)", async () => {
    const tar = rawTar([
      { name: "Dockerfile", data: "FROM scratch\n" },
      { name: "x", data: "one\n" },
      { name: "x", data: "two\n" },
    ]);
    const ctx = await BuildContext.fromTar(tar);
    expect(ctx.get("x")!.data().toString()).toBe("two\n");
    const first = { name: "x", mode: 0o644, uid: 0, gid: 0, size: 4, typeflag: "0", linkname: "", devmajor: 0, devminor: 0 };
    expect(ctx.get("x")!.hash).toBe(tarsumV1(first, Buffer.from("one\n")));
  });
});

// Issue 17: `build -` of a gzip bomb was inflated whole until Node died.
describe("a tar context past the memory budget", () => {
  test("stops with the --memory hint", async () => {
    const bomb = gzipSync(rawTar([{ name: "zeros", data: Buffer.alloc(32 << 20) }]));
    const saved = process.env.TSBUILD_MEMORY;
    process.env.TSBUILD_MEMORY = "2m";
    try {
      await expect(BuildContext.fromTar(bomb)).rejects.toThrow("build context: archive expands past the memory limit of 2 MiB (use --memory)");
    } finally {
      if (saved === undefined) delete process.env.TSBUILD_MEMORY;
      else process.env.TSBUILD_MEMORY = saved;
    }
  });
});
