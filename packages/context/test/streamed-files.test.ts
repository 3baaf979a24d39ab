import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";
import { BuildContext } from "@tsbuild/context";

const dirs: string[] = [];
const saved = process.env.TSBUILD_SPILL_THRESHOLD;
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
beforeEach(() => {
  process.env.TSBUILD_SPILL_THRESHOLD = "1000";
});
afterEach(() => {
  if (saved === undefined) delete process.env.TSBUILD_SPILL_THRESHOLD;
  else process.env.TSBUILD_SPILL_THRESHOLD = saved;
});

function contextWith(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsbuild-streamed-"));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

const sum = (ctx: BuildContext, src: string) => ctx.sourceHash(ctx.resolveSources([src]));

// Issue 17: a context file past the spill threshold is hashed and copied in chunks, never read whole.
describe("a large context file", () => {
  test("is read in megabyte chunks that give the bytes and the tarsum of a whole read", async () => {
    const big = randomBytes(2.5 * 2 ** 20);
    const dir = contextWith({ Dockerfile: "FROM scratch\n", "big.bin": big });
    const streamed = await BuildContext.fromDirectory(dir);
    const entry = streamed.resolveSources(["big.bin"])[0].entry!;
    const chunks = [...entry.chunks!()];
    expect(chunks.map((c) => c.length)).toEqual([2 ** 20, 2 ** 20, 2 ** 19]);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
    const streamedSum = sum(streamed, "big.bin");
    delete process.env.TSBUILD_SPILL_THRESHOLD;
    const whole = await BuildContext.fromDirectory(dir);
    expect(whole.resolveSources(["big.bin"])[0].entry!.chunks).toBeUndefined();
    expect(sum(whole, "big.bin")).toBe(streamedSum);
  });

  test("swapped for a symlink to a host file after the walk: refused when streamed too", async () => {
    const dir = contextWith({ Dockerfile: "FROM scratch\n", "big.bin": randomBytes(5000) });
    const ctx = await BuildContext.fromDirectory(dir);
    const host = path.join(contextWith({ "host-only": "host secret\n".repeat(1000) }), "host-only");
    fs.rmSync(path.join(dir, "big.bin"));
    fs.symlinkSync(host, path.join(dir, "big.bin"));
    expect(() => sum(ctx, "big.bin")).toThrow(/big\.bin' changed after the context was read \(it is now a symbolic link\)/);
  });
});
