import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// The CLI's own in-process runner, so both front doors are driven the same way here and there.
import { runMain } from "../../cli/test/helpers/run.js";
import { builtinSource } from "@tsbuild/builder";
import { build, type ImageSource } from "../src/index.js";

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

function contextDir(): string {
  const dir = temp("tsbuild-frontdoor-ctx-");
  writeFileSync(join(dir, "Dockerfile"), "FROM busybox\nCOPY a.txt /a.txt\nRUN echo hi > /b\n");
  writeFileSync(join(dir, "a.txt"), "a\n");
  utimesSync(join(dir, "a.txt"), 1_600_000_000, 1_600_000_000);
  return dir;
}

const cli = (argv: string[], env: Record<string, string>) => runMain(argv, { cwd: tmpdir(), env });

describe("one front door for the library and the CLI", () => {
  it("the CLI's build and the library's build() give the same image ID for the same context", async () => {
    const dir = contextDir();
    const root = temp("tsbuild-frontdoor-root-");
    const image = await build({ context: dir, sourceDateEpoch: 0 });
    const r = await cli(["--root", root, "build", "-q", dir], { HOME: root, SOURCE_DATE_EPOCH: "0", TSBUILD_OFFLINE: "1" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(image.id);
  });

  it("build({ sources }) resolves FROM through the chain given, in order", async () => {
    const dir = contextDir();
    const asked: string[] = [];
    const record = (name: string, inner?: ImageSource): ImageSource => ({
      name,
      find: async (ref, store) => {
        asked.push(`${name}:${ref}`);
        return inner?.find(ref, store);
      },
    });
    const viaChain = await build({ context: dir, sourceDateEpoch: 0, sources: [record("empty"), record("builtins", builtinSource), record("never", builtinSource)] });
    expect(asked).toEqual(["empty:busybox", "builtins:busybox"]);
    expect(viaChain.id).toBe((await build({ context: dir, sourceDateEpoch: 0 })).id);
    await expect(build({ context: dir, sources: [record("empty")] })).rejects.toThrow(/busybox/);
  });
});
