import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { builtinModelsFile, parseModelsFile } from "@tsbuild/models";
import { compileModelsFile, reviveModelsFile } from "../src/compiled.js";

describe("the compiled built-in models", () => {
  it("are data/builtin.models.json as the parser reads it (else run pnpm build)", () => {
    const parsed = parseModelsFile(readFileSync(new URL("../data/builtin.models.json", import.meta.url), "utf8"), "builtin.models.json");
    const expected = { ...parsed, name: "built-in", models: parsed.models.map((m) => ({ ...m, source: "built-in" })) };
    expect(isDeepStrictEqual(builtinModelsFile(), expected)).toBe(true);
  });

  it("keep undefined fields, maps, patterns and templates", () => {
    const file = parseModelsFile(
      JSON.stringify({ models: [{ name: "m", command: "make", args: "{target} ...", creates: [{ path: "/out/{target}", bytes: 3 }] }], downloads: { "https://x/y": "1 kB" } }),
      "f.json",
    );
    const revived = reviveModelsFile(JSON.parse(JSON.stringify(compileModelsFile(file))));
    expect(isDeepStrictEqual(revived, file)).toBe(true);
    expect(revived.models[0].patterns[0].match(["all", "-j2"])).toEqual({ target: "all" });
    expect("description" in revived.models[0]).toBe(true);
  });

  it("refuse what JSON cannot carry", () => {
    expect(() => compileModelsFile({ name: "x", models: [], downloads: new Map([["u", Infinity]]) })).toThrow(/Infinity has no JSON form/);
    expect(() => compileModelsFile({ name: "x", models: [new Date(0)] } as never)).toThrow(/Date.*no compiled form/);
  });
});
