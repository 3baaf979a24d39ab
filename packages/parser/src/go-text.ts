// Go's text primitives, re-created so that Docker's parser (written in Go) can be
// followed rune for rune. JavaScript's \s, trim() and toUpperCase() each differ from
// Go in small ways (\uFEFF, U+0085, 'ß' → "SS"), and those differences decide where
// Docker splits words.

const latin1Spaces = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0]);
const wideSpaces = new Set([0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);

/** unicode.IsSpace */
export function isSpace(ch: string): boolean {
  const c = ch.codePointAt(0);
  if (c === undefined) return false;
  if (c <= 0xff) return latin1Spaces.has(c);
  return wideSpaces.has(c) || (c >= 0x2000 && c <= 0x200a);
}

/** unicode.IsLetter */
export function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

/** unicode.IsDigit (decimal digits of any script, category Nd) */
export function isDigit(ch: string): boolean {
  return /^\p{Nd}$/u.test(ch);
}

/** strings.TrimLeftFunc(s, unicode.IsSpace) */
export function trimLeftSpace(s: string): string {
  let i = 0;
  for (const ch of s) {
    if (!isSpace(ch)) break;
    i += ch.length;
  }
  return s.slice(i);
}

/** strings.TrimRightFunc(s, unicode.IsSpace) */
export function trimRightSpace(s: string): string {
  const chars = Array.from(s);
  let end = chars.length;
  while (end > 0 && isSpace(chars[end - 1])) end--;
  return chars.slice(0, end).join("");
}

/** strings.TrimSpace */
export function trimSpace(s: string): string {
  return trimRightSpace(trimLeftSpace(s));
}

// Go maps case rune by rune and never changes a string's length; JS may expand
// ('ß'.toUpperCase() === "SS"). Keep a rune unchanged when JS would expand it.
function mapRunes(s: string, map: (ch: string) => string): string {
  let out = "";
  for (const ch of s) {
    const mapped = map(ch);
    out += Array.from(mapped).length === 1 ? mapped : ch;
  }
  return out;
}

/** strings.ToUpper */
export function toUpper(s: string): string {
  return mapRunes(s, (ch) => ch.toUpperCase());
}

/** strings.ToLower */
export function toLower(s: string): string {
  return mapRunes(s, (ch) => ch.toLowerCase());
}

/** strings.EqualFold for the ASCII-cased words it is used on here ("AS", "NONE"). */
export function equalFold(a: string, b: string): boolean {
  return toLower(a) === toLower(b);
}

/** Docker's reWhitespace: `[\t\v\f\r ]+` (note: not \n, not Unicode spaces). */
export const reWhitespace = /[\t\v\f\r ]+/;

/** regexp.Split(s, 2) with reWhitespace: at most two parts. */
export function splitWhitespaceOnce(s: string): string[] {
  const m = reWhitespace.exec(s);
  if (!m) return [s];
  return [s.slice(0, m.index), s.slice(m.index + m[0].length)];
}

/** regexp.Split(s, -1) with reWhitespace. */
export function splitWhitespaceAll(s: string): string[] {
  return s.split(/[\t\v\f\r ]+/);
}

/** Length of s in UTF-8 bytes (Go strings are bytes; Docker's line limit counts bytes). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
