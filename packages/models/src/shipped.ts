import { readFileSync } from "node:fs";
import { reviveModelsFile } from "./compiled.js";
import type { ModelsFile } from "./format/types.js";

/**
 * The models tsbuild ships (data/builtin.models.json), validated at build time by
 * scripts/compile-builtin.mjs into data/builtin.models.compiled.json: loading them needs neither
 * zod nor yaml. Their name and sources read "built-in".
 */
const COMPILED_FILE = new URL("../data/builtin.models.compiled.json", import.meta.url);

let builtin: ModelsFile | undefined;

/** tsbuild's own models (npm, pip, make, go, curl, wget), parsed once; their source reads "built-in". */
export function builtinModelsFile(): ModelsFile {
  return (builtin ??= reviveModelsFile(JSON.parse(readFileSync(COMPILED_FILE, "utf8"))));
}
