// The physical lines of a Dockerfile as Go's bufio.Scanner (ScanLines) delivers them to
// Docker's parser: split on "\n" only, one "\r" before it dropped. A lone "\r" is not a
// line break for Docker (it is whitespace inside the line) -- checked against dockerd.

import { utf8Length } from "./go-text.js";

export interface SourceLine {
  /** The line without its "\n" and without one "\r" before it. */
  text: string;
  /** The line with its line ending, as BuildKit copies it into heredoc content. */
  raw: string;
}

// bufio.Scanner's buffer is 64 KiB; a line that does not fit stops the scan.
const MAX_LINE_BYTES = 64 * 1024;
export const LINE_TOO_LONG_MESSAGE = `dockerfile line greater than max allowed size of ${MAX_LINE_BYTES - 1}`;

export interface SourceLines {
  lines: SourceLine[];
  /** Set when the scan stopped at a line too long for Docker's scanner. */
  tooLong: boolean;
}

export function splitSourceLines(text: string): SourceLines {
  const lines: SourceLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const end = nl < 0 ? text.length : nl;
    const raw = text.slice(start, nl < 0 ? text.length : nl + 1);
    const body = text.slice(start, end);
    // A UTF-16 unit is at most 3 UTF-8 bytes: short lines need no byte count.
    if (body.length * 3 >= MAX_LINE_BYTES && utf8Length(body) >= MAX_LINE_BYTES) return { lines, tooLong: true };
    lines.push({ text: body.endsWith("\r") ? body.slice(0, -1) : body, raw });
    start = end + 1;
  }
  return { lines, tooLong: false };
}
