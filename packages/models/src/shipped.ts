import { readFileSync } from "node:fs";
import { parseModelsFile } from "./format/parse.js";
import type { ModelsFile } from "./format/types.js";

/** The models tsbuild ships, a models file like a user's (data/builtin.models.json). */
const BUILTIN_FILE = new URL("../data/builtin.models.json", import.meta.url);

let builtin: ModelsFile | undefined;

/** tsbuild's own models (npm, pip, make, go, curl, wget), parsed once; their source reads "built-in". */
export function builtinModelsFile(): ModelsFile {
  if (!builtin) {
    const file = parseModelsFile(readFileSync(BUILTIN_FILE, "utf8"), "builtin.models.json");
    builtin = { ...file, name: "built-in", models: file.models.map((m) => ({ ...m, source: "built-in" })) };
  }
  return builtin;
}
