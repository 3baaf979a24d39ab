import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { BuildContext } from "../src/index.js";
import { byteCompare, goClean } from "../src/gopath.js";

describe("Go's path.Clean", () => {
  test.each([
    ["", "."], ["/", "/"], ["a", "a"], ["a/", "a"], ["/a/", "/a"], ["a//b", "a/b"], ["./a", "a"], ["a/.", "a"],
    ["a/..", "."], ["../a", "../a"], ["/..", "/"], ["a/./b", "a/b"], ["a/../b", "b"], [".hidden", ".hidden"],
    ["..x", "..x"], ["x..", "x.."], ["//", "/"], ["a/b/c/../..", "a"], ["...", "..."], ["d00/s0/f001.bin", "d00/s0/f001.bin"],
  ])("%j → %j", (input, want) => {
    expect(goClean(input)).toBe(want);
  });
});

describe("byte order of names", () => {
  test("is the order of their UTF-8 bytes, surrogate pairs included", () => {
    const names = ["a", "B", "é", "z", "\u{1F600}", "\uE000", "\uFFFD", "a\u0000", "ab", "", "\u007F", "\u0800", "\u{10000}"];
    const sorted = [...names].sort(byteCompare);
    const reference = [...names].sort((x, y) => Buffer.compare(Buffer.from(x, "utf8"), Buffer.from(y, "utf8")));
    expect(sorted).toEqual(reference);
  });
});

describe("a directory context's file contents", () => {
  const dir = mkdtempSync(join(tmpdir(), "ctx-read-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Once pinned "a changed file is read afresh": the bytes then no longer matched the header the
  // context recorded (issue 17), so a file changed after the walk is now refused instead. Later
  // pinned that the bytes read for the tarsum were kept for the copy; they are no longer kept (a
  // COPY refers to the file and reads it when the layer is written: issue 16, a big context's
  // RSS), so every read after a change is refused, the copy's included.
  test("are hashed from the file and read again, checked, by the copy; a file changed after the walk is refused", async () => {
    // Past the size whose bytes the tarsum's read keeps (kept-files.test.ts).
    const pad = "x".repeat(5000);
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\nCOPY f /\n");
    writeFileSync(join(dir, "f"), "one" + pad);
    const ctx = await BuildContext.fromDirectory(dir);
    const [src] = ctx.resolveSources(["f"]);
    expect(src.hash).toMatch(/^file:[0-9a-f]{64}$/);
    const bytes = src.entry!.bytes!();
    expect(bytes.length).toBe(5003);
    const out = Buffer.alloc(5);
    bytes.readInto(out, 1, 1, 2);
    expect(out.subarray(1, 3).toString()).toBe("ne");
    expect(Buffer.concat([...bytes.readChunks(0, 3, 2)]).toString()).toBe("one");
    expect(src.entry!.data().toString()).toBe("one" + pad);
    writeFileSync(join(dir, "f"), "two" + pad);
    expect(() => src.entry!.data()).toThrow(/changed after the context was read \(its content changed\)/);
    expect(() => bytes.readInto(out, 0, 0, 3)).toThrow(/changed after the context was read \(its content changed\)/);
  });
});
