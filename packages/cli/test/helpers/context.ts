import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { importCommand } from "../../src/commands/import.js";
import { busyboxTar, run, tempDir } from "./run.js";

/** A store root holding the conformance busybox as base:1. */
export async function seeded(): Promise<string> {
  const root = tempDir();
  expect((await run(importCommand, [busyboxTar, "base:1"], { root })).code).toBe(0);
  return root;
}

/** A build context from a map of files, removed after the test file has run. */
export function context(files: Record<string, string>): string {
  const dir = tempDir("tsbuild-ctx-");
  for (const [p, v] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), v);
  }
  return dir;
}
