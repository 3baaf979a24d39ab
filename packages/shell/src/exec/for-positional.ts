/**
 * `for f; do` loops over the positional parameters in every shell (`for f in "$@"`). just-bash
 * 3.4 reads them from a variable `@` that a child shell's environment does not hold (and splits
 * it on spaces), so `find -exec sh -c 'for f; do ...; done' sh {} +` looped over nothing: the
 * loop is given its words explicitly before the script runs (tsbuild-words.ts).
 */
export function giveWords(obj: Record<string, unknown>): void {
  if (obj.type === "For" && obj.words === null) {
    obj.words = [{ type: "Word", parts: [{ type: "DoubleQuoted", parts: [{ type: "ParameterExpansion", parameter: "@", operation: null }] }] }];
  }
}

