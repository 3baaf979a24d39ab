// Parser directives (`# escape=`` and `# syntax=...`) and the escape token's role as the
// line-continuation character, as Docker 20.10's parser (buildkit v0.8 parser.go) has them.
//
// Directives are only recognised in the run of directive lines at the very top of the
// file: the first line that is not a known directive (an instruction, a blank line, a
// plain comment, or an unknown `# foo=bar`) ends the run. Checked against dockerd.

import { LineSyntaxError } from "./errors.js";

// Go's \s is [\t\n\f\r ] and its `.` is anything but \n.
const reDirective = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+?)[\t\n\f\r ]*$/;
const knownDirectives = new Set(["escape", "syntax"]);

export class DirectiveState {
  escapeToken = "\\";
  syntax: string | undefined;
  private done = false;
  private readonly seen = new Set<string>();

  /** Docker's possibleParserDirective; `line` is 1-based, for errors. */
  inspect(text: string, line: number): void {
    if (this.done) return;
    const match = reDirective.exec(text);
    const name = match?.[1].toLowerCase();
    if (!match || !name || !knownDirectives.has(name)) {
      this.done = true;
      return;
    }
    if (this.seen.has(name)) {
      throw new LineSyntaxError(`only one ${name} parser directive can be used`, line);
    }
    this.seen.add(name);
    const value = match[2];
    if (name === "escape") {
      if (value !== "`" && value !== "\\") {
        throw new LineSyntaxError(`invalid escape token '${value}' does not match \` or \\`, line);
      }
      this.escapeToken = value;
    } else {
      this.syntax = value;
    }
  }
}

/**
 * Docker's trimContinuationCharacter: a line whose last non-blank (space/tab) character is
 * the escape token continues on the next line, unless that token is itself preceded by the
 * escape token (Docker's regexp cannot tell `\\\` from `\\`, so neither continues).
 * Returns the line without the token and the blanks after it.
 */
export function trimContinuation(line: string, escapeToken: string): { text: string; continued: boolean } {
  let end = line.length;
  while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t")) end--;
  if (end === 0 || line[end - 1] !== escapeToken) return { text: line, continued: false };
  if (end >= 2 && line[end - 2] === escapeToken) return { text: line, continued: false };
  return { text: line.slice(0, end - 1), continued: true };
}
