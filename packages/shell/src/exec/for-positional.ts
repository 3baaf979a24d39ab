import type { TransformPlugin } from "just-bash";

function visit(node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) visit(n);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (obj.type === "For" && obj.words === null) {
    obj.words = [{ type: "Word", parts: [{ type: "DoubleQuoted", parts: [{ type: "ParameterExpansion", parameter: "@", operation: null }] }] }];
  }
  for (const v of Object.values(obj)) if (v !== null && typeof v === "object") visit(v);
}

/**
 * `for f; do` loops over the positional parameters in every shell (`for f in "$@"`). just-bash
 * 3.4 reads them from a variable `@` that a child shell's environment does not hold (and splits
 * it on spaces), so `find -exec sh -c 'for f; do ...; done' sh {} +` looped over nothing: the
 * loop is given its words explicitly before the script runs.
 */
export function forPositional(): TransformPlugin {
  return { name: "tsbuild-for-positional", transform: ({ ast }) => (visit(ast), { ast }) };
}
