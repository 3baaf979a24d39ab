/**
 * Go's fmt verbs as Docker uses them: strconv.Quote in the parser's error messages, and in the
 * builder's history strings (`fmt.Sprintf("CMD %q", cmd)`, `"%v"` of a slice, time.Duration.String()).
 */

function isPrintable(ch: string): boolean {
  // ASCII first: compiling the Unicode classes costs milliseconds the first time (every build quotes its CMD).
  if (ch.length === 1 && ch >= " " && ch <= "~") return true;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

const shortEscapes: Record<string, string> = {
  "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
};

/** strconv.Quote, which Go's `%q` uses; Docker puts it in several error messages. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === "\\") {
      out += "\\" + ch;
    } else if (isPrintable(ch)) {
      out += ch;
    } else if (shortEscapes[ch]) {
      out += shortEscapes[ch];
    } else {
      const c = ch.codePointAt(0)!;
      if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
      else if (c < 0x10000) out += "\\u" + c.toString(16).padStart(4, "0");
      else out += "\\U" + c.toString(16).padStart(8, "0");
    }
  }
  return out + '"';
}

/** `%q` of a []string: `["a" "b"]`. */
export function goQuoteSlice(items: readonly string[]): string {
  return "[" + items.map(goQuote).join(" ") + "]";
}

/** `%v` of a []string: `[a b]`. */
export function goSlice(items: readonly string[]): string {
  return "[" + items.join(" ") + "]";
}

/** `%q` of an int: the quoted rune (strconv.QuoteRune). */
export function goQuoteRune(n: number): string {
  if (n === 0x27) return "'\\''";
  if (n === 0x5c) return "'\\\\'";
  if (n >= 0x20 && n < 0x7f) return `'${String.fromCharCode(n)}'`;
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };
  if (named[n]) return `'${named[n]}'`;
  if (n < 0x80) return "'\\x" + n.toString(16).padStart(2, "0") + "'";
  // Beyond ASCII, the rule of strconv.Quote: printable runes as they are, others escaped.
  const q = goQuote(String.fromCodePoint(n));
  return `'${q.slice(1, -1)}'`;
}

/** time.Duration.String() for a duration in nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  const neg = ns < 0;
  let u = Math.abs(ns);
  let out: string;
  if (u < 1e9) {
    if (u < 1e3) out = `${u}ns`;
    else if (u < 1e6) out = `${trimFrac(u / 1e3)}µs`;
    else out = `${trimFrac(u / 1e6)}ms`;
  } else {
    const h = Math.floor(u / 3600e9);
    u -= h * 3600e9;
    const m = Math.floor(u / 60e9);
    u -= m * 60e9;
    const s = trimFrac(u / 1e9);
    out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  }
  return neg ? "-" + out : out;
}

function trimFrac(x: number): string {
  return Number(x.toFixed(9)).toString();
}
