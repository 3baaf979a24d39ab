import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunksOf, ingestTar } from "../src/layer/ingest.js";
import { ingestChunks } from "../src/layer/ingest-chunks.js";
import { makeTar, paxRecords, type TestEntry } from "./helpers/tar.js";

type Outcome = { ok: unknown } | { error: string; kind: string };

async function streaming(chunks: Buffer[], rules: object): Promise<Outcome> {
  try {
    return { ok: await ingestTar(chunksOf(chunks), { rules }) };
  } catch (e) {
    return { error: (e as Error).message, kind: (e as Error).constructor.name };
  }
}

function synchronous(chunks: Buffer[], rules: object): Outcome {
  try {
    return { ok: ingestChunks(chunks, rules) };
  } catch (e) {
    return { error: (e as Error).message, kind: (e as Error).constructor.name };
  }
}

/** Cuts a tar into chunks at the given offsets (empty chunks included). */
function cut(tar: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((p) => p % (tar.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(tar.subarray(prev, p));
    prev = p;
  }
  out.push(tar.subarray(prev));
  return out;
}

const name = fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8}){0,2}$/);
const member: fc.Arbitrary<TestEntry> = fc.oneof(
  { arbitrary: fc.record({ name, type: fc.constant("file" as const), data: fc.uint8Array({ maxLength: 1500 }).map((a) => Buffer.from(a)) }), weight: 6 },
  fc.record({ name: name.map((n) => n + "/"), type: fc.constant("dir" as const) }),
  fc.record({ name, type: fc.constant("symlink" as const), linkname: fc.constantFrom("target", "../../up", "/abs", "a/b") }),
  fc.record({ name, type: fc.constant("link" as const), linkname: fc.constant("f") }),
  fc.record({ name: fc.constant("PaxHeaders/x"), type: fc.constant("pax" as const), data: name.map((n) => paxRecords({ path: "long/" + n.repeat(20) })) }),
  fc.record({ name: fc.constant("././@LongLink"), type: fc.constant("gnu-longname" as const), data: name.map((n) => Buffer.from("gnu/" + n.repeat(30) + "\0")) }),
  fc.record({ name: fc.constantFrom("../escape", "/abs/path", "a/../../b", "f"), type: fc.constant("file" as const), data: fc.constant(Buffer.from("x")) }),
  fc.record({ name, type: fc.constant("fifo" as const) }),
);

/** The first header's type as a pre-POSIX tar writes a file: "\0", the checksum made again. */
function withOldStyleType(tar: Buffer): Buffer {
  const out = Buffer.from(tar);
  out[156] = 0;
  out.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += out[i];
  out.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
  return out;
}

/** Undefined three times in four. */
function rarely<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

/** A tar, then maybe damaged: cut short, a byte changed, bytes appended. */
const damagedTar = fc
  .tuple(
    fc.array(member, { maxLength: 8 }),
    fc.boolean(),
    rarely(fc.nat()),
    rarely(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }))),
    rarely(fc.uint8Array({ minLength: 1, maxLength: 2000 })),
    fc.boolean(),
  )
  .map(([entries, trailer, cutAt, flip, extra, oldStyle]) => {
    let tar = makeTar(entries, { trailer, extra: extra && Buffer.from(extra) });
    if (oldStyle && entries.length > 0 && (entries[0].type ?? "file") === "file") tar = withOldStyleType(tar);
    if (cutAt !== undefined) tar = tar.subarray(0, cutAt % (tar.length + 1));
    if (flip && tar.length > 0) {
      tar = Buffer.from(tar);
      tar[flip[0] % tar.length] ^= flip[1];
    }
    return tar;
  });

describe("ingestChunks (the memory store's synchronous ingest)", () => {
  it("gives the streaming ingest's result or its exact error, on valid and damaged tars in any chunking", async () => {
    await fc.assert(
      fc.asyncProperty(damagedTar, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), fc.boolean(), async (tar, at, climbing, payload) => {
        const chunks = cut(tar, at);
        const rules = { climbingSymlinks: climbing, payloadSize: payload };
        const s = synchronous(chunks, rules);
        (globalThis as any).__c ??= {}; const k = "ok" in s ? "ok" : s.error.slice(0, 40); (globalThis as any).__c[k] = ((globalThis as any).__c[k] ?? 0) + 1;
        expect(s).toEqual(await streaming(chunks, rules));
      }),
      { numRuns: 600 },
    );
    console.log((globalThis as any).__c);
  });

  it("hashes what follows the end-of-archive marker, as the diffID of the stream does", async () => {
    const tar = makeTar([{ name: "f", data: "x" }], { extra: Buffer.from("trailing") });
    const sync = ingestChunks([tar]);
    expect(sync).toEqual(await ingestTar(chunksOf(tar)));
    expect(sync.tarSize).toBe(tar.length);
  });
});
