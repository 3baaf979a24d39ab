// ENV/LABEL/ARG pairs as Docker's parser keeps them: quotes and escapes still in the words.
// Docker removes them only while substituting (ShellLex.processWord), and quoting decides
// what gets substituted ('$A' stays $A), so the raw words are what a builder needs.

import { ShellLexError, lexWord } from "./lex.js";
import type { Pair } from "./types.js";

/** Whether the word has quotes that processWord would remove. */
function hasQuotes(raw: string, escapeToken: string): boolean {
  try {
    const mode = { rawEscapes: false, verbatimVariables: true, heredocOperators: false };
    return (
      lexWord(raw, [], escapeToken, { ...mode, rawQuotes: true }).word !==
      lexWord(raw, [], escapeToken, { ...mode, rawQuotes: false }).word
    );
  } catch (err) {
    // An unterminated quote: substitution will fail on it anyway.
    if (err instanceof ShellLexError) return /["']/.test(raw);
    throw err;
  }
}

export function pair(key: string, value: string | null, escapeToken: string): Pair {
  const p: Pair = { key, value };
  if (value !== null && hasQuotes(value, escapeToken)) p.quoted = true;
  return p;
}
