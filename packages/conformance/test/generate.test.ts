import { describe, expect, it } from "vitest";
import { cpSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compose, FAMILIES } from "../src/generate/compose.js";
import { writeComposition } from "../src/generate/write.js";
import { restoreTree } from "../src/fixups.js";

describe("the composition generator", () => {
  it("gives the same compositions for the same seed, and covers every family", () => {
    const a = Array.from({ length: 20 }, (_, i) => compose(5, i));
    const b = Array.from({ length: 20 }, (_, i) => compose(5, i));
    expect(a).toEqual(b);
    expect(new Set(a.map((c) => c.family))).toEqual(new Set(FAMILIES));
    expect(compose(6, 0).dockerfile).not.toBe(a[0].dockerfile);
    for (const c of a) expect(c.dockerfile).toMatch(/^FROM conformance\/busybox:1/);
  });

  it("writes what git cannot keep into case.json, and the runner restores it in a copy", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbuild-gen-test-"));
    try {
      const c = { ...compose(1, 0), files: [
        { path: "ro.txt", content: "r\n", mode: 0o444 },
        { path: "e", dir: true, mode: 0o750 },
        { path: "lnk", symlink: "ro.txt" },
      ] };
      const caseDir = writeComposition(dir, c);
      const spec = JSON.parse(readFileSync(join(caseDir, "case.json"), "utf8"));
      expect(spec.modes).toEqual({ "ro.txt": "0444", e: "0750" });
      expect(spec.empty_dirs).toEqual(["e"]);
      // What a checkout gives: no empty directory, default modes.
      const copy = join(dir, "copy");
      cpSync(join(caseDir, "context"), copy, { recursive: true, verbatimSymlinks: true, filter: (p) => !p.endsWith("/e") });
      restoreTree(copy, spec);
      expect(lstatSync(join(copy, "ro.txt")).mode & 0o7777).toBe(0o444);
      expect(lstatSync(join(copy, "e")).mode & 0o7777).toBe(0o750);
      expect(readlinkSync(join(copy, "lnk"))).toBe("ro.txt");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
