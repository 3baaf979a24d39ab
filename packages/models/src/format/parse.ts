import { createRequire } from "node:module";
import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import { modelsFileSchema } from "./schema.js";
import type { ModelsFile } from "./types.js";

import { ModelsFileError } from "./error.js";

export { ModelsFileError };

/** yaml (72 modules) loads with the first user's models file, not with tsbuild's own models. */
let yamlLib: typeof import("yaml") | undefined;
function yamlModule(): typeof import("yaml") {
  return (yamlLib ??= createRequire(import.meta.url)("yaml") as typeof import("yaml"));
}

/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED = 8;

/**
 * Parse and validate a models file (JSON, or YAML when the name ends in .yaml/.yml).
 * `name` is how messages name the file. Throws ModelsFileError listing every problem found.
 */
export function parseModelsFile(text: string, name: string): ModelsFile {
  const yaml = /\.ya?ml$/i.test(name);
  if (!yaml) {
    try {
      JSON.parse(text);
    } catch (e) {
      throw new ModelsFileError(`${name}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const { LineCounter, parseDocument } = yamlModule();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ModelsFileError(`${name}:${e.linePos?.[0].line ?? 1}: not valid ${yaml ? "YAML" : "JSON"}: ${e.message.split("\n")[0]}`);
  }
  const raw: unknown = doc.toJS();
  const parsed = modelsFileSchema().safeParse(raw);
  if (!parsed.success) throw new ModelsFileError(describeIssues(name, parsed.error.issues, raw, doc, lines));

  const models = parsed.data.models.map((m, i) => ({ ...m, source: `${name}:${lineOf(doc, lines, ["models", i])}` }));
  const seen = new Map<string, string>();
  for (const m of models) {
    const earlier = seen.get(m.name);
    if (earlier) throw new ModelsFileError(`${m.source}: model "${m.name}" is declared twice (first at ${earlier})`);
    seen.set(m.name, m.source);
  }
  return { name, models, downloads: new Map(Object.entries(parsed.data.downloads ?? {})) };
}

function describeIssues(file: string, issues: z.core.$ZodIssue[], raw: unknown, doc: Document, lines: LineCounter): string {
  const described = issues.slice(0, MAX_LISTED).map((issue) => {
    const path = trimStringIndex(raw, issue.path as (string | number)[]);
    let message = issue.message;
    let at = path;
    if (issue.code === "unrecognized_keys") {
      message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
      at = [...path, issue.keys[0]];
    } else if (issue.code === "invalid_type" && valueAt(raw, path) === undefined) {
      message = "is missing";
    }
    return `${file}:${lineOf(doc, lines, at)}: ${where(raw, path)}${message}`;
  });
  const more = issues.length - described.length;
  return [...described, ...(more > 0 ? [`(and ${more} more)`] : [])].join("\n");
}

/** "model "npm-ci" (models[2]): creates[0].files: " */
function where(raw: unknown, path: (string | number)[]): string {
  if (path.length === 0) return "";
  if (path[0] === "models" && typeof path[1] === "number") {
    const name = (valueAt(raw, path.slice(0, 2)) as { name?: unknown } | undefined)?.name;
    const head = `model ${typeof name === "string" ? `"${name}" ` : ""}(models[${path[1]}])`;
    const rest = fieldPath(path.slice(2));
    return `${head}${rest ? `, ${rest}` : ""}: `;
  }
  return `${fieldPath(path)}: `;
}

function fieldPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? `${i ? "." : ""}${p}` : `[${JSON.stringify(p)}]`)).join("");
}

/** A field written as one string where a list is allowed: its issue path ends in a list index that is not in the file. */
function trimStringIndex(raw: unknown, path: (string | number)[]): (string | number)[] {
  for (let i = 0; i < path.length; i++) {
    if (typeof path[i] === "number" && typeof valueAt(raw, path.slice(0, i)) === "string") return path.slice(0, i);
  }
  return path;
}

function valueAt(raw: unknown, path: (string | number)[]): unknown {
  let v = raw;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** The line of the deepest node on the path (a key's own line for a missing or unknown field). */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  const { isMap, isNode, isScalar } = yamlModule();
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    // A key whose value is null or missing: use the key.
    const parent = n > 0 ? (n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true)) : undefined;
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[n - 1]);
      if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
    }
  }
  return 1;
}
