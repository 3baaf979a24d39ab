import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { caseNames, compareCase, passes, runCase } from "@tsbuild/conformance";

const casesDir = join(import.meta.dirname, "conformance", "cases");
const basesDir = join(import.meta.dirname, "conformance", "base");

// Cases listed here do not pass yet; every other case must pass every aspect compare.py checks.
const KNOWN_FAILING = new Set<string>([]);

describe("conformance with the Docker 20.10 classic builder", () => {
  for (const name of caseNames(casesDir)) {
    const test = KNOWN_FAILING.has(name) ? it.fails : it;
    test(name, async () => {
      const expected = JSON.parse(readFileSync(join(casesDir, name, "expected.json"), "utf8"));
      const actual = await runCase(join(casesDir, name), basesDir);
      const aspects = compareCase(expected, actual);
      const failed = Object.fromEntries(Object.entries(aspects).filter(([k, v]) => !v.ok && k !== "history_exact"));
      expect(failed).toEqual({});
      expect(passes(aspects)).toBe(true);
      // history_exact is part of the bar too: the file:/dir:/multi: hashes are Docker's.
      expect(aspects.history_exact?.detail ?? "").toBe("");
    });
  }
});
