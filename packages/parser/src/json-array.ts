// The exec (JSON) form: `CMD ["a", "b"]`. Docker decodes the first JSON value with Go's
// json.Decoder, so anything after the closing bracket is ignored (`CMD ["a"] x` is exec
// form, checked against dockerd); text that does not decode falls back to the shell form;
// an array that decodes but holds a non-string is an error.

import { trimLeftSpace } from "./go-text.js";

export type JsonArrayResult =
  | { kind: "strings"; values: string[] }
  | { kind: "not-json" }
  | { kind: "not-strings" };

export const NOT_STRING_ARRAY_MESSAGE = "when using JSON array syntax, arrays must be comprised of strings only";

/** The end (exclusive) of the JSON value starting with `[` at 0, or -1 if it never closes. */
function firstValueEnd(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Go fails to decode a number too large for a float64 (where JSON.parse gives Infinity). */
function hasUndecodableNumber(value: unknown): boolean {
  if (typeof value === "number") return !Number.isFinite(value);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUndecodableNumber);
  return false;
}

export function parseJsonArray(rest: string): JsonArrayResult {
  const text = trimLeftSpace(rest);
  if (!text.startsWith("[")) return { kind: "not-json" };
  const end = firstValueEnd(text);
  if (end < 0) return { kind: "not-json" };
  let value: unknown;
  try {
    value = JSON.parse(text.slice(0, end));
  } catch {
    return { kind: "not-json" };
  }
  if (!Array.isArray(value)) return { kind: "not-json" };
  if (hasUndecodableNumber(value)) return { kind: "not-json" };
  if (!value.every((v): v is string => typeof v === "string")) return { kind: "not-strings" };
  return { kind: "strings", values: value };
}
