import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RootFS } from "../src/index.js";
import { setSpillThreshold } from "../src/spill.js";

const FIXED = { defaultMtime: new Date("2024-01-01T00:00:00Z") };
/** Small enough that the random sequences below spill often. */
const SMALL = 700;

let spillDir: string;
const savedDir = process.env.TSBUILD_SPILL_DIR;
const savedLimit = process.env.TSBUILD_SPILL_LIMIT;

beforeAll(() => {
  spillDir = mkdtempSync(join(tmpdir(), "tsbuild-spill-test-"));
  process.env.TSBUILD_SPILL_DIR = spillDir;
});

afterAll(() => {
  restoreEnv("TSBUILD_SPILL_DIR", savedDir);
  rmSync(spillDir, { recursive: true, force: true });
});

afterEach(() => {
  setSpillThreshold(undefined);
  restoreEnv("TSBUILD_SPILL_LIMIT", savedLimit);
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Runs `fn` on `fs` with the spill threshold at `threshold` (undefined: the default, 64 MiB). */
function withThreshold<T>(threshold: number | undefined, fn: () => T): T {
  setSpillThreshold(threshold);
  try {
    return fn();
  } finally {
    setSpillThreshold(undefined);
  }
}

function sha(chunks: Iterable<Buffer>): string {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return h.digest("hex");
}

type Op =
  | { kind: "write"; file: number; data: Buffer }
  | { kind: "append"; file: number; data: Buffer }
  | { kind: "truncate"; file: number; size: number }
  | { kind: "overwrite"; file: number; at: number; data: Buffer }
  | { kind: "copy"; from: number; to: number }
  | { kind: "zeros"; file: number; size: number };

const bytes = fc.uint8Array({ minLength: 0, maxLength: 900 }).map((a) => Buffer.from(a));
const file = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("write" as const), file, data: bytes }),
  fc.record({ kind: fc.constant("append" as const), file, data: bytes }),
  fc.record({ kind: fc.constant("truncate" as const), file, size: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant("overwrite" as const), file, at: fc.integer({ min: 0, max: 2000 }), data: bytes }),
  fc.record({ kind: fc.constant("copy" as const), from: file, to: file }),
  fc.record({ kind: fc.constant("zeros" as const), file, size: fc.integer({ min: 0, max: 3 }).map((n) => n * 2 ** 20) }),
);

/** What each operation does through the FileSystem API (an overwrite is dd's conv=notrunc: read, splice, write). */
function apply(fs: RootFS, o: Op): void {
  const p = (n: number) => `/f${n}`;
  switch (o.kind) {
    case "write": fs.writeFile(p(o.file), o.data); break;
    case "append": fs.writeFile(p(o.file), o.data, { append: true }); break;
    case "truncate": fs.truncate(p(o.file), o.size); break;
    case "zeros": fs.writeFile(p(o.file), Buffer.alloc(o.size), { append: true }); break;
    case "overwrite": {
      const old = fs.exists(p(o.file)) ? fs.readFile(p(o.file)) : Buffer.alloc(0);
      const head = Buffer.concat([old.subarray(0, o.at), Buffer.alloc(Math.max(0, o.at - old.length))]);
      fs.writeFile(p(o.file), Buffer.concat([head, o.data, old.subarray(o.at + o.data.length)]));
      break;
    }
    case "copy": {
      if (!fs.exists(p(o.from)) || o.from === o.to) break;
      const chunks = [...fs.readChunks(p(o.from))];
      fs.writeFile(p(o.to), Buffer.alloc(0));
      for (const c of chunks) fs.writeFile(p(o.to), c, { append: true });
      break;
    }
  }
}

function state(fs: RootFS): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdir("/")) {
    out[name] = `${fs.stat("/" + name).size}:${sha(fs.readChunks("/" + name))}:${sha([fs.readRange("/" + name, 3, 1500)])}`;
  }
  return out;
}

describe("spilled files", () => {
  it("read, commit and roll back exactly as the same writes kept in memory (random sequences)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), fc.array(op, { maxLength: 12 }), fc.array(op, { maxLength: 8 }), async (first, second, aborted) => {
        const spilled = new RootFS(FIXED);
        const memory = new RootFS(FIXED);
        const layers: string[][] = [];
        for (const ops of [first, second]) {
          const pair: string[] = [];
          for (const [fs, threshold] of [[spilled, SMALL], [memory, undefined]] as const) {
            fs.beginStep();
            withThreshold(threshold, () => ops.forEach((o) => apply(fs, o)));
            const diff = await fs.commitStep();
            pair.push(`${diff.diffID} ${diff.tarSize} ${diff.size} ${sha(diff.tarChunks())} ${JSON.stringify(diff.entries)}`);
            expect(diff.tarSize).toBe(diff.tar.length);
          }
          layers.push(pair);
        }
        for (const [a, b] of layers) expect(a).toBe(b);
        const before = state(spilled);
        expect(before).toEqual(state(memory));
        spilled.beginStep();
        withThreshold(SMALL, () => aborted.forEach((o) => apply(spilled, o)));
        spilled.abortStep();
        expect(state(spilled)).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });

  it("keep a spilled file's bytes out of memory, and a layer's chunks read them a megabyte at a time", async () => {
    const fs = new RootFS(FIXED);
    const data = randomBytes(5 * 2 ** 20 + 123);
    fs.beginStep();
    withThreshold(2 ** 20, () => {
      for (let at = 0; at < data.length; at += 300_000) fs.writeFile("/big", data.subarray(at, at + 300_000), { append: true });
    });
    expect(fs.placeholderBytes("/big")).toBe(data.length);
    expect(Buffer.concat([...fs.readChunks("/big")]).equals(data)).toBe(true);
    for (const c of fs.readChunks("/big")) expect(c.length).toBeLessThanOrEqual(2 ** 20);
    expect(fs.readRange("/big", 2 ** 20 - 7, 20).equals(data.subarray(2 ** 20 - 7, 2 ** 20 + 13))).toBe(true);
    const diff = await fs.commitStep();
    const file = diff.entries.find((e) => e.path === "big")!;
    expect(file.sha256).toBe(createHash("sha256").update(data).digest("hex"));
    expect(diff.diffID).toBe("sha256:" + createHash("sha256").update(diff.tar).digest("hex"));
  });

  it("come back spilled when a layer holding them is applied from a stream", async () => {
    const data = randomBytes(65 * 2 ** 20 + 5);
    const a = new RootFS(FIXED);
    a.beginStep();
    for (let at = 0; at < data.length; at += 4 * 2 ** 20) a.writeFile("/big", data.subarray(at, at + 4 * 2 ** 20), { append: true });
    const diff = await a.commitStep();
    expect(a.placeholderBytes("/big")).toBe(data.length);
    const b = new RootFS(FIXED);
    await b.applyLayer(Readable.from(diff.tarChunks()));
    expect(b.placeholderBytes("/big")).toBe(data.length);
    expect(sha(b.readChunks("/big"))).toBe(createHash("sha256").update(data).digest("hex"));
  });

  it("leave no file in the spill directory, even while open", () => {
    const fs = new RootFS(FIXED);
    withThreshold(10, () => fs.writeFile("/f", randomBytes(1000)));
    expect(fs.placeholderBytes("/f")).toBe(1000);
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it("fail a write past the spill limit with ENOSPC and keep the file as it was", () => {
    process.env.TSBUILD_SPILL_LIMIT = "5000";
    const fs = new RootFS(FIXED);
    const first = randomBytes(3000);
    withThreshold(10, () => {
      fs.writeFile("/f", first);
      expect(() => fs.writeFile("/f", randomBytes(3000), { append: true })).toThrow(/ENOSPC: no space left on device, write/);
    });
    expect(fs.readFile("/f").equals(first)).toBe(true);
  });
});
