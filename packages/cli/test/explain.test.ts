import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { diffCommand } from "../src/commands/diff.js";
import { explainCommand } from "../src/commands/explain.js";
import { buildCase } from "./helpers/cases.js";
import { run, tempDir } from "./helpers/run.js";

let root: string;

beforeAll(async () => {
  root = tempDir("tsbuild-explain-");
  await buildCase(root, "c18", "explain-test/split");
  await buildCase(root, "c19", "explain-test/single");
});

describe("tsbuild explain", () => {
  test("explains each layer and finds the apk add/del split", async () => {
    const r = await run(explainCommand, ["explain-test/split"], { root });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Image [0-9a-f]{12}: 8\.91MB \(8908536 B\) in 4 layers/);
    expect(r.stdout).toContain("6.92MB (6921263 B) of this layer is hidden by later layers:");
    // The store keeps build records, so findings name Dockerfile lines; the text wraps at the width.
    expect(r.stdout.replace(/\s+/g, " ")).toMatch(/ 1\. Dockerfile:2 `RUN apk add … gcc make` adds 6\.92MB that Dockerfile:4 `RUN apk del \.build-deps` deletes/);
    expect(r.stdout).not.toContain("\x1b[");
  });

  test("--json is the analysis", async () => {
    const r = await run(explainCommand, ["explain-test/split", "--json"], { root });
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.totalSize).toBe(8908536);
    expect(a.wastedBytes).toBe(6921263);
    expect(a.dive.wastedBytes).toBe(6921263);
    expect(a.layers.map((l: { size: number }) => l.size)).toEqual([1987267, 6921263, 6, 0]);
    expect(a.findings[0].kind).toBe("deleted-later");
  });

  test("--html writes one page", async () => {
    const dir = tempDir();
    const r = await run(explainCommand, ["explain-test/split", "--html", "out.html"], { root, cwd: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "out.html"))).toBe(true);
    expect(readFileSync(join(dir, "out.html"), "utf8")).toContain('data-hidden="6921263"');
    expect(r.stderr).toBe(`Wrote ${join(dir, "out.html")}\n`);
  });

  test("a missing image and a missing argument are errors", async () => {
    expect(await run(explainCommand, ["nope:1"], { root })).toMatchObject({ code: 1, stderr: "Error: No such image: nope:1\n" });
    const r = await run(explainCommand, [], { root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"tsbuild explain" requires exactly 1 argument.');
  });
});

describe("tsbuild diff", () => {
  test("two images side by side, the size difference explained", async () => {
    const r = await run(diffCommand, ["explain-test/split", "explain-test/single"], { root });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("A: explain-test/split  8.91MB (8908536 B), 4 layers");
    expect(r.stdout).toMatch(/1  =  1\.99MB  -       1\.99MB  -       /);
    expect(r.stdout).toContain("B is 6.92MB (6921263 B) smaller than A: 8.91MB → 1.99MB.");
    expect(r.stdout).toContain("Files the final images show: A 1.99MB, B 1.99MB: the same bytes.");
  });

  test("--json", async () => {
    const r = await run(diffCommand, ["explain-test/split", "explain-test/single", "--json"], { root });
    const j = JSON.parse(r.stdout);
    expect(j.diff.sizeDifference).toBe(1987273 - 8908536);
    expect(j.diff.wastedDifference).toBe(-6921263);
    expect(j.a.totalSize).toBe(8908536);
  });

  test("needs two images", async () => {
    const r = await run(diffCommand, ["explain-test/split"], { root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"tsbuild diff" requires exactly 2 arguments.');
  });
});
