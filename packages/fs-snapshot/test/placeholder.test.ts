import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { RootFS } from "../src/index.js";
import { step } from "./helpers.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const FIXED = { defaultMtime: new Date("2024-01-01T00:00:00Z") };

/** sha256 of `prefix`, then `n` zero bytes fed 1 MiB at a time, then `suffix`: the expected stream. */
function hashWithZeros(prefix: Buffer, n: number, suffix: Buffer): string {
  const h = createHash("sha256").update(prefix);
  const z = Buffer.alloc(MiB);
  for (; n >= MiB; n -= MiB) h.update(z);
  h.update(z.subarray(0, n));
  return "sha256:" + h.update(suffix).digest("hex");
}

/** A file of `size` zero bytes written in appends below the placeholder threshold: real bytes. */
function storedZeros(rfs: RootFS, p: string, size: number): void {
  rfs.writeFile(p, "");
  for (let left = size; left > 0; left -= MiB / 2) rfs.writeFile(p, Buffer.alloc(Math.min(left, MiB / 2)), { append: true });
}

describe("zero placeholders", () => {
  it("give the same layer bytes, size and entries as the same zeros stored as bytes", async () => {
    const a = new RootFS(FIXED);
    const b = new RootFS(FIXED);
    const viaPlaceholder = await step(a, (f) => {
      f.truncate!("/big", 3 * MiB + 5);
      f.writeFile("/dd", Buffer.alloc(2 * MiB));
    });
    const viaBytes = await step(b, (f) => {
      storedZeros(f, "/big", 3 * MiB + 5);
      storedZeros(f, "/dd", 2 * MiB);
    });
    expect(a.placeholderBytes("/big")).toBe(3 * MiB + 5);
    expect(a.placeholderBytes("/dd")).toBe(2 * MiB);
    expect(b.placeholderBytes("/big")).toBe(0);
    // Buffer.equals: vitest compares large buffers element by element.
    expect(Buffer.concat(viaPlaceholder.tarChunks()).equals(viaBytes.tar)).toBe(true);
    expect(viaPlaceholder.diffID).toBe(viaBytes.diffID);
    expect(viaPlaceholder.size).toBe(5 * MiB + 5);
    expect(viaPlaceholder.entries).toEqual(viaBytes.entries);
  });

  it("read as zeros by range and as a whole, and keep bytes appended after them", async () => {
    const rfs = new RootFS(FIXED);
    rfs.writeFile("/f", "head");
    rfs.truncate!("/f", 10);
    expect(rfs.stat("/f").size).toBe(10);
    expect(rfs.readFile("/f")).toEqual(Buffer.from("head\0\0\0\0\0\0"));
    expect(rfs.readRange!("/f", 2, 4)).toEqual(Buffer.from("ad\0\0"));
    expect(Buffer.concat(rfs.readChunks!("/f"))).toEqual(rfs.readFile("/f"));
    rfs.writeFile("/f", "tail", { append: true });
    expect(rfs.readFile("/f")).toEqual(Buffer.from("head\0\0\0\0\0\0tail"));
    expect(rfs.placeholderBytes("/f")).toBe(6);
    expect(rfs.readRange!("/f", 8, 4)).toEqual(Buffer.from("\0\0ta"));
    rfs.truncate!("/f", 12);
    expect(rfs.readFile("/f")).toEqual(Buffer.from("head\0\0\0\0\0\0ta"));
    for (let i = 0; i < 100; i++) rfs.writeFile("/f", "x", { append: true });
    expect(rfs.readFile("/f").toString("latin1")).toBe("head" + "\0".repeat(6) + "ta" + "x".repeat(100));
    rfs.truncate!("/f", 2);
    expect(rfs.readFile("/f")).toEqual(Buffer.from("he"));
    expect(rfs.placeholderBytes("/f")).toBe(0);
  });

  it("are put back by an aborted step", () => {
    const rfs = new RootFS(FIXED);
    rfs.writeFile("/f", "abc");
    rfs.beginStep();
    rfs.truncate!("/f", 4 * GiB);
    rfs.writeFile("/f", "x", { append: true });
    expect(rfs.stat("/f").size).toBe(4 * GiB + 1);
    rfs.writeFile("/f", "x", { append: false });
    rfs.truncate!("/g", 7);
    rfs.abortStep();
    expect(rfs.readFile("/f")).toEqual(Buffer.from("abc"));
    expect(rfs.exists("/g")).toBe(false);
  });

  it("refuse a whole read past the cap with EFBIG, not a RangeError", () => {
    const rfs = new RootFS(FIXED);
    rfs.truncate!("/huge", 5 * GiB);
    expect(rfs.stat("/huge").size).toBe(5 * GiB);
    expect(() => rfs.readFile("/huge")).toThrow(expect.objectContaining({ code: "EFBIG", path: "/huge" }));
    expect(rfs.readRange!("/huge", 5 * GiB - 3, 10)).toEqual(Buffer.alloc(3));
  });

  it("put a 5 GiB file in a layer whose diffID is the sha256 of the expected tar stream", async () => {
    const rfs = new RootFS(FIXED);
    const diff = await step(rfs, (f) => f.truncate!("/big", 5 * GiB));
    const chunks = diff.tarChunks();
    const header = chunks[0];
    expect(header.length).toBe(512);
    // USTAR: name at 0, size in octal at 124 (5 GiB = 0o50000000000 fits the 11 digits).
    expect(header.subarray(0, 4).toString()).toBe("big\0");
    expect(header.subarray(124, 136).toString()).toBe("00050000000000".slice(-11) + "\0");
    expect(diff.size).toBe(5 * GiB);
    expect(diff.tarSize).toBe(512 + 5 * GiB + 1024);
    expect(diff.diffID).toBe(hashWithZeros(header, 5 * GiB, Buffer.alloc(1024)));
    expect(diff.entries).toEqual([
      expect.objectContaining({ path: "big", type: "file", size: 5 * GiB, sha256: hashWithZeros(Buffer.alloc(0), 5 * GiB, Buffer.alloc(0)).slice(7) }),
    ]);
  });

  it("past 8 GiB carry their size in a PAX record, as Go's archive/tar writes it", async () => {
    const rfs = new RootFS(FIXED);
    const diff = await step(rfs, (f) => f.truncate!("/huge", 9 * GiB + 1));
    const chunks = diff.tarChunks();
    expect(chunks[0].toString("latin1")).toContain(`size=${9 * GiB + 1}\n`);
    expect(diff.tarSize).toBe(chunks[0].length + 9 * GiB + 1 + 511 + 1024);
    expect(diff.size).toBe(9 * GiB + 1);
  });

  it("come back as placeholders when a layer holding them is applied (FROM an image with a 5 GiB file)", async () => {
    const a = new RootFS(FIXED);
    const diff = await step(a, (f) => {
      f.writeFile("/mixed", "head");
      f.truncate!("/mixed", 70 * MiB);
      f.writeFile("/mixed", "tail", { append: true });
      f.truncate!("/huge", 5 * GiB);
    });
    const b = new RootFS(FIXED);
    await b.applyLayer(Readable.from(diff.tarChunks()));
    expect(b.stat("/huge").size).toBe(5 * GiB);
    expect(b.placeholderBytes("/huge")).toBe(5 * GiB);
    expect(b.stat("/mixed").size).toBe(70 * MiB + 4);
    expect(b.readRange!("/mixed", 0, 6)).toEqual(Buffer.from("head\0\0"));
    expect(b.readRange!("/mixed", 70 * MiB - 2, 10)).toEqual(Buffer.from("\0\0tail"));
    // A layer of the applied tree is the same bytes again.
    const again = await step(b, (f) => {
      f.writeFile("/mixed", "x", { append: true });
      f.truncate!("/mixed", 70 * MiB + 4);
    });
    expect(again.entries.map((e) => [e.path, e.size])).toEqual([["mixed", 70 * MiB + 4]]);
    expect(again.entries[0].sha256).toBe(diff.entries.find((e) => e.path === "mixed")!.sha256);
  });
});

describe("writeFile of adopted buffers", () => {
  it("keeps an adopted zero buffer as a placeholder every time, and its views within the zeros too, without copying", () => {
    const zeros = Buffer.alloc(4 * MiB);
    const rfs = new RootFS(FIXED);
    rfs.writeFile("/a", zeros.subarray(0, 3 * MiB), { adopt: true });
    rfs.writeFile("/b", zeros.subarray(0, 2 * MiB), { adopt: true });
    rfs.writeFile("/c", zeros.subarray(MiB, 3 * MiB), { adopt: true });
    rfs.writeFile("/d", zeros, { adopt: true });
    expect([rfs.placeholderBytes("/a"), rfs.placeholderBytes("/b"), rfs.placeholderBytes("/c"), rfs.placeholderBytes("/d")]).toEqual([3 * MiB, 2 * MiB, 2 * MiB, 4 * MiB]);
  });

  it("keeps the bytes of an adopted buffer that is not all zeros, and of a copied one that ends in a non-zero byte", () => {
    const rfs = new RootFS(FIXED);
    const mixed = Buffer.alloc(2 * MiB);
    mixed[2 * MiB - 1] = 7;
    rfs.writeFile("/zeros", mixed.subarray(0, MiB), { adopt: true });
    rfs.writeFile("/mixed", mixed, { adopt: true });
    const copied = Buffer.alloc(2 * MiB);
    rfs.writeFile("/first", copied);
    copied[5] = 1;
    rfs.writeFile("/second", copied);
    expect(rfs.placeholderBytes("/zeros")).toBe(MiB);
    expect(rfs.placeholderBytes("/mixed")).toBe(0);
    expect(rfs.readFile("/mixed")[2 * MiB - 1]).toBe(7);
    expect(rfs.placeholderBytes("/first")).toBe(2 * MiB);
    expect(rfs.placeholderBytes("/second")).toBe(0);
    expect(rfs.readFile("/second")[5]).toBe(1);
  });
});

describe("writeFile of zeros under a megabyte", () => {
  it("keeps them as bytes with the layer bytes of zeros written piecewise, and never aliases the caller's buffer", async () => {
    const a = new RootFS(FIXED);
    const b = new RootFS(FIXED);
    const given = Buffer.alloc(300_000);
    const viaShared = await step(a, (f) => {
      f.writeFile("/list", given);
      f.writeFile("/small", Buffer.alloc(5000));
      f.writeFile("/list", Buffer.alloc(70_000), { append: true });
    });
    const viaPieces = await step(b, (f) => {
      f.writeFile("/list", "");
      for (let n = 0; n < 370_000; n += 1000) f.writeFile("/list", Buffer.alloc(1000), { append: true });
      f.writeFile("/small", "");
      for (let n = 0; n < 5000; n += 1000) f.writeFile("/small", Buffer.alloc(1000), { append: true });
    });
    expect(viaShared.diffID).toBe(viaPieces.diffID);
    expect(viaShared.tar.equals(viaPieces.tar)).toBe(true);
    expect(a.placeholderBytes("/list")).toBe(0);
    given[7] = 9;
    expect(a.readFile("/list").every((x) => x === 0)).toBe(true);
    expect(a.readFile("/list").length).toBe(370_000);
  });
});
