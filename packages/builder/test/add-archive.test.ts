import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { layerEntries } from "@tsbuild/fs-snapshot";
import { buildDir, busyboxStore, collect, contextDir, restoreMemoryBudget } from "./helpers.js";


async function tarOf(files: Array<{ name: string; body?: Buffer | string; type?: "symlink" | "file"; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.name, mode: 0o644, type: f.type ?? "file", linkname: f.linkname }, f.body ?? "");
  pack.finalize();
  return collect(pack);
}

describe("ADD of damaged and hostile archives", () => {
  restoreMemoryBudget();

  // Docker 20.10 (classic builder), checked: "failed to copy files: Error processing tar file(exit status 1): unexpected EOF".
  it("a truncated .tar.gz fails the step, naming the archive, instead of being copied as a file", async () => {
    const gz = gzipSync(await tarOf([{ name: "big", body: Buffer.alloc(300000, 3) }, { name: "small", body: "hi\n" }]));
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nADD trunc.tar.gz /out/\n", "trunc.tar.gz": gz.subarray(0, gz.length - 200) });
    const store = await busyboxStore();
    await expect(buildDir(store, dir)).rejects.toThrow(/ADD trunc\.tar\.gz: failed to copy files: Error processing tar file: .*(unexpected end of file|"big"|"small")/);
  });

  // Docker 20.10, checked: a gzip whose header does not decode is not an archive; it is copied as is.
  it("a gzip that is not a gzip tar is copied as a plain file, as Docker does", async () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(2000, 0x5a)]);
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nADD corrupt.gz /out/\n", "corrupt.gz": corrupt });
    const store = await busyboxStore();
    const r = await buildDir(store, dir);
    const layers = await store.getImage(r.imageId)!.layers();
    const entries = await layerEntries(await collect(await layers[layers.length - 1].open()));
    expect(entries.map((e) => e.path)).toContain("out/corrupt.gz");
  });

  it("a gzip bomb stops at the memory budget with the --memory hint", async () => {
    process.env.TSBUILD_MEMORY = "4m";
    const bomb = gzipSync(await tarOf([{ name: "zeros", body: Buffer.alloc(64 << 20) }]));
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nADD x.tar.gz /out/\n", "x.tar.gz": bomb });
    const store = await busyboxStore();
    await expect(buildDir(store, dir)).rejects.toThrow("ADD x.tar.gz: archive expands past the memory limit of 4 MiB (use --memory)");
  });

  // Docker's archive.Untar (chrooted at DEST) refuses both: "invalid symlink" / breakout.
  it("a symlink climbing out of the destination, and a member written through one, are refused", async () => {
    const store = await busyboxStore();
    const climbing = await tarOf([{ name: "d/l", type: "symlink", linkname: "../../../../.." }, { name: "d/l/etc/pwned", body: "x" }]);
    const dir = contextDir({ Dockerfile: "FROM busybox:test\nADD c.tar /dest/\n", "c.tar": climbing });
    await expect(buildDir(store, dir)).rejects.toThrow(/invalid symlink "\/dest\/d\/l" -> "..\/..\/..\/..\/.."/);
    const through = await tarOf([{ name: "l", type: "symlink", linkname: "/etc" }, { name: "l/pwned", body: "x" }]);
    const dir2 = contextDir({ Dockerfile: "FROM busybox:test\nADD t.tar /dest/\n", "t.tar": through });
    const err = await buildDir(store, dir2).catch((e: Error) => e);
    expect(String(err)).toMatch(/invalid archive entry "l\/pwned": ".*" is outside of "\/dest"/);
  });
});

