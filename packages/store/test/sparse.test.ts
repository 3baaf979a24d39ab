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

describe("writeSparse", () => {
  it("writes back exactly the bytes given, however they are split into chunks and wherever the holes fall", async () => {
    const { default: fc } = await import("fast-check");
    const { closeSync, openSync, readFileSync, rmSync, mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { writeSparse } = await import("../src/disk/sparse.js");
    const dir = mkdtempSync(join(tmpdir(), "tsbuild-sparse-"));
    try {
      let n = 0;
      // Each piece: data or zeros, sized around the block size so runs start and end mid-block.
      const piece = fc.record({ zero: fc.boolean(), size: fc.integer({ min: 0, max: 3 * 4096 + 7 }), fill: fc.integer({ min: 1, max: 255 }) });
      await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 9000 }), { maxLength: 6 }), async (pieces, cuts) => {
        const content = Buffer.concat(pieces.map((p) => Buffer.alloc(p.size, p.zero ? 0 : p.fill)));
        const chunks: Buffer[] = [];
        let at = 0;
        for (const c of cuts) {
          if (at >= content.length) break;
          chunks.push(content.subarray(at, at + c));
          at += c;
        }
        chunks.push(content.subarray(at));
        const file = join(dir, `f${n++}`);
        const fd = openSync(file, "wx");
        try {
          expect(await writeSparse(fd, (async function* () { yield* chunks; })())).toBe(content.length);
        } finally {
          closeSync(fd);
        }
        expect(readFileSync(file).equals(content)).toBe(true);
      }), { numRuns: 150, seed: 17 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
