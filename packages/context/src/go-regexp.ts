/**
 * Translates the Go RE2 expressions that moby/patternmatcher builds from .dockerignore lines
 * into JavaScript RegExps that accept the same strings. patternmatcher passes `[`, `]` and
 * backslash escapes through to RE2 unchanged, so a faithful matcher has to read them with
 * RE2's rules (a `]` first in a class is literal, `[[:alpha:]]` is a POSIX class, `\s` is
 * ASCII space only, `.` excludes only "\n") rather than JavaScript's.
 * Constructs patternmatcher never emits (alternation, counted repetition, flags) are not handled;
 * RE2 features JavaScript lacks raise UnsupportedRegexpError.
 */
export class UnsupportedRegexpError extends Error {
  constructor(reason: string, source: string) {
    super(`${reason} in regexp ${JSON.stringify(source)}`);
    this.name = "UnsupportedRegexpError";
  }
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\u{0}-\\u{7f}", blank: "\\t ",
  cntrl: "\\u{0}-\\u{1f}\\u{7f}", digit: "0-9", graph: "!-~", lower: "a-z", print: " -~",
  punct: "!-\\/:-@\\[-`{-~", space: "\\t\\n\\v\\f\\r ", upper: "A-Z", word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

// Go's \s is [\t\n\f\r ]; JavaScript's also takes \v and Unicode spaces.
const GO_SPACE = "\\t\\n\\f\\r ";

const CONTROL_ESCAPES: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };

export function goRegexpToJs(source: string): RegExp {
  const r = Array.from(source);
  const fail = (reason: string) => new UnsupportedRegexpError(reason, source);
  let i = 0;
  let out = "";
  let operand = false; // whether a repetition operator has something to repeat
  let depth = 0;

  while (i < r.length) {
    const c = r[i++];
    switch (c) {
      case "\\": {
        if (i >= r.length) throw fail("trailing backslash");
        out += escapeOutsideClass(r[i++], fail);
        operand = true;
        break;
      }
      case "[": {
        const cls = parseClass(r, i, fail);
        out += cls.js;
        i = cls.next;
        operand = true;
        break;
      }
      case ".":
        out += "[^\\n]";
        operand = true;
        break;
      case "(":
        if (r[i] === "?") throw fail("group flags");
        out += "(?:";
        depth++;
        operand = false;
        break;
      case ")":
        if (depth === 0) throw fail("unexpected )");
        depth--;
        out += ")";
        operand = true;
        break;
      case "*":
      case "+":
      case "?":
        if (!operand) throw fail("missing argument to repetition operator");
        out += c;
        if (r[i] === "?") {
          out += "?";
          i++;
        }
        operand = false;
        break;
      case "^":
      case "$":
        out += c;
        operand = false;
        break;
      case "|":
      case "{":
        throw fail(`unsupported operator ${c}`);
      default:
        out += literalOutsideClass(c);
        operand = true;
    }
  }
  if (depth !== 0) throw fail("missing closing )");
  return new RegExp(out, "u");
}

function literalOutsideClass(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? "\\" + c : c;
}

function literalInClass(c: string): string {
  return `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

function isAsciiAlnum(c: string): boolean {
  return /^[0-9A-Za-z]$/.test(c);
}

function escapeOutsideClass(c: string, fail: (r: string) => Error): string {
  switch (c) {
    case "d": case "D": case "w": case "W": case "b": case "B":
      return "\\" + c;
    case "s":
      return `[${GO_SPACE}]`;
    case "S":
      return `[^${GO_SPACE}]`;
    case "A":
      return "^";
    case "z":
      return "$";
  }
  if (c in CONTROL_ESCAPES) return literalInClass(String.fromCodePoint(CONTROL_ESCAPES[c]));
  // Go: "escaped non-word characters are always themselves" (ASCII only).
  if (c.codePointAt(0)! < 0x80 && !isAsciiAlnum(c)) return literalOutsideClass(c);
  throw fail(`unsupported escape \\${c}`);
}

/** Parses an RE2 class starting after its `[`; returns the JS class and the index after `]`. */
function parseClass(r: string[], start: number, fail: (reason: string) => Error): { js: string; next: number } {
  let i = start;
  let negated = false;
  if (r[i] === "^") {
    negated = true;
    i++;
  }
  let body = "";
  let first = true;
  for (;;) {
    if (i >= r.length) throw fail("missing closing ]");
    if (r[i] === "]" && !first) {
      i++;
      break;
    }
    first = false;
    if (r[i] === "[" && r[i + 1] === ":") {
      const close = r.indexOf(":", i + 2);
      if (close >= 0 && r[close + 1] === "]") {
        const name = r.slice(i + 2, close).join("");
        const mapped = POSIX_CLASSES[name];
        if (mapped === undefined) throw fail(`unsupported character class [:${name}:]`);
        body += mapped;
        i = close + 2;
        continue;
      }
    }
    if (r[i] === "\\" && i + 1 < r.length && "dDsSwW".includes(r[i + 1])) {
      const k = r[i + 1];
      if (k === "s") body += GO_SPACE;
      else if (k === "S") throw fail("\\S inside a class");
      else body += "\\" + k;
      i += 2;
      continue;
    }
    const lo = classChar(r, i, fail);
    i = lo.next;
    let hi = lo;
    if (r[i] === "-" && i + 1 < r.length && r[i + 1] !== "]") {
      hi = classChar(r, i + 1, fail);
      i = hi.next;
      if (hi.ch.codePointAt(0)! < lo.ch.codePointAt(0)!) throw fail("invalid character class range");
    }
    body += lo === hi ? literalInClass(lo.ch) : `${literalInClass(lo.ch)}-${literalInClass(hi.ch)}`;
  }
  return { js: `[${negated ? "^" : ""}${body}]`, next: i };
}

function classChar(r: string[], i: number, fail: (reason: string) => Error): { ch: string; next: number } {
  if (i >= r.length) throw fail("missing closing ]");
  if (r[i] !== "\\") return { ch: r[i], next: i + 1 };
  const c = r[i + 1];
  if (c === undefined) throw fail("trailing backslash");
  if (c in CONTROL_ESCAPES) return { ch: String.fromCodePoint(CONTROL_ESCAPES[c]), next: i + 2 };
  if (c.codePointAt(0)! < 0x80 && !isAsciiAlnum(c)) return { ch: c, next: i + 2 };
  throw fail(`unsupported escape \\${c}`);
}
