import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RootFS, type ExternalBytes } from "../src/index.js";

const FIXED = { defaultMtime: new Date("2024-01-01T00:00:00Z") };
const MTIME = new Date("2023-06-01T12:00:00Z");

/** Bytes outside the tree, counting its reads; `fail` makes every later read throw, as a changed context file's does. */
class Held implements ExternalBytes {
  reads = 0;
  fail: Error | undefined;
  constructor(readonly data: Buffer) {}
  get length(): number {
    return this.data.length;
  }
  readInto(out: Buffer, at: number, offset: number, length: number): void {
    this.reads++;
    if (this.fail) throw this.fail;
    this.data.copy(out, at, offset, offset + length);
  }
}

/** The same file written both ways, in one step each: the layers must be the same bytes. */
function layerOf(write: (fs: RootFS) => void) {
  const fs = new RootFS(FIXED);
  fs.mkdir("/src", { mtime: MTIME });
  fs.beginStep();
  write(fs);
  return { fs, layer: fs.commitStep() };
}

describe("a file whose bytes are an external file's (writeExternal)", () => {
  const sizes = [0, 1, 511, 512, 513, 70_000, (1 << 20) + 3];

  it.each(sizes)("gives the layer writeFile gives, byte for byte (%i bytes)", async (size) => {
    const data = randomBytes(size);
    const held = new Held(data);
    const opts = { mode: 0o640, owner: { uid: 7, gid: 8 }, mtime: MTIME };
    const a = await layerOf((fs) => fs.writeExternal("/src/f", held, opts)).layer;
    const b = await layerOf((fs) => fs.writeFile("/src/f", data, opts)).layer;
    expect(a.diffID).toBe(b.diffID);
    expect(Buffer.concat([...a.tarChunks()]).equals(b.tar)).toBe(true);
    expect(a.entries).toEqual(b.entries);
  });

  it("is not held: read when the layer or a reader needs it, and counted as bytes not in memory", async () => {
    const data = randomBytes(5000);
    const held = new Held(data);
    const { fs, layer } = layerOf((fs) => fs.writeExternal("/src/f", held, { mtime: MTIME }));
    const diff = await layer;
    expect(held.reads).toBe(0);
    expect(fs.placeholderBytes("/src/f")).toBe(5000);
    expect(fs.lstat("/src/f").size).toBe(5000);
    expect(fs.readFile("/src/f").equals(data)).toBe(true);
    expect(fs.readRange("/src/f", 10, 20).equals(data.subarray(10, 30))).toBe(true);
    const before = held.reads;
    void [...diff.tarChunks()];
    expect(held.reads).toBeGreaterThan(before);
  });

  it("fails the reader with the owner's error when the bytes can no longer be read as they were", async () => {
    const held = new Held(randomBytes(100));
    const { fs, layer } = layerOf((fs) => fs.writeExternal("/src/f", held, { mtime: MTIME }));
    const diff = await layer;
    held.fail = new Error("the file changed after the context was read");
    expect(() => [...diff.tarChunks()]).toThrow(/changed after the context was read/);
    expect(() => fs.readFile("/src/f")).toThrow(/changed after the context was read/);
  });

  it("replaces an existing file's bytes, and an aborted step restores them", () => {
    const fs = new RootFS(FIXED);
    fs.writeFile("/f", "old");
    fs.beginStep();
    fs.writeExternal("/f", new Held(Buffer.from("newer")));
    expect(fs.readFile("/f").toString()).toBe("newer");
    fs.abortStep();
    expect(fs.readFile("/f").toString()).toBe("old");
  });

  it("can be appended to: the new bytes are kept after the external ones", () => {
    const fs = new RootFS(FIXED);
    fs.writeExternal("/f", new Held(Buffer.from("head-")));
    fs.writeFile("/f", "tail", { append: true });
    expect(fs.readFile("/f").toString()).toBe("head-tail");
  });

  it("refuses a range reader that gives more bytes than the range (a tar body longer than its header)", async () => {
    // A reader whose chunks() ignored the range it was asked for: the whole file for its first half.
    const data = randomBytes(5000);
    const whole = Object.assign(new Held(data), { chunks: () => [data] });
    const fs = new RootFS(FIXED);
    fs.writeExternal("/f", whole);
    fs.beginStep();
    fs.truncate("/f", 2500);
    const diff = await fs.commitStep();
    expect(() => [...diff.tarChunks()]).toThrow(/gave more bytes of a 2500-byte range/);
  });
});
