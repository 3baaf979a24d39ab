import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Image } from "@tsbuild/image";
import { importTar, memoryStore, type ImageStore } from "../src/index.js";
import { makeTar } from "./helpers/tar.js";

/** A store that records what importTar hands to writeImage. */
function watched(): { store: ImageStore; writes: Array<{ image: Image; tags: readonly string[] }> } {
  const inner = memoryStore();
  const writes: Array<{ image: Image; tags: readonly string[] }> = [];
  const store = Object.assign(Object.create(inner) as ImageStore, {
    writeImage: (image: Image, tags: readonly string[] = [], opts?: Parameters<ImageStore["writeImage"]>[2]) => {
      writes.push({ image, tags });
      return inner.writeImage(image, tags, opts);
    },
  });
  return { store, writes };
}

// The spools go to os.tmpdir(): this file points it at a directory of its own, to count them.
const savedTmp = process.env.TMPDIR;
let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "tsbuild-import-test-"));
  process.env.TMPDIR = tmp;
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(tmp, { recursive: true, force: true });
});
const spools = () => readdirSync(tmp).length;

describe("import goes through writeImage, like load and pull", () => {
  it("a buffer: one Image of one layer, tagged by writeImage", async () => {
    const { store, writes } = watched();
    const tar = makeTar([{ name: "a", data: "1" }]);
    const id = await importTar(store, tar, { ref: "imp/buf" });
    expect(writes.map((w) => w.tags)).toEqual([["imp/buf:latest"]]);
    expect(await writes[0].image.id()).toBe(id);
    expect((await writes[0].image.layers()).length).toBe(1);
    expect(store.resolve("imp/buf:latest")).toBe(id);
  });

  it("a gzip'd stream is spooled, gives the same diffID as the plain buffer, and its spool is removed", async () => {
    const tar = makeTar([{ name: "a", data: "x".repeat(3000) }]);
    const { store, writes } = watched();
    const id = await importTar(store, Readable.from([gzipSync(tar)]), { created: new Date(0) });
    const plain = await importTar(memoryStore(), tar, { created: new Date(0) });
    expect(id).toBe(plain);
    expect(writes[0].tags).toEqual([]);
    expect(spools()).toBe(0);
  });

  it("a bad stream leaves no spool and no layer", async () => {
    const store = memoryStore();
    const tar = makeTar([{ name: "a", data: "x".repeat(2000) }]);
    await expect(importTar(store, Readable.from([tar.subarray(0, 1200)]))).rejects.toThrow(/truncated tar/);
    expect(spools()).toBe(0);
    expect(store.listImages()).toEqual([]);
  });
});
