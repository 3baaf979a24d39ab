// Docker's parser.Parse (buildkit v0.8 parser.go, as vendored by Docker 20.10): physical
// lines become logical lines (continuations joined), each parsed into a LineNode. The
// heredoc bodies follow BuildKit's newer parser (see heredoc.ts).
//
// Joining, as checked against dockerd: the first line of an instruction loses its leading
// whitespace; a continuation drops the escape token (and blanks after it) and the next
// line is appended exactly as written, leading whitespace included. Comment lines and
// blank lines inside a continuation are skipped (blank ones with a warning).

import { DirectiveState, trimContinuation } from "./directives.js";
import { LineSyntaxError } from "./errors.js";
import { trimLeftSpace } from "./go-text.js";
import { canContainHeredoc, heredocsFromLine } from "./heredoc.js";
import { parseLineNode, type LineNode } from "./line-node.js";
import { LINE_TOO_LONG_MESSAGE, splitSourceLines, type SourceLine } from "./source-lines.js";

export interface ScannedNode extends LineNode {
  startLine: number;
  endLine: number;
}

export interface ScanResult {
  nodes: ScannedNode[];
  escapeToken: string;
  syntax?: string;
  warnings: string[];
}

function isComment(text: string): boolean {
  return trimLeftSpace(text).startsWith("#");
}

class LineReader {
  /** Lines consumed so far = the 1-based number of the last line read. */
  current = 0;
  constructor(private readonly lines: SourceLine[]) {}
  hasNext(): boolean {
    return this.current < this.lines.length;
  }
  next(): SourceLine {
    return this.lines[this.current++];
  }
}

function readHeredocBodies(node: ScannedNode, line: string, reader: LineReader): void {
  let docs;
  try {
    docs = heredocsFromLine(line);
  } catch (err) {
    if (err instanceof LineSyntaxError) throw err.at(node.startLine, reader.current);
    throw err;
  }
  for (const doc of docs) {
    let content = "";
    let terminated = false;
    while (reader.hasNext()) {
      const { raw } = reader.next();
      let candidate = raw.replace(/[\r\n]+$/, "");
      if (doc.chomp) candidate = candidate.replace(/^\t+/, "");
      if (candidate === doc.name) {
        terminated = true;
        break;
      }
      content += raw;
    }
    if (!terminated) throw new LineSyntaxError("unterminated heredoc", node.startLine, reader.current);
    node.heredocs.push({ ...doc, content });
  }
}

/**
 * `heredocs`: whether `<<EOF` opens a heredoc (BuildKit's frontend 1.4+) or the body lines are
 * instructions of their own (Docker 20.10's parsers, classic and built-in BuildKit); a function
 * decides from the `# syntax=` directive. Default: heredocs.
 */
export function scanDockerfile(text: string, heredocs: boolean | ((syntax: string | undefined) => boolean) = true): ScanResult {
  const { lines, tooLong } = splitSourceLines(text);
  const reader = new LineReader(lines);
  const directives = new DirectiveState();
  const nodes: ScannedNode[] = [];
  const warnings: string[] = [];

  while (reader.hasNext()) {
    let first = reader.next().text;
    if (reader.current === 1 && first.startsWith("\uFEFF")) first = first.slice(1);
    const trimmed = trimLeftSpace(first);
    directives.inspect(trimmed, reader.current);
    const startLine = reader.current;
    let { text: line, continued } = trimContinuation(isComment(trimmed) ? "" : trimmed, directives.escapeToken);
    if (!continued && line === "") continue;

    let hasEmptyContinuationLine = false;
    while (continued && reader.hasNext()) {
      const next = reader.next().text;
      directives.inspect(next, reader.current);
      if (isComment(next)) continue;
      if (trimLeftSpace(next) === "") {
        hasEmptyContinuationLine = true;
        continue;
      }
      const part = trimContinuation(next, directives.escapeToken);
      line += part.text;
      continued = part.continued;
    }
    if (hasEmptyContinuationLine) warnings.push("[WARNING]: Empty continuation line found in:\n    " + line);

    let node: ScannedNode;
    try {
      node = { ...parseLineNode(line, directives.escapeToken), startLine, endLine: reader.current };
    } catch (err) {
      if (err instanceof LineSyntaxError) throw err.at(startLine, reader.current);
      throw err;
    }
    if (canContainHeredoc(node) && line.includes("<<") && (typeof heredocs === "function" ? heredocs(directives.syntax) : heredocs)) {
      readHeredocBodies(node, line, reader);
      if (node.sub) node.sub.heredocs = node.heredocs;
      node.endLine = reader.current;
    }
    nodes.push(node);
  }

  if (warnings.length > 0) warnings.push("[WARNING]: Empty continuation lines will become errors in a future release.");
  if (nodes.length === 0) throw new LineSyntaxError("file with no instructions", Math.max(reader.current, 1));
  if (tooLong) throw new LineSyntaxError(LINE_TOO_LONG_MESSAGE, reader.current + 1);
  return { nodes, escapeToken: directives.escapeToken, syntax: directives.syntax, warnings };
}
