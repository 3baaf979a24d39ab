import { ArgsPattern } from "./match/pattern.js";
import { Template } from "./match/template.js";
import type { ModelsFile } from "./format/types.js";

/**
 * A validated models file as plain JSON, so tsbuild's own models load without the parser (zod,
 * yaml): compiled patterns and templates are kept as their sources and rebuilt by their
 * constructors, which are pure functions of them. `undefined` fields are kept too, so the revived
 * file is structurally the parsed one (test/compiled.test.ts checks the shipped file).
 */
type Tagged = { $pattern: string } | { $template: string } | { $map: Array<[string, unknown]> } | { $undefined: 0 };

export function compileModelsFile(file: ModelsFile): unknown {
  return encode(file, "file");
}

export function reviveModelsFile(json: unknown): ModelsFile {
  return decode(json) as ModelsFile;
}

function encode(v: unknown, at: string): unknown {
  if (v === undefined) return { $undefined: 0 };
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`${at}: ${v} has no JSON form`);
    return v;
  }
  if (v instanceof ArgsPattern) return { $pattern: v.source };
  if (v instanceof Template) return { $template: v.source };
  if (v instanceof Map) return { $map: [...v].map(([k, x], i) => [k, encode(x, `${at}[${i}]`)]) };
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${at}[${i}]`));
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k.startsWith("$")) throw new Error(`${at}.${k}: a key starting with "$" would read as a tag`);
      out[k] = encode(x, `${at}.${k}`);
    }
    return out;
  }
  throw new Error(`${at}: a ${Object.prototype.toString.call(v)} has no compiled form`);
}

function decode(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(decode);
  const t = v as Partial<Record<keyof UnionKeys<Tagged>, unknown>>;
  if ("$undefined" in t) return undefined;
  if (typeof t.$pattern === "string") return new ArgsPattern(t.$pattern);
  if (typeof t.$template === "string") return new Template(t.$template);
  if (Array.isArray(t.$map)) return new Map((t.$map as Array<[string, unknown]>).map(([k, x]) => [k, decode(x)]));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decode(x);
  return out;
}

type UnionKeys<T> = { [K in T extends unknown ? keyof T : never]: unknown };
