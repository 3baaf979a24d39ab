import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, onTestFinished, test } from "vitest";
import { analyzeImage, checkImage, loadRules, parseBytes, parseRules, renderCheck, RulesError } from "../src/index.js";
import { dockerImage, image } from "./helpers/cases.js";

describe("parseBytes (go-humanize's ParseBytes, as dive reads highestWastedBytes)", () => {
  test.each([
    ["1MB", 1_000_000],
    ["1 mb", 1_000_000],
    ["1MiB", 1_048_576],
    ["20M", 20_000_000],
    ["1.5 kB", 1500],
    ["1,000", 1000],
    ["42", 42],
    ["42B", 42],
    ["2GiB", 2 * 1024 ** 3],
  ])("%s = %d", (s, n) => expect(parseBytes(s)).toBe(n));

  test("bad sizes say what is wrong", () => {
    expect(() => parseBytes("MB")).toThrow(/no number/);
    expect(() => parseBytes("3 parsecs")).toThrow(/unhandled size name: parsecs/);
  });
});

describe("rules files", () => {
  test("dive's .dive-ci, camelCase under rules:", () => {
    const text = "rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: 0.20\n";
    expect(parseRules(text)).toEqual({ lowestEfficiency: 0.95, highestWastedBytes: 20_000_000, highestUserWastedPercent: 0.2 });
  });

  test("kebab-case keys, tsbuild's own rules, JSON at the top level", () => {
    expect(parseRules('{"lowest-efficiency": "0.5", "maxLayers": 5, "max-size": "10MB", "forbiddenPaths": ["/root/.ssh"], "maxWastedBytes": 0}')).toEqual({
      lowestEfficiency: 0.5,
      maxLayers: 5,
      maxSize: 10_000_000,
      forbiddenPaths: ["/root/.ssh"],
      maxWastedBytes: 0,
    });
  });

  test("disabled rules are left out", () => {
    expect(parseRules("rules:\n  lowestEfficiency: disabled\n  highestWastedBytes: off\n  maxLayers: 3\n")).toEqual({ maxLayers: 3 });
  });

  test("mistakes are named", () => {
    expect(() => parseRules("rules:\n  lowestEffciency: 0.9\n", "ci.yaml")).toThrow(/ci\.yaml: unknown rule "lowestEffciency"/);
    expect(() => parseRules("highestUserWastedPercent: 20\n", "ci.yaml")).toThrow(/invalid highestUserWastedPercent value 20: outside the allowed range 0-1/);
    expect(() => parseRules("maxLayers: many\n")).toThrow(RulesError);
    expect(() => parseRules("rules: [1, 2]\n")).toThrow(/"rules" must be a mapping/);
    expect(() => parseRules("a: [\n")).toThrow(/not YAML or JSON/);
    expect(() => loadRules("/nonexistent/rules.yaml")).toThrow(/cannot read check rules from \/nonexistent\/rules\.yaml/);
  });

  test("loadRules reads a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsbuild-explain-rules-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, ".dive-ci"), "rules:\n  highestWastedBytes: 1MB\n");
    expect(loadRules(join(dir, ".dive-ci"))).toEqual({ highestWastedBytes: 1_000_000 });
  });
});

describe("checkImage", () => {
  test("c18 fails a 1MB wasted-bytes rule, naming the instructions; c19 passes", async () => {
    const split = await analyzeImage(dockerImage("c18"));
    const r = checkImage(split, { highestWastedBytes: 1_000_000 });
    expect(r.pass).toBe(false);
    expect(r.results[0]).toMatchObject({ rule: "highestWastedBytes", pass: false, actual: "6.92MB (6921263 B)", layers: [1, 3] });
    expect(r.results[0].reasons[0]).toMatch(/^layer 2 `RUN apk add … gcc make` adds 6\.92MB that layer 4 `RUN apk del \.build-deps` deletes/);
    const text = renderCheck(r);
    expect(text).toContain("FAIL: highestWastedBytes: 6.92MB (6921263 B) (limit ≤ 1MB (1000000 B))");
    expect(text).toContain("Result: FAIL [1 of 1 rule broken]");

    const single = await analyzeImage(dockerImage("c19"));
    const ok = checkImage(single, { highestWastedBytes: 1_000_000 });
    expect(ok.pass).toBe(true);
    expect(renderCheck(ok)).toContain("PASS: highestWastedBytes: 0B (0 B)");
  });

  test("dive's efficiency and user-wasted rules, at and beyond their limits", async () => {
    const a = await analyzeImage(dockerImage("c18"));
    expect(checkImage(a, { lowestEfficiency: a.dive.efficiency }).pass).toBe(true);
    expect(checkImage(a, { lowestEfficiency: 0.5 }).pass).toBe(false);
    expect(checkImage(a, { highestUserWastedPercent: 0.99 }).pass).toBe(false);
    expect(checkImage(a, { highestUserWastedPercent: 1 }).pass).toBe(true);
    // No bytes above the base: dive's 0/0 is NaN and the rule passes, as in dive.
    const onlyBase = await analyzeImage(image([[["a", 10]]]));
    expect(onlyBase.dive.userWastedPercent).toBeNaN();
    expect(checkImage(onlyBase, { highestUserWastedPercent: 0 }).pass).toBe(true);
  });

  test("tsbuild's wasted bytes do not count the kept copy (c10: dive 3.96MB, tsbuild 1.98MB)", async () => {
    const a = await analyzeImage(dockerImage("c10"));
    expect(checkImage(a, { maxWastedBytes: 2_000_000 }).pass).toBe(true);
    expect(checkImage(a, { highestWastedBytes: 2_000_000 }).pass).toBe(false);
  });

  test("maxLayers and maxSize name the layers", async () => {
    const a = await analyzeImage(dockerImage("c18"));
    const r = checkImage(a, { maxLayers: 3, maxSize: 5_000_000 });
    expect(r.results.map((x) => [x.rule, x.pass])).toEqual([["maxLayers", false], ["maxSize", false]]);
    expect(r.results[0].reasons).toHaveLength(3);
    expect(r.results[1].reasons[0]).toBe("layer 2: layer 2 `RUN apk add … gcc make` adds 6.92MB, 6.92MB of it hidden by later layers");
    expect(checkImage(a, { maxLayers: 4, maxSize: 8908536 }).pass).toBe(true);
  });

  test("forbidden paths are found in every layer, deleted ones too", async () => {
    const a = await analyzeImage(
      image([[["bin/sh", 1]], ["root/", "root/.ssh/", ["root/.ssh/id_rsa", 400], ["srv/key.pem", 30]], ["root/.ssh/", ["root/.ssh/.wh.id_rsa", 0]]]),
    );
    const r = checkImage(a, { forbiddenPaths: ["/root/.ssh", "**/*.pem"] });
    expect(r.pass).toBe(false);
    expect(r.results[0].reasons).toEqual([
      '/root/.ssh matches "/root/.ssh": stored by layer 2, layer 2 `RUN step 1`',
      '/root/.ssh/id_rsa matches "/root/.ssh": stored by layer 2, layer 2 `RUN step 1`; deleted by layer 3, but still in the image',
      '/srv/key.pem matches "**/*.pem": stored by layer 2, layer 2 `RUN step 1`',
    ]);
    expect(checkImage(a, { forbiddenPaths: ["/etc/shadow"] }).pass).toBe(true);
  });

  test("no rules: nothing to break", async () => {
    const r = checkImage(await analyzeImage(dockerImage("c18")), {});
    expect(r).toEqual({ pass: true, results: [] });
    expect(renderCheck(r)).toContain("No rules configured.");
  });
});
