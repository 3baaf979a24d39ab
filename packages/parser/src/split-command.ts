// Docker's splitCommand/extractBuilderFlags (buildkit v0.8 split_command.go): the keyword,
// the leading `--flag` words, and the rest of the line.

import { splitWhitespaceOnce, toLower, trimSpace } from "./go-text.js";

export interface FlagWord {
  /** The flag after Docker's quote and backslash processing: `--chown=a b` for `--chown="a b"`. */
  value: string;
  /** The flag exactly as written in the line. */
  text: string;
}

export interface SplitCommand {
  keyword: string;
  /** The keyword lower-cased, as Docker dispatches on it. */
  cmd: string;
  flags: FlagWord[];
  /** What follows the flags, trimmed. */
  rest: string;
}

export function splitCommand(line: string): SplitCommand {
  const parts = splitWhitespaceOnce(trimSpace(line));
  const keyword = parts[0];
  let flags: FlagWord[] = [];
  let rest = "";
  if (parts.length === 2) ({ rest, flags } = extractBuilderFlags(parts[1]));
  return { keyword, cmd: toLower(keyword), flags, rest: trimSpace(rest) };
}

// Go walks this loop byte by byte and asks unicode.IsSpace about each byte; for text
// that is valid UTF-8 only ASCII bytes can be whitespace, which is what this checks.
function isAsciiSpace(ch: string): boolean {
  return ch === " " || (ch >= "\t" && ch <= "\r");
}

const enum Phase {
  InSpaces,
  InWord,
  InQuote,
}

/**
 * Reads `--name[=value]` words from the start of `line`. Quotes (' or ") group and are
 * removed; a backslash (always backslash, whatever the escape directive) escapes the next
 * character. A bare `--` ends the flags. The first word not starting with `--` starts
 * the rest.
 */
export function extractBuilderFlags(line: string): { rest: string; flags: FlagWord[] } {
  const flags: FlagWord[] = [];
  let phase = Phase.InSpaces;
  let word = "";
  let quote = "";
  let blankOK = false;
  let start = 0;
  for (let pos = 0; pos <= line.length; pos++) {
    const atEnd = pos === line.length;
    let ch = atEnd ? "" : line[pos];
    if (phase === Phase.InSpaces) {
      if (atEnd) break;
      if (isAsciiSpace(ch)) continue;
      if (ch !== "-" || pos + 1 === line.length || line[pos + 1] !== "-") {
        return { rest: line.slice(pos), flags };
      }
      phase = Phase.InWord;
      start = pos;
    }
    if (atEnd) {
      if (word !== "--" && (blankOK || word.length > 0)) flags.push({ value: word, text: line.slice(start) });
      break;
    }
    if (phase === Phase.InWord) {
      if (isAsciiSpace(ch)) {
        phase = Phase.InSpaces;
        if (word === "--") return { rest: line.slice(pos), flags };
        if (blankOK || word.length > 0) flags.push({ value: word, text: line.slice(start, pos) });
        word = "";
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        blankOK = true;
        phase = Phase.InQuote;
        continue;
      }
      if (ch === "\\") {
        if (pos + 1 === line.length) continue; // a backslash at the end is dropped
        pos++;
        ch = line[pos];
      }
      word += ch;
      continue;
    }
    // Phase.InQuote
    if (ch === quote) {
      phase = Phase.InWord;
      continue;
    }
    if (ch === "\\") {
      if (pos + 1 === line.length) {
        phase = Phase.InWord;
        continue;
      }
      pos++;
      ch = line[pos];
    }
    word += ch;
  }
  return { rest: "", flags };
}
