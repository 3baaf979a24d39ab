// Heredocs (`RUN <<EOF`), as BuildKit's Dockerfile parser accepts them. Docker 20.10's
// classic builder has no heredocs (it would read the body lines as instructions); the
// parser records them anyway so that a builder can support or reject them knowingly.
//
// BuildKit's rules: only RUN, COPY and ADD (also as an ONBUILD trigger) in shell form; the
// line is split into words with quotes and escapes kept, and each word matching
// `[fd]<<[-]NAME` opens a heredoc. Quoting any part of NAME turns expansion off; `<<-`
// strips leading tabs (from the terminator line here, from the body when used).

import { ShellLexError, lexWord } from "./lex.js";
import type { LineNode, RawHeredoc } from "./line-node.js";
import { LineSyntaxError } from "./errors.js";

const heredocKeywords = new Set(["add", "copy", "run"]);

// Go: `^(\d*)<<(-?)\s*([^<]*)$`
const reHeredoc = /^([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)$/;

export function canContainHeredoc(node: LineNode): boolean {
  const target = node.cmd === "onbuild" && node.sub ? node.sub : node;
  return heredocKeywords.has(target.cmd) && !target.json;
}

function quoteCount(s: string): number {
  let n = 0;
  for (const ch of s) if (ch === "'" || ch === '"') n++;
  return n;
}

/** BuildKit's ParseHeredoc for one word; undefined when the word is not a heredoc. */
export function parseHeredocWord(word: string): Omit<RawHeredoc, "content"> | undefined {
  const match = reHeredoc.exec(word);
  if (!match) return undefined;
  const rest = match[3];
  if (rest === "") return undefined;
  const lex = (rawQuotes: boolean) =>
    lexWord(rest, [], "\\", { rawQuotes, rawEscapes: false, verbatimVariables: true, heredocOperators: true }).words;
  let words: string[];
  let rawWords: string[];
  try {
    words = lex(false);
    if (words.length !== 1) return undefined;
    rawWords = lex(true);
  } catch (err) {
    if (err instanceof ShellLexError) throw new LineSyntaxError(err.message);
    throw err;
  }
  if (rawWords.length !== words.length) {
    throw new LineSyntaxError(`internal lexing of heredoc produced inconsistent results: ${rest}`);
  }
  // strconv.ParseUint(fd, 10, 0) with its error ignored: too large gives the maximum.
  const fd = match[1] === "" ? undefined : Math.min(Number(match[1]), 2 ** 64 - 1);
  return {
    name: words[0],
    expand: quoteCount(words[0]) === quoteCount(rawWords[0]),
    chomp: match[2] === "-",
    ...(fd === undefined ? {} : { fileDescriptor: fd }),
  };
}

/** The heredocs a logical line opens, in order (BuildKit's heredocsFromLine). */
export function heredocsFromLine(line: string): Array<Omit<RawHeredoc, "content">> {
  let words: string[];
  try {
    words = lexWord(line, [], "\\", { rawQuotes: true, rawEscapes: true, verbatimVariables: true, heredocOperators: true })
      .words;
  } catch (err) {
    // BuildKit ignores a line it cannot split: such a line opens no heredoc.
    if (err instanceof ShellLexError) return [];
    throw err;
  }
  const docs: Array<Omit<RawHeredoc, "content">> = [];
  for (const word of words) {
    const doc = parseHeredocWord(word);
    if (doc) docs.push(doc);
  }
  return docs;
}

/** The body as the instruction uses it: with `<<-`, leading tabs removed from every line. */
export function chompHeredoc(content: string): string {
  // Go's (?m)^ starts a line only after "\n" (JavaScript's also after "\r").
  return content.replace(/(^|\n)\t+/g, "$1");
}
