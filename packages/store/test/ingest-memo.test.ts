import fc from "fast-check";
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { memoryStore, memoryStoreOver } from "../src/index.js";
import { chunksOf, ingestTar } from "../src/layer/ingest.js";
import { clearIngestMemo, lookupIngest } from "../src/memory/ingest-memo.js";
import { header, type TestEntry } from "./helpers/tar.js";

/** A layer tar as the chunks a layer writer hands over: header, body, padding per member, then the trailer. */
function chunked(entries: Array<TestEntry & { data?: Buffer }>): Buffer[] {
  const out: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    out.push(header(e, data.length));
    if (data.length) out.push(data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) out.push(Buffer.alloc(pad));
  }
  out.push(Buffer.alloc(1024));
  return out;
}

function sha256(chunks: Buffer[]): string {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return "sha256:" + h.digest("hex");
}

const BIG = 300 * 1024;

function bigBytes(seed: number): Buffer {
  const b = Buffer.alloc(BIG);
  for (let i = 0; i < b.length; i += 997) b[i] = (seed + i) & 0xff;
  return b;
}

beforeEach(() => clearIngestMemo());

describe("the memory store's ingest memo", () => {
  it("remembers a layer and answers for the same chunks from then on", () => {
    const chunks = chunked([{ name: "a", data: Buffer.from("hello") }, { name: "big", data: bigBytes(1) }]);
    const rules = { climbingSymlinks: true };
    const first = lookupIngest(chunks, rules);
    expect(first.hit).toBeUndefined();
    const result = { diffID: sha256(chunks), size: 5 + BIG, payloadSize: 5 + BIG, tarSize: chunks.reduce((n, c) => n + c.length, 0) };
    first.remember!(result);
    expect(lookupIngest(chunks, rules).hit).toEqual(result);
    // The same buffers listed again in a new array are the same layer.
    expect(lookupIngest([...chunks], rules).hit).toEqual(result);
    // Other rules: another layer.
    expect(lookupIngest(chunks, { climbingSymlinks: false }).hit).toBeUndefined();
  });

  it("does not remember a layer of small chunks (its key would cost what hashing it does)", () => {
    const chunks = chunked([{ name: "a", data: Buffer.alloc(3000, 1) }, { name: "b", data: Buffer.alloc(9000, 2) }]);
    expect(lookupIngest(chunks, {})).toEqual({});
  });

  it("never takes equal bytes in another large buffer, or other bytes in a small chunk, for the same layer", () => {
    const big = bigBytes(2);
    const chunks = chunked([{ name: "a", data: Buffer.from("one") }, { name: "big", data: big }]);
    lookupIngest(chunks, {}).remember!({ diffID: sha256(chunks), size: 0, payloadSize: 0, tarSize: 0 });
    expect(lookupIngest(chunks, {}).hit).toBeDefined();
    const copied = chunks.map((c) => (c === big ? Buffer.from(big) : c));
    expect(lookupIngest(copied, {}).hit).toBeUndefined();
    const otherSmall = chunked([{ name: "a", data: Buffer.from("two") }, { name: "big", data: big }]);
    expect(lookupIngest(otherSmall, {}).hit).toBeUndefined();
    // A view at another offset of the same buffer is another chunk.
    const wide = Buffer.concat([Buffer.alloc(512), big]);
    const a = chunked([{ name: "big", data: wide.subarray(0, BIG) }]);
    const b = chunked([{ name: "big", data: wide.subarray(512, 512 + BIG) }]);
    lookupIngest(a, {}).remember!({ diffID: sha256(a), size: 0, payloadSize: 0, tarSize: 0 });
    expect(lookupIngest(b, {}).hit).toBeUndefined();
  });

  it("gives fresh stores the diffID, size and bytes a plain ingest gives, every time (random layers and chunkings)", async () => {
    const entry = fc.record({
      name: fc.stringMatching(/^[a-z]{1,12}$/),
      small: fc.uint8Array({ maxLength: 3000 }),
      big: fc.boolean(),
      mtime: fc.integer({ min: 0, max: 2 ** 31 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(entry, { selector: (e) => e.name, minLength: 1, maxLength: 6 }), fc.boolean(), async (list, payloadSize) => {
        clearIngestMemo();
        const shared = bigBytes(list.length);
        const chunks = chunked(list.map((e, i) => ({ name: e.name, mtime: e.mtime, data: e.big || i === 0 ? shared.subarray(0, BIG - e.small.length) : Buffer.from(e.small) })));
        const plain = await ingestTar(chunksOf(Buffer.concat(chunks)), { rules: { climbingSymlinks: true, payloadSize } });
        for (let k = 0; k < 3; k++) {
          const store = k === 1 ? memoryStoreOver(memoryStore()) : memoryStore();
          const layer = await store.putLayer(chunks, null, { builtHere: true, payloadSize, immutableChunks: true });
          expect(await layer.diffID()).toBe(plain.diffID);
          expect(await layer.size()).toBe(plain.size);
          expect(await layer.tarSize()).toBe(plain.tarSize);
          const back: Buffer[] = [];
          for await (const c of await layer.open()) back.push(c as Buffer);
          expect(Buffer.concat(back).equals(Buffer.concat(chunks))).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("refuses a bad layer every time: a refusal is never remembered", async () => {
    const chunks = chunked([{ name: "../escape", data: bigBytes(3) }]);
    for (let k = 0; k < 3; k++) {
      await expect(memoryStore().putLayer(chunks, null, { builtHere: true, immutableChunks: true })).rejects.toThrow(/escape/);
    }
  });

  it("still checks an expected diffID on a remembered layer", async () => {
    const chunks = chunked([{ name: "f", data: bigBytes(4) }]);
    for (let k = 0; k < 2; k++) await memoryStore().putLayer(chunks, null, { immutableChunks: true });
    await expect(memoryStore().putLayer(chunks, null, { immutableChunks: true, expectDiffID: "sha256:" + "0".repeat(64) })).rejects.toThrow(/expected/);
  });
});
