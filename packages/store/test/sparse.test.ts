import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../src/index.js";
import { tarOf } from "./helpers/archive.js";
import { tempRoot } from "./helpers/paths.js";

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe("zero-filled content is stored sparse", () => {
  it("keeps an 8 MB placeholder as holes, serves the tar back byte for byte, and fsck verifies it", async () => {
    const root = tempRoot();
    const zeros = Buffer.alloc(8 << 20);
    const mixed = Buffer.alloc(3 * 4096 + 100);
    mixed.write("head", 0);
    mixed.write("middle", 4096 + 17); // a block with data between two holes
    mixed.write("tail", mixed.length - 4);
    const tar = await tarOf([{ name: "usr/share/gcc/gcc.data", data: zeros }, { name: "etc/mixed", data: mixed }]);
    const store = openStore(root);
    const layer = await store.putLayer(tar, null);
    expect(await layer.diffID()).toBe("sha256:" + createHash("sha256").update(tar).digest("hex"));

    const back = await readAll(await layer.open());
    expect(back.equals(tar)).toBe(true);
    expect(await store.fsck()).toEqual([]);

    const diff = join(root, "overlay2", store.graphDriver(layer.chainID).Data!.UpperDir!.split("/").at(-2)!, "diff");
    const placeholder = statSync(join(diff, "usr/share/gcc/gcc.data"));
    expect(placeholder.size).toBe(8 << 20);
    // A file system without holes (rare on Linux) would allocate every block: say so, don't fail.
    if (placeholder.blocks * 512 >= placeholder.size) console.warn("sparse.test: this file system stores no holes");
    else expect(placeholder.blocks * 512).toBeLessThan(64 << 10);
  });
});

describe("a layer's files written sparse, inline and by the worker", () => {
  it("writes back exactly the bytes given, however they are split into chunks and wherever the holes fall", async () => {
    const { default: fc } = await import("fast-check");
    const fs = await import("node:fs");
    const path = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { diffOps } = await import("../src/disk/diff-ops.js");
    const { DiffWorker } = await import("../src/disk/diff-worker.js");
    const dir = fs.mkdtempSync(join(tmpdir(), "tsbuild-sparse-"));
    try {
      let n = 0;
      // Each piece: data or zeros, sized around the block size so runs start and end mid-block.
      const piece = fc.record({ zero: fc.boolean(), size: fc.integer({ min: 0, max: 3 * 4096 + 7 }), fill: fc.integer({ min: 1, max: 255 }) });
      const file = fc.record({ pieces: fc.array(piece, { maxLength: 8 }), cuts: fc.array(fc.integer({ min: 1, max: 9000 }), { maxLength: 6 }) });
      await fc.assert(fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 4 }), async (files) => {
        const root = join(dir, `r${n++}`);
        fs.mkdirSync(root);
        const inline = diffOps(fs, path, root, ["."]);
        const worker = new DiffWorker(root, ["."]);
        const contents = files.map((f) => Buffer.concat(f.pieces.map((p) => Buffer.alloc(p.size, p.zero ? 0 : p.fill))));
        for (const [i, f] of files.entries()) {
          const content = contents[i];
          const chunks: Buffer[] = [];
          let at = 0;
          for (const c of f.cuts) {
            if (at >= content.length) break;
            chunks.push(content.subarray(at, at + c));
            at += c;
          }
          chunks.push(content.subarray(at));
          for (const [to, name] of [[inline, `sub/in${i}`], [worker, `sub/w${i}`]] as const) {
            await to.open(name, 0o640);
            for (const c of chunks) await to.data(c);
            await to.close();
          }
        }
        await worker.finish();
        for (const [i, content] of contents.entries()) {
          for (const name of [`sub/in${i}`, `sub/w${i}`]) {
            expect(fs.readFileSync(join(root, name)).equals(content)).toBe(true);
            expect(fs.statSync(join(root, name)).mode & 0o777).toBe(0o640);
          }
        }
      }), { numRuns: 60, seed: 17 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reports a worker's failure (with its code) and leaves nothing running after abort", async () => {
    const fs = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { DiffWorker } = await import("../src/disk/diff-worker.js");
    const root = fs.mkdtempSync(join(tmpdir(), "tsbuild-diffworker-"));
    try {
      fs.writeFileSync(join(root, "taken"), "x");
      const worker = new DiffWorker(root, ["."]);
      await worker.open("taken", 0o644);
      await worker.close();
      await expect(worker.finish()).rejects.toMatchObject({ code: "EEXIST" });
      const second = new DiffWorker(root, ["."]);
      await second.open("big", 0o644);
      await second.data(Buffer.alloc(9 << 20, 1));
      await second.abort();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("a large layer (its files written by the worker)", () => {
  it("is stored file for file, served back byte for byte, and fsck finds it whole", async () => {
    const root = tempRoot();
    const files: Array<{ name: string; data?: Buffer | string; type?: "symlink"; linkname?: string }> = [];
    for (let i = 0; i < 2600; i++) {
      const name = `d${i % 37}/sub${i % 5}/f${i}`;
      if (i % 97 === 0) files.push({ name: `${name}.link`, type: "symlink", linkname: `../f${i - 1}` });
      else files.push({ name, data: i % 11 === 0 ? Buffer.alloc(6000 + i) : Buffer.alloc(i % 3000, i % 251) });
    }
    files.push({ name: "big/zeros-then-data", data: Buffer.concat([Buffer.alloc(20 << 20), Buffer.from("tail")]) });
    const tar = await tarOf(files);
    const store = openStore(root);
    const layer = await store.putLayer(tar, null);
    expect(await layer.diffID()).toBe("sha256:" + createHash("sha256").update(tar).digest("hex"));
    expect((await readAll(await layer.open())).equals(tar)).toBe(true);
    expect(await store.fsck()).toEqual([]);
    const diff = join(root, "overlay2", store.graphDriver(layer.chainID).Data!.UpperDir!.split("/").at(-2)!, "diff");
    const { readFileSync, readlinkSync } = await import("node:fs");
    expect(readFileSync(join(diff, "d5/sub0/f5")).equals(Buffer.alloc(5, 5))).toBe(true);
    expect(readlinkSync(join(diff, "d34/sub3/f2328.link"))).toBe("../f2327");
    expect(statSync(join(diff, "big/zeros-then-data")).size).toBe((20 << 20) + 4);
  });
});
