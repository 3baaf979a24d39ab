import { spawnSync } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { busyboxTar, cliBin, repoRoot, tempDir } from "./helpers/run.js";

// The bin users run is the esbuild bundle (scripts/bundle-cli.mjs); it must build what the
// unbundled CLI builds, byte for byte, with its data files (models, pkgsim, base images) found.
const bundleBin = join(repoRoot, "packages/cli/bundle/bin.js");
const present = existsSync(bundleBin) && existsSync(cliBin);
if (!present) console.warn("packages/cli/bundle/bin.js or dist/bin.js missing: run `pnpm build` (bundle test skipped)");

function cli(bin: string, args: string[]) {
  const p = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000" } });
  expect(p.stderr).toBe("");
  expect(p.status).toBe(0);
  return p.stdout;
}

describe.skipIf(!present)("the bundled CLI", () => {
  it("builds the same image as the unbundled one, RUN, COPY and models included", () => {
    const context = tempDir();
    cpSync(join(repoRoot, "test/conformance/cases/c25-cache-order/context"), context, { recursive: true });
    // One import (it is stamped with the time), copied for each CLI.
    const base = tempDir();
    cli(cliBin, ["import", "--root", base, busyboxTar, "conformance/busybox:1"]);
    const ids = [cliBin, bundleBin].map((bin) => {
      const root = tempDir();
      cpSync(base, root, { recursive: true });
      const out = cli(bin, ["build", "--root", root, "-t", "x", context]);
      return out.match(/Successfully built ([0-9a-f]{12})/)?.[1];
    });
    expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it("prints the usage of every command (each loads from its own chunk)", () => {
    const p = spawnSync(process.execPath, [bundleBin, "--help"], { encoding: "utf8" });
    expect(p.status).toBe(0);
    expect(p.stdout).toContain("explain");
    expect(p.stdout).toContain("history");
  });
});
