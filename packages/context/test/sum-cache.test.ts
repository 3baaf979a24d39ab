import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BuildContext } from "../src/index.js";
import type { ContextRecord } from "../src/record.js";
import { ContextSumCache } from "../src/sum-cache.js";
import { recordTarsum } from "../src/tree.js";
import { removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

/** A file record as read-directory.ts makes it, counting its reads. */
function fileRecord(abs: string, name: string): { rec: ContextRecord; reads: () => number } {
  let reads = 0;
  const st = fs.lstatSync(abs);
  const rec: ContextRecord = {
    header: { name, mode: st.mode & 0o7777, uid: 0, gid: 0, size: st.size, typeflag: "0", linkname: "", devmajor: 0, devminor: 0 },
    mtime: new Date(0),
    data: () => {
      reads++;
      return fs.readFileSync(abs);
    },
    stat: st,
  };
  return { rec, reads: () => reads };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("the context sum cache", () => {
  it("answers an unchanged file's tarsum without reading it, and rehashes a changed one", async () => {
    const ctx = tempDir();
    const cacheDir = tempDir();
    const file = path.join(ctx, "a.txt");
    fs.writeFileSync(file, "one\n");
    const first = fileRecord(file, "a.txt");
    const sum = ContextSumCache.open(cacheDir, ctx, { racyNs: 0n }).wrap(first.rec, first.rec.stat, recordTarsum).tarsum!();
    expect(sum).toBe(recordTarsum(first.rec));
    await settle();

    const again = fileRecord(file, "a.txt");
    expect(ContextSumCache.open(cacheDir, ctx, { racyNs: 0n }).wrap(again.rec, again.rec.stat, recordTarsum).tarsum!()).toBe(sum);
    expect(again.reads()).toBe(0);

    // Same size, new content: the stat differs (ctime at least), so the sum is computed again.
    fs.writeFileSync(file, "two\n");
    const changed = fileRecord(file, "a.txt");
    const cache = ContextSumCache.open(cacheDir, ctx, { racyNs: 0n });
    expect(cache.wrap(changed.rec, changed.rec.stat, recordTarsum).tarsum!()).toBe(recordTarsum(fileRecord(file, "a.txt").rec));
    expect(changed.reads()).toBe(1);
  });

  it("rehashes a file whose mode, mtime or inode changed though its content did not", async () => {
    const ctx = tempDir();
    const cacheDir = tempDir();
    const file = path.join(ctx, "m.txt");
    fs.writeFileSync(file, "same\n");
    // Every change here is made in the same millisecond as the next open: no racy window at all,
    // so that what is tested is the stat comparison.
    const opts = { racyNs: -60_000_000_000n };
    const remember = async () => {
      const r = fileRecord(file, "m.txt");
      ContextSumCache.open(cacheDir, ctx, opts).wrap(r.rec, r.rec.stat, recordTarsum).tarsum!();
      await settle();
      const again = fileRecord(file, "m.txt");
      ContextSumCache.open(cacheDir, ctx, opts).wrap(again.rec, again.rec.stat, recordTarsum).tarsum!();
      expect(again.reads()).toBe(0);
    };
    const readsAfter = (change: () => void) => {
      change();
      const r = fileRecord(file, "m.txt");
      const sum = ContextSumCache.open(cacheDir, ctx, opts).wrap(r.rec, r.rec.stat, recordTarsum).tarsum!();
      expect(sum).toBe(recordTarsum(fileRecord(file, "m.txt").rec));
      return r.reads();
    };
    await remember();
    expect(readsAfter(() => fs.chmodSync(file, 0o600))).toBe(1);
    await remember();
    expect(readsAfter(() => fs.utimesSync(file, new Date(1_000_000), new Date(2_000_000)))).toBe(1);
    await remember();
    expect(readsAfter(() => {
      const other = path.join(ctx, "other");
      fs.writeFileSync(other, "same\n");
      fs.renameSync(other, file);
    })).toBe(1);
  });

  it("does not remember a file changed in the last seconds, nor trust a damaged cache file", async () => {
    const ctx = tempDir();
    const cacheDir = tempDir();
    const file = path.join(ctx, "b.txt");
    fs.writeFileSync(file, "fresh\n");
    const cache = ContextSumCache.open(cacheDir, ctx);
    const r = fileRecord(file, "b.txt");
    cache.wrap(r.rec, r.rec.stat, recordTarsum).tarsum!();
    await settle();
    expect(fs.existsSync(cache.path)).toBe(false);

    fs.writeFileSync(cache.path, "{not json");
    const again = fileRecord(file, "b.txt");
    expect(ContextSumCache.open(cacheDir, ctx).wrap(again.rec, again.rec.stat, recordTarsum).tarsum!()).toBe(recordTarsum(again.rec));
  });

  it("leaves every hash of a directory context as it was", async () => {
    const ctx = tempDir();
    const cacheDir = tempDir();
    fs.mkdirSync(path.join(ctx, "d"));
    fs.writeFileSync(path.join(ctx, "d/x"), "x".repeat(1000));
    fs.writeFileSync(path.join(ctx, "Dockerfile"), "FROM scratch\nCOPY . /\n");
    fs.symlinkSync("d/x", path.join(ctx, "link"));
    const plain = await BuildContext.fromDirectory(ctx);
    for (let i = 0; i < 2; i++) {
      const cached = await BuildContext.fromDirectory(ctx, { sumCache: cacheDir });
      const srcs = (c: BuildContext) => c.sourceHash(c.resolveSources(["."]));
      expect(srcs(cached)).toBe(srcs(plain));
      expect(cached.entries().map((e) => [e.path, e.hash])).toEqual(plain.entries().map((e) => [e.path, e.hash]));
      await settle();
    }
  });
});
