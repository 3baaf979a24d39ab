import { afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
/** The repository's copy of the conformance data (test/conformance), so a fresh clone runs these tests. */
export const conformanceDir = join(repoRoot, "test/conformance");
export const busyboxTar = join(conformanceDir, "base/busybox-rootfs.tar");
export const alpineSimTar = join(conformanceDir, "base/alpine-sim-rootfs.tar");

/** What real Docker recorded for the busybox base: first diffID and layer size of case c01. */
export function busyboxExpected(): { diffID: string; size: number } {
  const e = JSON.parse(readFileSync(join(conformanceDir, "cases/c01-metadata-only/expected.json"), "utf8"));
  return { diffID: e.image.diff_ids[0], size: e.image.layers[0].size };
}

const created: string[] = [];
// Vitest loads this module once per test file, so each file cleans up after itself.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed after the test file has run. */
export function tempRoot(prefix = "tsbuild-store-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
