import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BuildContext } from "@tsbuild/context";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function contextWith(files: Record<string, Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsbuild-kept-"));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), body);
  return dir;
}

function bytesOf(ctx: BuildContext, name: string): Buffer {
  const bytes = ctx.resolveSources([name])[0].entry!.bytes!();
  const out = Buffer.alloc(bytes.length);
  bytes.readInto(out, 0, 0, bytes.length);
  return out;
}

// What a COPY writes of a directory context's file is what its tarsum covered: a small file's
// bytes are kept from the tarsum's read, a larger one is read again and checked against the walk.
describe("a directory context's file read for its tarsum", () => {
  test("small: the layer gets the bytes that were hashed, without reading the file again", async () => {
    const small = randomBytes(3000);
    const dir = contextWith({ "small.bin": small });
    const ctx = await BuildContext.fromDirectory(dir);
    const sum = ctx.sourceHash(ctx.resolveSources(["small.bin"]));
    fs.rmSync(path.join(dir, "small.bin"));
    expect(bytesOf(ctx, "small.bin").equals(small)).toBe(true);
    expect(ctx.resolveSources(["small.bin"])[0].entry!.data().equals(small)).toBe(true);
    expect(ctx.sourceHash(ctx.resolveSources(["small.bin"]))).toBe(sum);
  });

  test("small: each caller of data() gets its own copy", async () => {
    const dir = contextWith({ "small.bin": Buffer.from("abc") });
    const ctx = await BuildContext.fromDirectory(dir);
    ctx.sourceHash(ctx.resolveSources(["small.bin"]));
    const entry = ctx.resolveSources(["small.bin"])[0].entry!;
    entry.data().fill(0);
    expect(entry.data().toString()).toBe("abc");
  });

  test("larger: read again when written, and refused once it changed", async () => {
    const dir = contextWith({ "big.bin": randomBytes(5000) });
    const ctx = await BuildContext.fromDirectory(dir);
    ctx.sourceHash(ctx.resolveSources(["big.bin"]));
    fs.rmSync(path.join(dir, "big.bin"));
    expect(() => bytesOf(ctx, "big.bin")).toThrow(/big\.bin' changed after the context was read \(it was removed\)/);
  });

  test("ranges of a small kept file are the file's ranges", async () => {
    const body = randomBytes(1000);
    const dir = contextWith({ "s.bin": body });
    const ctx = await BuildContext.fromDirectory(dir);
    ctx.sourceHash(ctx.resolveSources(["s.bin"]));
    const bytes = ctx.resolveSources(["s.bin"])[0].entry!.bytes!();
    const out = Buffer.alloc(100);
    bytes.readInto(out, 0, 450, 100);
    expect(out.equals(body.subarray(450, 550))).toBe(true);
    expect([...bytes.readChunks(10, 20, 8)].map((c) => c.length)).toEqual([8, 8, 4]);
    expect(Buffer.concat([...bytes.readChunks(10, 20, 8)]).equals(body.subarray(10, 30))).toBe(true);
  });
});
