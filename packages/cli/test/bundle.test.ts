import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
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

  it("prints the usage of every command", () => {
    const p = spawnSync(process.execPath, [bundleBin, "--help"], { encoding: "utf8" });
    expect(p.status).toBe(0);
    expect(p.stdout).toContain("explain");
    expect(p.stdout).toContain("history");
  });
});

describe.skipIf(!present)("the bundled CLI's code cache", () => {
  const run = (cacheDir: string, args: string[]) =>
    spawnSync(process.execPath, [bundleBin, ...args], { encoding: "utf8", env: { ...process.env, TSBUILD_CODE_CACHE_DIR: cacheDir, SOURCE_DATE_EPOCH: "1700000000" } });

  it("is written by a run without one, used by the next, and replaced when V8 rejects it", () => {
    const dir = tempDir();
    const stale = join(dir, "tsbuild-0000000000000000-v0.0.0-x64.v8cache");
    writeFileSync(stale, "an earlier bundle's cache");
    const first = run(dir, ["--help"]);
    expect(first.status).toBe(0);
    const caches = readdirSync(dir).filter((n) => n.endsWith(".v8cache"));
    // The earlier bundle's cache is gone; this bundle's is there, with no temp file left.
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatch(new RegExp(`^tsbuild-[0-9a-f]{16}-${process.version}-${process.arch}(-[0-9a-f]{8})?\\.v8cache$`));
    expect(readdirSync(dir)).toHaveLength(1);
    const cache = join(dir, caches[0]);
    const written = readFileSync(cache);
    expect(written.length).toBeGreaterThan(1000);

    // Accepted: the next run neither rewrites it nor prints differently.
    utimesSync(cache, new Date(0), new Date(0));
    const second = run(dir, ["--help"]);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(cache).mtimeMs).toBe(0);

    // Garbage of the same name: V8 rejects it, the run is unaffected, a good cache replaces it.
    writeFileSync(cache, Buffer.alloc(written.length, 7));
    const third = run(dir, ["--help"]);
    expect(third.status).toBe(0);
    expect(third.stdout).toBe(first.stdout);
    expect(readFileSync(cache).equals(Buffer.alloc(written.length, 7))).toBe(false);
  });

  it("loads the shell's script only for a step that runs: a cached build reads the CLI's alone", () => {
    const context = tempDir();
    cpSync(join(repoRoot, "test/conformance/cases/c25-cache-order/context"), context, { recursive: true });
    const root = tempDir();
    cli(cliBin, ["import", "--root", root, busyboxTar, "conformance/busybox:1"]);
    // Each run writes the caches of the scripts it compiled into a directory of its own.
    const caches = (args: string[]) => {
      const dir = tempDir();
      const p = run(dir, args);
      expect(p.stderr).toBe("");
      expect(p.status).toBe(0);
      return readdirSync(dir).map((n) => n.replace(/^tsbuild-[0-9a-f]{16}-[^-]+-[^-.]+/, "*")).sort();
    };
    const build = ["build", "--root", root, "-t", "x", context];
    expect(caches(build)).toEqual(["*.tsbuild-run.v8cache", "*.v8cache"]);
    expect(caches(build)).toEqual(["*.v8cache"]);
  });

  it("builds the same image with the cache, without it and with it turned off", () => {
    const context = tempDir();
    cpSync(join(repoRoot, "test/conformance/cases/c25-cache-order/context"), context, { recursive: true });
    const base = tempDir();
    cli(cliBin, ["import", "--root", base, busyboxTar, "conformance/busybox:1"]);
    const cacheDir = tempDir();
    const ids = ["1", "1", "0"].map((setting) => {
      const root = tempDir();
      cpSync(base, root, { recursive: true });
      const p = spawnSync(process.execPath, [bundleBin, "build", "--root", root, "-t", "x", context], {
        encoding: "utf8",
        env: { ...process.env, TSBUILD_CODE_CACHE_DIR: cacheDir, TSBUILD_CODE_CACHE: setting, SOURCE_DATE_EPOCH: "1700000000" },
      });
      expect(p.stderr).toBe("");
      return p.stdout.match(/Successfully built ([0-9a-f]{12})/)?.[1];
    });
    expect(ids[0]).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(1);
  });
});
