// Validates data/builtin.models.json with the same parser a user's models file goes through and
// writes data/builtin.models.compiled.json, which tsbuild loads at run time without zod or yaml.
// Run by `pnpm build` after tsc (it imports dist/); fails the build on an invalid models file.
import { readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { parseModelsFile } from "../dist/format/parse.js";
import { compileModelsFile, reviveModelsFile } from "../dist/compiled.js";

const source = new URL("../data/builtin.models.json", import.meta.url);
const target = new URL("../data/builtin.models.compiled.json", import.meta.url);

const parsed = parseModelsFile(readFileSync(source, "utf8"), "builtin.models.json");
const file = { ...parsed, name: "built-in", models: parsed.models.map((m) => ({ ...m, source: "built-in" })) };
const compiled = compileModelsFile(file);
if (!isDeepStrictEqual(reviveModelsFile(compiled), file)) {
  throw new Error("builtin.models.json: the compiled form does not revive to the parsed file");
}
const text = JSON.stringify(compiled) + "\n";
let old;
try {
  old = readFileSync(target, "utf8");
} catch {
  old = undefined;
}
if (old !== text) writeFileSync(target, text);
