import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { checkCommand } from "../src/commands/check.js";
import { compareCommand } from "../src/commands/compare.js";
import { buildCase, caseDir } from "./helpers/cases.js";
import { run, tempDir } from "./helpers/run.js";

const split = join(caseDir("c18"), "context/Dockerfile");
const single = join(caseDir("c19"), "context/Dockerfile");
let root: string;
let rules: string;

beforeAll(() => {
  // An empty store: compare and check --dockerfile build in memory, the conformance bases found beside the repository.
  root = tempDir("tsbuild-compare-");
  rules = join(root, "rules.yaml");
  writeFileSync(rules, "rules:\n  highestWastedBytes: 1MB\n");
});

describe("tsbuild compare", () => {
  test("c18 vs c19: the apk-del lesson in one command", async () => {
    const r = await run(compareCommand, [split, single], { root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2     6.92MB  6.92MB  6B      -       A: Dockerfile:2 `RUN apk add … gcc make`");
    expect(r.stdout).toContain("                                      B: Dockerfile:2 `RUN apk add … del .build-deps`");
    expect(r.stdout).toContain("B is 6.92MB (6921263 B) smaller than A: 8.91MB → 1.99MB.");
    expect(r.stdout).toContain(
      "In A: Dockerfile:2 `RUN apk add … gcc make` adds 6.92MB that Dockerfile:4 `RUN apk del .build-deps`",
    );
  });

  test("--json has both analyses and the diff", async () => {
    const r = await run(compareCommand, [split, single, "--json"], { root });
    const j = JSON.parse(r.stdout);
    expect(j.a.layers.map((l: { size: number }) => l.size)).toEqual([1987267, 6921263, 6, 0]);
    expect(j.b.layers.map((l: { size: number }) => l.size)).toEqual([1987267, 6]);
    expect(j.diff.visibleDifference).toBe(0);
    expect(j.a.layers[1].record).toMatchObject({ dockerfile: "Dockerfile", line: 2, kind: "RUN" });
  });

  test("one CONTEXT for both Dockerfiles", async () => {
    const ctx = tempDir();
    writeFileSync(join(ctx, "a.txt"), "x".repeat(3000));
    writeFileSync(join(ctx, "A.Dockerfile"), "FROM conformance/busybox:1\nCOPY a.txt /a.txt\nRUN rm /a.txt\n");
    writeFileSync(join(ctx, "B.Dockerfile"), "FROM conformance/busybox:1\nCOPY a.txt /a.txt\n");
    const r = await run(compareCommand, [join(ctx, "A.Dockerfile"), join(ctx, "B.Dockerfile"), ctx, "--json"], { root });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    // The shared COPY is cached: the same layer in both.
    expect(j.diff.sharedLayers).toBe(2);
    expect(j.a.findings[0].message).toMatch(/^A\.Dockerfile:2 `COPY a\.txt \/a\.txt` adds 3kB that A\.Dockerfile:3 `RUN rm \/a\.txt` deletes/);
  });

  test("a failing build names the Dockerfile", async () => {
    const ctx = tempDir();
    writeFileSync(join(ctx, "Dockerfile"), "FROM conformance/busybox:1\nRUN exit 3\n");
    const r = await run(compareCommand, [join(ctx, "Dockerfile"), single], { root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Error: building ${join(ctx, "Dockerfile")} failed:`);
  });
});

describe("tsbuild check", () => {
  test("--dockerfile: c18 breaks a 1MB wasted-bytes rule (exit 1), naming the instructions; c19 passes", async () => {
    const bad = await run(checkCommand, ["--dockerfile", split, "--config", rules], { root });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`Checking ${split} (rules from ${rules})`);
    expect(bad.stdout).toContain("FAIL: highestWastedBytes: 6.92MB (6921263 B) (limit ≤ 1MB (1000000 B))");
    expect(bad.stdout).toContain("- Dockerfile:2 `RUN apk add … gcc make` adds 6.92MB that Dockerfile:4 `RUN apk del .build-deps` deletes");
    expect(bad.stdout).toContain("Result: FAIL [1 of 1 rule broken]");

    const good = await run(checkCommand, ["--dockerfile", single, "--config", rules], { root });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("PASS: highestWastedBytes: 0B (0 B)");
  });

  test("an image of the store, --json", async () => {
    const disk = tempDir("tsbuild-check-");
    await buildCase(disk, "c18", "check-test/split");
    const r = await run(checkCommand, ["check-test/split", "--config", rules, "--json"], { root: disk });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ image: "check-test/split", pass: false, rules: { highestWastedBytes: 1000000 } });
    expect(j.results[0]).toMatchObject({ rule: "highestWastedBytes", pass: false, layers: [1, 3] });
    // Numbers are numbers (they were strings such as "0.9985 (99.85 %)"); the words sit beside them.
    expect(j.results[0]).toMatchObject({ actual: 6921263, limit: 1000000, actualText: "6.92MB (6921263 B)", limitText: "≤ 1MB (1000000 B)" });
  });

  test("./.dive-ci is read when no --config is given; without one, dive's defaults apply", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".dive-ci"), "rules:\n  lowestEfficiency: 0.2\n");
    const withFile = await run(checkCommand, ["--dockerfile", split], { root, cwd: dir });
    expect(withFile.stdout).toContain("(rules from .dive-ci)");
    expect(withFile.stdout).toContain("PASS: lowestEfficiency: 0.2229 (22.29 %) (limit ≥ 0.2)");
    expect(withFile.code).toBe(0);

    const defaults = await run(checkCommand, ["--dockerfile", split], { root, cwd: tempDir() });
    expect(defaults.code).toBe(1);
    expect(defaults.stdout).toContain("FAIL: lowestEfficiency: 0.2229 (22.29 %) (limit ≥ 0.9)");
    expect(defaults.stdout).toContain("FAIL: highestUserWastedPercent: 1.0000 (100.00 %) (limit ≤ 0.1)");
  });

  // Exit 2 for input and build errors, 1 only for broken rules (both were 1, so CI could not tell them apart).
  test("usage and config mistakes are errors that say what is wrong", async () => {
    const r = await run(checkCommand, [], { root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"tsbuild check" requires exactly 1 argument.');
    const badRules = join(tempDir(), "bad.yaml");
    writeFileSync(badRules, "rules:\n  highestWastedBytes: lots\n");
    const bad = await run(checkCommand, ["--dockerfile", single, "--config", badRules], { root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`Error: ${badRules}: invalid highestWastedBytes value "lots"`);
    const ctx = tempDir();
    writeFileSync(join(ctx, "Dockerfile"), "FROM busybox:1.36\nRUN echo broken >&2 && exit 3\n");
    const failed = await run(checkCommand, ["--dockerfile", join(ctx, "Dockerfile"), ctx], { root });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("returned a non-zero code: 3");
  });
});

describe("tsbuild check on the apk examples (built-in alpine:3.19)", () => {
  const example = (name: string) => join(import.meta.dirname, "../../../examples", name);
  test("the split example breaks a 1 MB wasted-bytes rule; the single-RUN one keeps it", async () => {
    const bad = await run(checkCommand, ["--config", rules, "--dockerfile", join(example("apk-split"), "Dockerfile"), example("apk-split")], { root });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/FAIL: highestWastedBytes/);
    expect(bad.stdout).toContain("Dockerfile:3 `RUN apk add … make musl-dev` adds 135MB that Dockerfile:5 `RUN apk del .build-deps` deletes");
    const good = await run(checkCommand, ["--config", rules, "--dockerfile", join(example("apk-single"), "Dockerfile"), example("apk-single")], { root });
    expect(good.code).toBe(0);
  });
});
