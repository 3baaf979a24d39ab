// Docker's parseWords (buildkit v0.8 line_parsers.go): splits ENV, LABEL and ARG
// arguments into words on unquoted whitespace. Quotes and escapes are KEPT in the words;
// they are removed later, when the builder substitutes variables in each word.

import { isSpace } from "./go-text.js";

const enum Phase {
  InSpaces,
  InWord,
  InQuote,
}

export function parseWords(rest: string, escapeToken: string): string[] {
  const runes = Array.from(rest);
  const words: string[] = [];
  let phase = Phase.InSpaces;
  let word = "";
  let quote = "";
  let blankOK = false;
  for (let pos = 0; pos <= runes.length; pos++) {
    const atEnd = pos === runes.length;
    let ch = atEnd ? "" : runes[pos];
    if (phase === Phase.InSpaces) {
      if (atEnd) break;
      if (isSpace(ch)) continue;
      phase = Phase.InWord;
    }
    if (atEnd) {
      if (blankOK || word.length > 0) words.push(word);
      break;
    }
    if (phase === Phase.InWord) {
      if (isSpace(ch)) {
        phase = Phase.InSpaces;
        if (blankOK || word.length > 0) words.push(word);
        word = "";
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = Phase.InQuote;
      }
      if (ch === escapeToken) {
        if (pos + 1 === runes.length) continue; // an escape token at the end is dropped
        // Outside quotes the escape token and the character after it are kept as a pair,
        // even when that character is a quote.
        word += ch;
        pos++;
        ch = runes[pos];
      }
      word += ch;
      continue;
    }
    // Phase.InQuote
    if (ch === quote) phase = Phase.InWord;
    // Inside '...' nothing can be escaped.
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === runes.length) {
        phase = Phase.InWord;
        continue;
      }
      pos++;
      word += ch;
      ch = runes[pos];
    }
    word += ch;
  }
  return words;
}
